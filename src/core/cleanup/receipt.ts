/**
 * A receipt for every bulk run: what was asked (the command, the rule), what was removed, what was
 * already gone, what failed and why, what was kept, what was not attempted. Plain JSON (kept as one file
 * per run in globalStorage — receiptStore.ts —, never a token), rendered as Markdown with links to the targets; the UI words
 * the headings (`ReceiptWords`) and exports it as JSON/CSV like the reactions themselves.
 */
import type { BulkSummary } from '../bulk';
import { modelOnly, type Reaction } from '../model';
import type { RemovalSource } from './journal';

export type ReceiptSection = 'removed' | 'alreadyGone' | 'targetDeleted' | 'failed' | 'kept' | 'notAttempted';
export const RECEIPT_SECTIONS: readonly ReceiptSection[] = [
  'removed',
  'alreadyGone',
  'targetDeleted',
  'failed',
  'kept',
  'notAttempted',
];

export interface ReceiptEntry {
  readonly reaction: Reaction;
  /** Why it failed (failed only). */
  readonly reason?: string;
}

export interface Receipt {
  readonly id: string;
  /** When the run ended (ISO). */
  readonly at: string;
  /** What was asked: the command's title, and the rule of a Clean Up in words. */
  readonly asked: { readonly command: string; readonly source: RemovalSource; readonly rule?: string };
  /** The journal batch of what was removed, when something was. */
  readonly batchId?: string;
  readonly requested: number;
  readonly cancelled: boolean;
  readonly sections: Readonly<Record<ReceiptSection, readonly ReceiptEntry[]>>;
}

/** The receipt of one bulk run, from its summary and what the keep list left out. */
export function buildReceipt(
  run: BulkSummary,
  kept: readonly Reaction[],
  asked: Receipt['asked'],
  options: { batchId?: string; now?: number } = {},
): Receipt {
  const at = new Date(options.now ?? Date.now()).toISOString();
  const plain = (list: readonly Reaction[]) => list.map((r) => ({ reaction: copy(r) }));
  return {
    id: `${Date.parse(at).toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    at,
    asked,
    ...(options.batchId ? { batchId: options.batchId } : {}),
    requested: run.requested + kept.length,
    cancelled: run.cancelled,
    sections: {
      removed: plain(run.removed),
      alreadyGone: plain(run.alreadyRemoved),
      targetDeleted: plain(run.targetDeleted),
      failed: run.failed.map((f) => ({ reaction: copy(f.reaction), reason: f.error.message })),
      kept: plain(kept),
      notAttempted: plain(run.notAttempted),
    },
  };
}

function copy(r: Reaction): Reaction {
  return JSON.parse(JSON.stringify(modelOnly(r))) as Reaction;
}

/** The words of the document (the UI passes translated ones). `{0}` is a count. */
export interface ReceiptWords {
  readonly title: string;
  readonly asked: string;
  readonly rule: string;
  readonly when: string;
  readonly cancelled: string;
  readonly sections: Readonly<Record<ReceiptSection, string>>;
  readonly none: string;
}

export const ENGLISH_WORDS: ReceiptWords = {
  title: 'Receipt',
  asked: 'Asked',
  rule: 'Rule',
  when: 'When',
  cancelled: 'Cancelled: the rest was not attempted.',
  sections: {
    removed: 'Removed',
    alreadyGone: 'Already gone (nothing sent)',
    targetDeleted: 'On deleted items',
    failed: 'Failed',
    kept: 'Kept (left out)',
    notAttempted: 'Not attempted',
  },
  none: 'None.',
};

/** Markdown text of a person's words: nothing in it becomes a link, a heading or emphasis. */
export function mdText(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]<>|~])/g, '\\$1');
}

export interface ReceiptFormat {
  readonly words?: ReceiptWords;
  /** "Alice @ community" for an account id. */
  readonly accountLabel?: (accountId: string) => string;
  /** The reaction as one line of text ("❤ Love"). */
  readonly kindText?: (r: Reaction) => string;
  /** The web link of a target, when known. */
  readonly link?: (r: Reaction) => string | undefined;
  /** A time for people. */
  readonly when?: (iso: string) => string;
}

/** The receipt as a Markdown document: one heading per outcome (with its count), one line per reaction. */
export function receiptMarkdown(receipt: Receipt, format: ReceiptFormat = {}): string {
  const w = format.words ?? ENGLISH_WORDS;
  const label = format.accountLabel ?? ((id: string) => id);
  const kind = format.kindText ?? ((r: Reaction) => r.kind.label);
  const link = format.link ?? ((r: Reaction) => r.target.url);
  const lines = [
    `# ${mdText(w.title)}`,
    '',
    `- **${mdText(w.asked)}:** ${mdText(receipt.asked.command)}`,
    ...(receipt.asked.rule ? [`- **${mdText(w.rule)}:** ${mdText(receipt.asked.rule)}`] : []),
    `- **${mdText(w.when)}:** ${mdText(format.when?.(receipt.at) ?? receipt.at)}`,
    ...(receipt.cancelled ? ['', mdText(w.cancelled)] : []),
  ];
  for (const section of RECEIPT_SECTIONS) {
    const entries = receipt.sections[section];
    if (entries.length === 0 && section !== 'removed') continue;
    lines.push('', `## ${mdText(w.sections[section])} (${entries.length})`, '');
    if (entries.length === 0) lines.push(mdText(w.none));
    for (const { reaction: r, reason } of entries) {
      const excerpt = mdText(r.target.excerpt || r.target.type);
      const url = link(r);
      const target =
        url && /^https?:\/\//i.test(url) ? `[${excerpt}](<${url.replace(/[<>\s]/g, encodeURIComponent)}>)` : excerpt;
      lines.push(
        `- ${mdText(kind(r))} · ${target} · ${mdText(label(r.accountId))}${reason ? ` — ${mdText(reason)}` : ''}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
