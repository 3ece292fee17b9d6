/**
 * The restore journal in the UI.
 * - `reactions.showRemoved` — "Show Removed…": the journal's batches, newest first (when, how, how many,
 *   which accounts); a batch opens its reactions, pre-picked unless already put back; Restore puts back
 *   the picked ones. No args. Returns an `UndoSummary` (or undefined when dismissed).
 * - `reactions.restoreRemoved` — args `{ batchId, reactionIds? }`: puts back a batch (or those of its
 *   reactions) without UI; none: like Show Removed.
 * Both restore through the same safe path as Undo (`undoRemoval`: the service reads first, so a vote is
 * never toggled off, and one that is already back gets no write). Works after a restart: the journal is a
 * file in globalStorage.
 */
import * as vscode from 'vscode';
import { ReactionsError } from '../../core/errors';
import type { JournalBatch, RemovalSource } from '../../core/cleanup/journal';
import type { Reaction } from '../../core/model';
import type { Deps } from '../deps';
import { command } from '../commandRunner';
import { kindText } from '../labels';
import { isArgs, skipConfirm, stringArg } from './args';
import { undoRemoval, type UndoSummary } from './undo';

export function sourceLabel(source: RemovalSource): string {
  const labels: Record<RemovalSource, () => string> = {
    single: () => vscode.l10n.t('Remove Reaction'),
    bulk: () => vscode.l10n.t('Bulk removal'),
    cleanup: () => vscode.l10n.t('Clean Up'),
    again: () => vscode.l10n.t('Remove Again'),
  };
  return labels[source]();
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(vscode.env.language);
}

async function restoreFromJournal(
  deps: Deps,
  batch: JournalBatch,
  ids?: readonly string[],
  confirm = true,
): Promise<UndoSummary> {
  let reactions: readonly Reaction[] = batch.reactions;
  if (ids) {
    const wanted = new Set(ids);
    reactions = batch.reactions.filter((r) => wanted.has(r.id));
    const missing = ids.filter((id) => !reactions.some((r) => r.id === id));
    if (missing.length)
      throw new ReactionsError('not-found', vscode.l10n.t('Not in this removal: {0}.', missing.slice(0, 5).join(', ')));
  }
  deps.logger.info(`restore from journal batch ${batch.id}: ${reactions.length} reaction(s)`);
  return undoRemoval(deps, reactions, confirm && reactions.length > 1);
}

type BatchPick = vscode.QuickPickItem & { batch?: JournalBatch };

const RECEIPT_BUTTON = () => ({ iconPath: new vscode.ThemeIcon('output'), tooltip: vscode.l10n.t('Open Receipt') });
const VERIFY_BUTTON = () => ({
  iconPath: new vscode.ThemeIcon('checklist'),
  tooltip: vscode.l10n.t('Verify Removals…'),
});

/**
 * The removals, with "Verify Removals…" first; each removal's buttons open its receipt (bulk runs) or
 * read it again. Resolves with the removal picked to put back, or undefined (dismissed or a button ran).
 */
async function chooseBatch(items: BatchPick[]): Promise<JournalBatch | undefined> {
  const qp = vscode.window.createQuickPick<BatchPick>();
  qp.title = vscode.l10n.t('Removed Reactions');
  qp.placeholder = vscode.l10n.t('Pick a removal to put back (all of it or some)');
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  qp.items = [{ label: `$(checklist) ${vscode.l10n.t('Verify Removals…')}`, alwaysShow: true }, ...items];
  const chosen = await new Promise<BatchPick | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]));
    qp.onDidHide(() => resolve(undefined));
    qp.onDidTriggerItemButton((e) => {
      const run = e.button.tooltip === RECEIPT_BUTTON().tooltip ? 'reactions.openReceipt' : 'reactions.verifyRemovals';
      void vscode.commands.executeCommand(run, { batchId: e.item.batch?.id });
      resolve(undefined);
    });
    qp.show();
  });
  qp.dispose();
  if (chosen && !chosen.batch) void vscode.commands.executeCommand('reactions.verifyRemovals');
  return chosen?.batch;
}
type ReactionPick = vscode.QuickPickItem & { reaction: Reaction };

async function pickAndRestore(deps: Deps): Promise<UndoSummary | undefined> {
  const batches = await deps.journal.list();
  if (batches.length === 0) {
    const days = vscode.workspace.getConfiguration('reactions').get<number>('journal.retentionDays', 90);
    void vscode.window.showInformationMessage(
      days === 1
        ? vscode.l10n.t('Nothing was removed in the last {0} day (the journal keeps removals that long).', days)
        : vscode.l10n.t('Nothing was removed in the last {0} days (the journal keeps removals that long).', days),
    );
    return undefined;
  }
  const accounts = new Map(deps.accounts.list().map((a) => [a.id, a.label]));
  const back = new Set(deps.cameBack.reactions().map((r) => r.id));
  const receipts = new Set((await deps.receipts.list()).map((r) => r.batchId));
  const items: BatchPick[] = batches.map((b) => {
    const restored = Object.keys(b.restored).length;
    const cameBack = b.reactions.filter((r) => back.has(r.id) && !b.restored[r.id]).length;
    const names = [...new Set(b.reactions.map((r) => accounts.get(r.accountId) ?? r.accountId))];
    return {
      batch: b,
      label: `$(history) ${
        b.reactions.length === 1
          ? vscode.l10n.t('{0} on "{1}"', kindText(b.reactions[0].kind), b.reactions[0].target.excerpt)
          : vscode.l10n.t('{0} reactions', b.reactions.length)
      }`,
      description: `${sourceLabel(b.source)} · ${when(b.at)}`,
      detail: [
        restored === 0
          ? names.join(', ')
          : restored === b.reactions.length
            ? vscode.l10n.t('{0} · all put back', names.join(', '))
            : vscode.l10n.t('{0} · {1} put back', names.join(', '), restored),
        ...(cameBack === 1 ? [`$(history) ${vscode.l10n.t('1 came back')}`] : []),
        ...(cameBack > 1 ? [`$(history) ${vscode.l10n.t('{0} came back', cameBack)}`] : []),
      ].join(' · '),
      buttons: [...(receipts.has(b.id) ? [RECEIPT_BUTTON()] : []), VERIFY_BUTTON()],
    };
  });
  const b = await chooseBatch(items);
  if (!b) return undefined;
  const reactionItems: ReactionPick[] = b.reactions.map((r) => ({
    reaction: r,
    label: r.target.excerpt || r.target.type,
    detail: [
      kindText(r.kind),
      accounts.get(r.accountId) ?? vscode.l10n.t('{0} (account removed)', r.accountId),
      ...(b.restored[r.id] ? [vscode.l10n.t('put back')] : []),
      ...(back.has(r.id) && !b.restored[r.id] ? [vscode.l10n.t('came back — on the server again')] : []),
    ].join(' · '),
    picked: !b.restored[r.id] && !back.has(r.id),
  }));
  const picked = await vscode.window.showQuickPick(reactionItems, {
    title: vscode.l10n.t('Put Back — {0}, {1}', sourceLabel(b.source), when(b.at)),
    placeHolder: vscode.l10n.t('The reactions to put back (Enter restores the checked ones)'),
    canPickMany: true,
    matchOnDescription: true,
  });
  if (!picked?.length) return undefined;
  return restoreFromJournal(
    deps,
    b,
    picked.map((p) => p.reaction.id),
  );
}

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    command(deps, 'reactions.showRemoved', () => {
      deps.keys.set('reactions.removedShown', true);
      return pickAndRestore(deps);
    }),
    command(deps, 'reactions.restoreRemoved', async (arg?: unknown): Promise<UndoSummary | undefined> => {
      if (!isArgs(arg)) return pickAndRestore(deps);
      const batchId = stringArg(arg, 'batchId');
      if (!batchId) throw new ReactionsError('invalid-input', vscode.l10n.t('Pass "batchId".'));
      const batch = await deps.journal.get(batchId);
      if (!batch)
        throw new ReactionsError(
          'not-found',
          vscode.l10n.t('No removal {0} in the journal (it may have expired).', batchId),
        );
      const ids = arg.reactionIds;
      if (ids !== undefined && (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')))
        throw new ReactionsError('invalid-input', vscode.l10n.t('"reactionIds" must be a list of reaction ids.'));
      return restoreFromJournal(deps, batch, ids as string[] | undefined, !skipConfirm(arg));
    }),
  );
}
