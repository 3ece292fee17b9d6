/**
 * Removal commands.
 *
 * - `reactions.removeReaction` — one reaction or the tree's multi-selection.
 *     args: tree node (+ selection) | `{ reactionIds: string[], confirm?: false }` | `{ reactionId }` | none (QuickPick)
 *     One reaction: no modal; the item leaves the tree only once the service confirmed; a message
 *     with "Undo". Several: the bulk flow below. Returns a `RemovalSummary`.
 * - `reactions.removeAll` — every (visible) reaction of an account or a group.
 *     args: account/group node | `{ accountId, groupKey?, confirm?: false }` | none (QuickPick of accounts)
 *     Bulk flow: a modal stating the count (skipped with `confirm: false`), a cancellable
 *     notification, 4 removals at a time, cancel stops starting new ones (the rest stay untouched),
 *     then a summary naming what failed and why. Failed items stay in the tree.
 *     Kept reactions (the keep list) are left out of every bulk removal and listed in `kept`.
 *     Every removal is appended to the restore journal ("Show Removed…").
 * - `reactions.deleteSelected` — the Delete key on the focused view: removes the selected reactions
 *   through the same flow as the context menu's Remove Reaction.
 * Undo (the "Undo" button on the result messages, `reactions.undo`) lives in ./undo.ts.
 */
import * as vscode from 'vscode';
import type { JournalBatch, RemovalSource } from '../../core/cleanup/journal';
import type { Reaction } from '../../core/model';
import { DEFAULT_BULK_CONCURRENCY, removeMany as coreRemoveMany } from '../../core/bulk';
import { BulkProgress } from '../../core/bulkProgress';
import type { Deps } from '../deps';
import { errorMessage } from '../errorMessage';
import { command, runCommand, showError } from '../commandRunner';
import { kindText, quote, targetTypeLabel } from '../labels';
import { VIEW_ID } from '../listings';
import { bulkProgressText } from '../scanProgress';
import { accountFor, isArgs, reactionsFor, skipConfirm, stringArg } from './args';
import { GroupNode } from '../tree/groupNode';
import { ReactionNode } from '../tree/reactionNode';
import { failure, withTreeFeedback } from './treeFeedback';
import { saveReceipt } from './receipt';
import { sourceLabel } from './showRemoved';
import { confirmUnprovenKey, proveBefore } from './keyProof';
import { undoRemoval } from './undo';
import { recordRun } from '../runs';
import { emptySummary, reportBulk, type RemovalSummary } from './removalReport';

export type { Failure } from './treeFeedback';
export type { RemovalSummary } from './removalReport';
export type { UndoSummary } from './undo';

/** Removals running at once in a bulk removal. */
export const BULK_CONCURRENCY = DEFAULT_BULK_CONCURRENCY;

/** Appends a removed batch to the restore journal (returns its id); a failure to write is logged, never thrown. */
async function journal(deps: Deps, source: RemovalSource, removed: readonly Reaction[]): Promise<string | undefined> {
  const batch = await deps.journal.record(source, removed).catch((e) => {
    deps.logger.warn(`journal: ${errorMessage(e)}`);
    return undefined;
  });
  void deps.cameBack.refresh();
  return batch?.id;
}

export async function removeOne(deps: Deps, r: Reaction, ask = true): Promise<RemovalSummary> {
  const summary = emptySummary(1);
  try {
    const result = await vscode.window.withProgress(
      { location: { viewId: VIEW_ID } },
      async () => (await proveBefore(deps, r, 'removal', ask)) ?? withTreeFeedback(deps, r.accountId).remove(r),
    );
    const what = quote(r.target.excerpt);
    if (result.outcome === 'removed') {
      summary.removed.push(r.id);
      // Undo puts back what the server had (it may have been changed elsewhere since the listing).
      const batch = [result.reaction];
      deps.undo.record(batch);
      await journal(deps, 'single', batch);
      const undo = vscode.l10n.t('Undo');
      void vscode.window
        .showInformationMessage(
          vscode.l10n.t('Removed your {0} reaction on {1}.', kindText(result.reaction.kind), what),
          undo,
        )
        .then((c) => {
          if (c === undo) void undoRemoval(deps, batch);
        });
    } else if (result.outcome === 'already-removed') {
      summary.alreadyRemoved.push(r.id);
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Your {0} reaction on {1} was already gone; nothing was sent.', kindText(r.kind), what),
      );
    } else {
      summary.targetDeleted.push(r.id);
      void vscode.window.showInformationMessage(
        vscode.l10n.t('The {0} {1} was deleted, and your reaction with it.', targetTypeLabel(r.target.type), what),
      );
    }
  } catch (e) {
    summary.failed.push(failure(r, e));
    showError(deps, e, r.accountId);
  }
  return summary;
}

/**
 * Who is asked before a bulk run writes: `true` — the count (a modal), then about a Tines key not yet
 * proven to be the account user's; `'key'` — only about such a key (the person chose the run by other
 * means: Resume in the interrupted-run notice); `false` — nobody (scripted calls: an unproven key then
 * sends nothing).
 */
export type Confirmation = boolean | 'key';

/**
 * The bulk flow. Journaled as it goes (../runs.ts): the run's start, each outcome as soon as it is known,
 * its end. `resume` continues an interrupted run of the journal (its outcomes go to the same entry).
 */
export async function removeMany(
  deps: Deps,
  requested: readonly Reaction[],
  confirm: Confirmation,
  source: RemovalSource = 'bulk',
  /** What was asked, for the receipt (the command's words, a Clean Up's rule); `resume`: an interrupted run to go on with. */
  asked: { command?: string; rule?: string; resume?: JournalBatch } = {},
): Promise<RemovalSummary> {
  const { allowed: reactions, kept } = deps.keep.partition(requested);
  const keptIds = kept.map((r) => r.id);
  const n = reactions.length;
  if (n === 0) {
    if (kept.length)
      void vscode.window.showInformationMessage(
        kept.length === 1
          ? vscode.l10n.t('{0} is kept; nothing was removed. "Don\'t Keep" unpins it.', kept.length)
          : vscode.l10n.t('{0} are all kept; nothing was removed. "Don\'t Keep" unpins them.', kept.length),
      );
    return { ...emptySummary(0), kept: keptIds };
  }
  if (confirm === true) {
    const accountLabels = [...new Set(reactions.map((r) => deps.accounts.get(r.accountId)?.label ?? r.accountId))];
    const go = n === 1 ? vscode.l10n.t('Remove {0} Reaction', n) : vscode.l10n.t('Remove {0} Reactions', n);
    const choice = await vscode.window.showWarningMessage(
      n === 1 ? vscode.l10n.t('Remove {0} reaction?', n) : vscode.l10n.t('Remove {0} reactions?', n),
      {
        modal: true,
        detail: [
          vscode.l10n.t(
            'From {0}. They are removed one by one; you can cancel midway, and "Undo Last Removal" puts back what was removed.',
            accountLabels.join(', '),
          ),
          ...(kept.length
            ? [
                kept.length === 1
                  ? vscode.l10n.t('{0} kept reaction is left out.', kept.length)
                  : vscode.l10n.t('{0} kept reactions are left out.', kept.length),
              ]
            : []),
        ].join('\n\n'),
      },
      go,
    );
    if (choice !== go)
      return { ...emptySummary(n), notAttempted: reactions.map((r) => r.id), cancelled: true, kept: keptIds };
  }
  const bulk = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: n === 1 ? vscode.l10n.t('Removing {0} reaction', n) : vscode.l10n.t('Removing {0} reactions', n),
      cancellable: true,
    },
    async (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      const run = await recordRun(deps, source, reactions, controller, asked.resume);
      // time left and rate-limit waits: refreshed every second too, since a wait brings no results
      const tracker = bulkTracker(deps, reactions);
      const show = (increment = 0) => progress.report({ increment, message: bulkProgressText(tracker.snapshot()) });
      const ticker = setInterval(show, 1000);
      return coreRemoveMany(reactions, (id) => withTreeFeedback(deps, id), {
        concurrency: BULK_CONCURRENCY,
        signal: controller.signal,
        onStart: (r) => run.sending(r),
        // scripted calls (confirm: false) are never asked: an unproven key then sends nothing; a person
        // who chose the run another way (Resume) is asked about the key, not about the count
        confirmUnproven: (account, list, what) =>
          confirm ? confirmUnprovenKey(account, list, what) : Promise.resolve(false),
        onResult: (x) => {
          const written = run.outcome(x);
          if (x.outcome === 'not-attempted') return written;
          tracker.done();
          if (x.error) deps.accounts.handleAuthError(x.reaction.accountId, x.error, true);
          show(100 / n);
          return written;
        },
      })
        .then(async (result) => {
          await run.end(result.cancelled);
          return { ...result, batchId: run.batchId };
        })
        .finally(() => {
          clearInterval(ticker);
          sub.dispose();
        });
    },
  );
  deps.undo.record(bulk.removed);
  void deps.cameBack.refresh();
  const receiptId = await saveReceipt(
    deps,
    bulk,
    kept,
    { command: asked.command ?? sourceLabel(source), source, ...(asked.rule ? { rule: asked.rule } : {}) },
    bulk.batchId,
  );
  const ids = (list: readonly Reaction[]) => list.map((r) => r.id);
  const summary: RemovalSummary = {
    requested: n,
    removed: ids(bulk.removed),
    alreadyRemoved: ids(bulk.alreadyRemoved),
    targetDeleted: ids(bulk.targetDeleted),
    failed: bulk.failed.map((f) => failure(f.reaction, f.error)),
    notAttempted: ids(bulk.notAttempted),
    cancelled: bulk.cancelled,
    kept: keptIds,
    ...(bulk.batchId ? { batchId: bulk.batchId } : {}),
    ...(receiptId ? { receiptId } : {}),
  };
  reportBulk(deps, summary, bulk.removed);
  return summary;
}

/** Progress of a bulk removal over the paces of the accounts it writes to. */
function bulkTracker(deps: Deps, reactions: readonly Reaction[]): BulkProgress {
  const paces = [...new Set(reactions.map((r) => r.accountId))].flatMap((id) => {
    try {
      const pace = deps.accounts.client(id).pace;
      return pace ? [pace] : [];
    } catch {
      return []; // an account gone: its reactions fail on their own, with a message
    }
  });
  return new BulkProgress(reactions.length, paces);
}

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    command(
      deps,
      'reactions.removeReaction',
      async (arg?: unknown, selection?: unknown): Promise<RemovalSummary | undefined> => {
        const reactions = await reactionsFor(deps, arg, selection, {
          canPickMany: true,
          placeHolder: vscode.l10n.t('Reactions to remove'),
        });
        if (!reactions?.length) return undefined;
        if (reactions.length === 1) return removeOne(deps, reactions[0], !isArgs(arg));
        return removeMany(deps, reactions, !skipConfirm(arg));
      },
    ),

    command(deps, 'reactions.removeAll', async (arg?: unknown): Promise<RemovalSummary | undefined> => {
      let reactions: Reaction[];
      if (arg instanceof GroupNode) reactions = [...arg.reactions];
      else if (isArgs(arg) && stringArg(arg, 'groupKey') !== undefined)
        reactions = (await reactionsFor(deps, arg, undefined, { canPickMany: true, placeHolder: '' })) ?? [];
      else {
        const account = await accountFor(deps, arg, vscode.l10n.t('Remove all reactions of which account?'));
        if (!account) return undefined;
        reactions = deps.store.visible(account.id);
      }
      if (reactions.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('There are no reactions to remove here.'));
        return emptySummary(0);
      }
      return removeMany(deps, reactions, !skipConfirm(arg));
    }),

    command(deps, 'reactions.deleteSelected', async (arg?: unknown, selection?: unknown): Promise<unknown> => {
      const picked = Array.isArray(selection) && selection.length ? selection : arg ? [arg] : deps.view.selection;
      const nodes = picked.filter((n): n is ReactionNode => n instanceof ReactionNode);
      if (nodes.length === 0) return undefined;
      return runCommand('reactions.removeReaction', nodes[0], nodes);
    }),
  );
}
