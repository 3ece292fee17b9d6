/**
 * Receipts of bulk runs in the UI.
 * - `reactions.openReceipt` — args `{ receiptId }` | `{ batchId }` (the receipt of a journal batch) | none
 *   (QuickPick of the receipts, newest first). Opens it as a read-only Markdown document
 *   (`reactions-receipt:`). Returns `{ receiptId, text }`.
 * - `reactions.exportReceipt` — args `{ receiptId, format: 'json' | 'csv', uri }` | none (pickers and a save
 *   dialog). One row per reaction with its outcome and, for a failure, why. Returns `{ uri, count }`.
 * `saveReceipt` is called by every bulk removal (remove.ts); the end-of-run message offers "Open Receipt".
 */
import * as vscode from 'vscode';
import type { BulkSummary } from '../../core/bulk';
import { ReactionsError } from '../../core/errors';
import type { Reaction } from '../../core/model';
import {
  RECEIPT_SECTIONS,
  buildReceipt,
  receiptMarkdown,
  type Receipt,
  type ReceiptWords,
} from '../../core/cleanup/receipt';
import { command } from '../commandRunner';
import type { Deps } from '../deps';
import { errorMessage } from '../errorMessage';
import { kindText } from '../labels';
import { isArgs, stringArg } from './args';
import { exportTarget, toCsv, toJson, toRow, writeExport } from './export';

export const RECEIPT_SCHEME = 'reactions-receipt';

/** Saves the receipt of a bulk run; a failure to write is logged (the run itself is done). */
export async function saveReceipt(
  deps: Deps,
  run: BulkSummary,
  kept: readonly Reaction[],
  asked: Receipt['asked'],
  batchId: string | undefined,
): Promise<string | undefined> {
  const receipt = buildReceipt(run, kept, asked, { batchId });
  try {
    await deps.receipts.save(receipt);
    return receipt.id;
  } catch (e) {
    deps.logger.warn(`receipt not saved: ${errorMessage(e)}`);
    return undefined;
  }
}

function words(): ReceiptWords {
  return {
    title: vscode.l10n.t('Receipt'),
    asked: vscode.l10n.t('Asked'),
    rule: vscode.l10n.t('Rule'),
    when: vscode.l10n.t('When'),
    cancelled: vscode.l10n.t('Cancelled: the rest was not attempted and is unchanged.'),
    sections: {
      removed: vscode.l10n.t('Removed'),
      alreadyGone: vscode.l10n.t('Already gone (nothing sent)'),
      targetDeleted: vscode.l10n.t('On deleted items'),
      failed: vscode.l10n.t('Failed'),
      kept: vscode.l10n.t('Kept (left out)'),
      notAttempted: vscode.l10n.t('Not attempted'),
    },
    none: vscode.l10n.t('None.'),
  };
}

/** A reaction's web link: SelfCommunity links are derived by the account's client. */
function linkOf(deps: Deps, r: Reaction): string | undefined {
  try {
    return deps.accounts.get(r.accountId) ? deps.accounts.client(r.accountId).webUrl(r.target) : r.target.url;
  } catch {
    return r.target.url;
  }
}

export function receiptText(deps: Deps, receipt: Receipt): string {
  return receiptMarkdown(receipt, {
    words: words(),
    accountLabel: (id) => deps.accounts.get(id)?.label ?? id,
    kindText: (r) => kindText(r.kind),
    link: (r) => linkOf(deps, r),
    when: (iso) => new Date(iso).toLocaleString(vscode.env.language),
  });
}

async function findReceipt(deps: Deps, arg: unknown, title: string): Promise<Receipt | undefined> {
  if (isArgs(arg)) {
    const id = stringArg(arg, 'receiptId');
    const batchId = stringArg(arg, 'batchId');
    const found = id ? await deps.receipts.get(id) : batchId ? await deps.receipts.forBatch(batchId) : undefined;
    if (!found)
      throw new ReactionsError(
        'not-found',
        vscode.l10n.t('No such receipt (pass "receiptId" or "batchId"; receipts are kept as long as the journal).'),
      );
    return found;
  }
  const all = await deps.receipts.list();
  if (all.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('There is no receipt yet: every bulk run leaves one.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    all.map((r) => ({
      receipt: r,
      label: `$(checklist) ${r.asked.command}`,
      description: new Date(r.at).toLocaleString(vscode.env.language),
      detail: RECEIPT_SECTIONS.filter((s) => r.sections[s].length)
        .map((s) => `${words().sections[s]} ${r.sections[s].length}`)
        .join(' · '),
    })),
    { title, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.receipt;
}

export async function openReceipt(deps: Deps, receipt: Receipt): Promise<string> {
  const uri = vscode.Uri.from({ scheme: RECEIPT_SCHEME, path: `/receipt-${receipt.id}.md` });
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true });
  return doc.getText();
}

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(RECEIPT_SCHEME, {
      provideTextDocumentContent: async (uri) => {
        const id = /^\/receipt-([a-z0-9-]+)\.md$/i.exec(uri.path)?.[1];
        const receipt = id ? await deps.receipts.get(id) : undefined;
        return receipt ? receiptText(deps, receipt) : vscode.l10n.t('This receipt is no longer kept.');
      },
    }),
    command(deps, 'reactions.openReceipt', async (arg?: unknown) => {
      const receipt = await findReceipt(deps, arg, vscode.l10n.t('Open Receipt'));
      if (!receipt) return undefined;
      return { receiptId: receipt.id, text: await openReceipt(deps, receipt) };
    }),
    command(deps, 'reactions.exportReceipt', async (arg?: unknown) => {
      const receipt = await findReceipt(deps, arg, vscode.l10n.t('Export Receipt'));
      if (!receipt) return undefined;
      const target = await exportTarget(arg, vscode.l10n.t('Export Receipt'), `receipt-${receipt.id}`);
      if (!target) return undefined;
      const rows = RECEIPT_SECTIONS.flatMap((section) =>
        receipt.sections[section].map((e) => ({
          ...toRow(e.reaction, deps.accounts.get(e.reaction.accountId), section === 'kept', linkOf(deps, e.reaction)),
          outcome: section,
          reason: e.reason ?? '',
        })),
      );
      const head = { receipt: { id: receipt.id, at: receipt.at, asked: receipt.asked, cancelled: receipt.cancelled } };
      const text = target.format === 'json' ? toJson(rows, head) : toCsv(rows, ['outcome', 'reason']);
      await writeExport(deps, target.uri, text, rows.length, isArgs(arg));
      return { uri: target.uri.toString(), count: rows.length };
    }),
  );
}
