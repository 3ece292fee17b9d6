/**
 * The Clean Up preview: exactly what the rule removes, per account and group, with the kept ones shown
 * as excluded, in a QuickPick whose first item continues to the confirmation. "Open as Document" shows
 * the whole list in a read-only editor (a `reactions-preview:` document) and keeps the preview open
 * (clicking into the document does not end it); the document follows the reactions: after a removal it
 * shows what the rule matches now.
 */
import * as vscode from 'vscode';
import { explainMatch } from '../../core/cleanup/explain';
import type { CleanupPreview, CleanupRule } from '../../core/cleanup/rule';
import { reactionTime } from '../../core/dates';
import type { Reaction, ServiceId } from '../../core/model';
import type { Deps } from '../deps';
import { groupLabel, kindText, serviceLabel } from '../labels';
import type { GroupType } from '../../core/store';
import { groupOf } from '../../core/store';

export const PREVIEW_SCHEME = 'reactions-preview';
/** The QuickPick lists at most this many reactions; the document lists all. */
const MAX_LISTED = 1000;

type Action = 'remove' | 'document' | 'edit';
type Item = vscode.QuickPickItem & { action?: Action };

/** Each open preview document's text, computed when VS Code asks (so it is always current). */
const documents = new Map<string, () => string>();
const documentsChanged = new vscode.EventEmitter<vscode.Uri>();

export const previewDocuments: vscode.TextDocumentContentProvider = {
  onDidChange: documentsChanged.event,
  provideTextDocumentContent: (uri) => documents.get(uri.path)?.() ?? '',
};

/** Tells VS Code every preview document changed (after a removal): they show what matches now. */
export function refreshPreviewDocuments(): void {
  for (const path of documents.keys()) documentsChanged.fire(vscode.Uri.from({ scheme: PREVIEW_SCHEME, path }));
}

function day(r: Reaction): string {
  const t = reactionTime(r);
  return t === undefined ? vscode.l10n.t('no date') : new Date(t).toLocaleDateString(vscode.env.language);
}

/** Which parts of the rule matched, and which date a date bound used (when you reacted, or when posted). */
export function whyMatched(r: Reaction, rule: CleanupRule): string {
  const why = explainMatch(r, rule);
  const where = {
    text: () => vscode.l10n.t('in the text'),
    author: () => vscode.l10n.t('in the author'),
    title: () => vscode.l10n.t('in the title'),
    reaction: () => vscode.l10n.t('in the reaction'),
  };
  const parts = why.parts.map((p) => {
    switch (p.part) {
      case 'olderThan':
        return vscode.l10n.t('older than {0} days', p.days);
      case 'between':
        return vscode.l10n.t('between {0} and {1}', p.from ?? '…', p.to ?? '…');
      case 'kind':
        return vscode.l10n.t('reaction {0}', p.kind);
      case 'service':
        return serviceLabel(p.service as ServiceId);
      case 'account':
        return vscode.l10n.t('a chosen account');
      case 'text':
        return `"${p.words}" ${where[p.where]()}`;
      default:
        return vscode.l10n.t('every reaction');
    }
  });
  const matched = vscode.l10n.t('Matched: {0}', parts.join(', '));
  if (!why.date) return matched;
  const on = new Date(why.date.time).toLocaleDateString(vscode.env.language);
  const date =
    why.date.basis === 'reacted'
      ? vscode.l10n.t('date used: when you reacted, {0}', on)
      : vscode.l10n.t('date used: when it was posted, {0} (the service does not tell when you reacted)', on);
  return `${matched} · ${date}`;
}

function reactionItem(r: Reaction, rule: CleanupRule, kept = false): Item {
  const g = groupOf(r);
  return {
    label: `${kept ? '$(pinned) ' : ''}${r.target.excerpt || r.target.type}`,
    description: whyMatched(r, rule),
    detail: [
      kindText(r.kind),
      day(r),
      groupLabel(g.type as GroupType, g.title),
      ...(kept ? [vscode.l10n.t('kept, not removed')] : []),
    ].join(' · '),
  };
}

export function previewTitle(p: CleanupPreview): string {
  return p.kept.length
    ? p.toRemove.length === 1
      ? vscode.l10n.t('Clean Up: {0} reaction matches ({1} kept, left out)', p.toRemove.length, p.kept.length)
      : vscode.l10n.t('Clean Up: {0} reactions match ({1} kept, left out)', p.toRemove.length, p.kept.length)
    : p.toRemove.length === 1
      ? vscode.l10n.t('Clean Up: {0} reaction matches', p.toRemove.length)
      : vscode.l10n.t('Clean Up: {0} reactions match', p.toRemove.length);
}

function items(deps: Deps, p: CleanupPreview, rule: string): Item[] {
  const labels = new Map(deps.accounts.list().map((a) => [a.id, a.label]));
  const out: Item[] = [];
  if (p.toRemove.length)
    out.push({
      action: 'remove',
      label: `$(trash) ${p.toRemove.length === 1 ? vscode.l10n.t('Remove {0} Reaction…', p.toRemove.length) : vscode.l10n.t('Remove {0} Reactions…', p.toRemove.length)}`,
      detail: `${rule} — ${p.accounts
        .flatMap((a) => a.groups.map((g) => `${groupLabel(g.type as GroupType, g.title)} ${g.count}`))
        .join(', ')}`,
      alwaysShow: true,
    });
  out.push(
    { action: 'document', label: `$(go-to-file) ${vscode.l10n.t('Open the List as a Document')}`, alwaysShow: true },
    { action: 'edit', label: `$(edit) ${vscode.l10n.t('Change the Rule…')}`, alwaysShow: true },
  );
  let listed = 0;
  for (const a of p.accounts) {
    out.push({
      label: `${labels.get(a.accountId) ?? a.accountId}: ${vscode.l10n.t('{0} to remove', a.count)}${
        a.kept ? `, ${vscode.l10n.t('{0} kept', a.kept)}` : ''
      }`,
      kind: vscode.QuickPickItemKind.Separator,
    });
    for (const r of p.toRemove) {
      if (r.accountId !== a.accountId || listed >= MAX_LISTED) continue;
      out.push(reactionItem(r, p.rule));
      listed++;
    }
  }
  if (p.toRemove.length > listed)
    out.push({
      action: 'document',
      label: `$(ellipsis) ${vscode.l10n.t('{0} more — open the list as a document', p.toRemove.length - listed)}`,
    });
  if (p.kept.length) {
    out.push({ label: vscode.l10n.t('Kept — left out'), kind: vscode.QuickPickItemKind.Separator });
    for (const r of p.kept.slice(0, MAX_LISTED)) out.push(reactionItem(r, p.rule, true));
  }
  return out;
}

/** The preview as Markdown text (for the read-only document). */
export function previewText(deps: Deps, p: CleanupPreview, rule: string): string {
  const labels = new Map(deps.accounts.list().map((a) => [a.id, a.label]));
  const lines = [`# ${previewTitle(p)}`, '', rule, ''];
  for (const a of p.accounts) {
    lines.push(`## ${labels.get(a.accountId) ?? a.accountId}`, '');
    for (const r of p.toRemove.filter((x) => x.accountId === a.accountId))
      lines.push(
        `- ${day(r)} · ${kindText(r.kind)} · ${r.target.excerpt.replace(/[\r\n]+/g, ' ')} — ${whyMatched(r, p.rule)}`,
      );
    lines.push('');
  }
  if (p.kept.length) {
    lines.push(`## ${vscode.l10n.t('Kept — left out')}`, '');
    for (const r of p.kept) lines.push(`- ${day(r)} · ${kindText(r.kind)} · ${r.target.excerpt}`);
  }
  return lines.join('\n');
}

async function openDocument(deps: Deps, current: () => CleanupPreview, rule: string): Promise<void> {
  const path = `/clean-up-preview-${Date.now()}.md`;
  documents.set(path, () => previewText(deps, current(), rule));
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: PREVIEW_SCHEME, path }));
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Active });
}

/**
 * Shows the preview; resolves with what the person chose ('remove', 'edit') or undefined (dismissed).
 * `current` computes the preview again (for the document, which outlives this choice).
 */
export async function showPreview(
  deps: Deps,
  p: CleanupPreview,
  rule: string,
  current: () => CleanupPreview = () => p,
): Promise<'remove' | 'edit' | undefined> {
  for (;;) {
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = previewTitle(p);
    qp.placeholder =
      p.toRemove.length > 0
        ? p.toRemove.length === 1
          ? vscode.l10n.t('Check the list, then pick "Remove {0} Reaction…"', p.toRemove.length)
          : vscode.l10n.t('Check the list, then pick "Remove {0} Reactions…"', p.toRemove.length)
        : vscode.l10n.t('Nothing to remove with this rule');
    qp.items = items(deps, p, rule);
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    qp.ignoreFocusOut = true; // reading the document next to it must not end the preview
    const action = await new Promise<Action | undefined>((resolve) => {
      qp.onDidAccept(() => {
        const a = qp.selectedItems[0]?.action;
        if (a) resolve(a);
      });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (action !== 'document') return action;
    await openDocument(deps, current, rule);
  }
}
