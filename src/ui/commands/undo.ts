/**
 * Undo: puts back the last removed batch (the service's `restore()` for each reaction), bounded like a
 * bulk removal; what came back returns to the tree. The same concept everywhere: the "Undo" button on a
 * removal's message, `reactions.undo` ("Undo Last Removal"), and UndoHistory (what can be undone).
 * - `reactions.undo` — args none | `{ confirm: false }`. Returns `UndoSummary`.
 * Putting a reaction back is reacting again: it notifies people like a new reaction and gets a new date.
 * A batch (more than one) says so in a modal first (skipped with `confirm: false`); every put-back is
 * read again afterwards, and what the server does not show is reported as not back.
 */
import * as vscode from 'vscode';
import { DEFAULT_BULK_CONCURRENCY, restoreMany } from '../../core/bulk';
import { readBack } from '../../core/cleanup/verify';
import { ReactionsError } from '../../core/errors';
import type { Reaction } from '../../core/model';
import { command } from '../commandRunner';
import type { Deps } from '../deps';
import { errorMessage } from '../errorMessage';
import { kindText, quote } from '../labels';
import { VIEW_ID } from '../listings';
import { skipConfirm } from './plainArgs';
import { confirmUnprovenKey } from './keyProof';
import { failure, withTreeFeedback, type Failure } from './treeFeedback';

/** What an undo did, by reaction id (JSON-friendly, for scripts and tests). */
export interface UndoSummary {
  readonly restored: string[];
  readonly failed: Failure[];
  /** The person said no to the confirmation; nothing was sent. */
  readonly cancelled?: boolean;
}

/** The modal of a batch put-back: what a put-back does to other people and to the date. */
async function confirmPutBack(n: number): Promise<boolean> {
  const go = n === 1 ? vscode.l10n.t('Put Back {0} Reaction', n) : vscode.l10n.t('Put Back {0} Reactions', n);
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Put back {0} reactions?', n),
    {
      modal: true,
      detail: vscode.l10n.t(
        "A reaction put back is a new reaction: the people it concerns may be notified again, as for any new reaction, and it gets today's date, not the one it had. Each one is read again afterwards to check it is back.",
      ),
    },
    go,
  );
  return choice === go;
}

/** Reads each put-back reaction again; those the server does not show fail, and leave the tree. */
async function confirmBack(
  deps: Deps,
  restored: readonly Reaction[],
): Promise<{ back: Reaction[]; notBack: Failure[] }> {
  const read = await readBack(restored, (id) => deps.accounts.client(id));
  const back: Reaction[] = [];
  const notBack: Failure[] = [];
  for (const x of read) {
    if (x.status === 'came-back' || x.status === 'unchecked') {
      if (x.status === 'unchecked')
        deps.logger.warn(`put back ${x.reaction.id}: could not read it again (${x.reason})`);
      back.push(x.reaction);
      continue;
    }
    const why =
      x.status === 'target-deleted'
        ? vscode.l10n.t('the item was deleted')
        : vscode.l10n.t('the server does not show it after the put-back');
    notBack.push(failure(x.reaction, new ReactionsError('conflict', vscode.l10n.t('Not back: {0}.', why))));
  }
  if (notBack.length) deps.store.remove(notBack.map((f) => f.id));
  return { back, notBack };
}

/** Puts back a removed batch (undo), bounded like a bulk removal; restored items return to the tree. */
export async function undoRemoval(
  deps: Deps,
  removed: readonly Reaction[],
  confirm = removed.length > 1,
): Promise<UndoSummary> {
  if (removed.length === 0) return { restored: [], failed: [] };
  // An old message's "Undo" after "Undo Last Removal" (or a second click): nothing is sent again.
  const batch = deps.undo.notPutBack(removed);
  if (batch.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Already put back; nothing was sent.'));
    return { restored: [], failed: [] };
  }
  if (confirm && !(await confirmPutBack(batch.length))) return { restored: [], failed: [], cancelled: true };
  const run = () =>
    restoreMany(batch, (id) => withTreeFeedback(deps, id), {
      concurrency: DEFAULT_BULK_CONCURRENCY,
      confirmUnproven: confirmUnprovenKey,
      onResult: (x) => {
        if (x.error) deps.accounts.handleAuthError(x.reaction.accountId, x.error, true);
      },
    });
  const result =
    batch.length === 1
      ? await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, run)
      : await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title:
              batch.length === 1
                ? vscode.l10n.t('Putting back {0} reaction', batch.length)
                : vscode.l10n.t('Putting back {0} reactions', batch.length),
          },
          run,
        );
  const { back, notBack } = await confirmBack(deps, result.restored);
  const summary: UndoSummary = {
    restored: back.map((r) => r.id),
    failed: [...result.failed.map((f) => failure(f.reaction, f.error)), ...notBack],
  };
  // Forget what came back (and what can never come back); a failure worth retrying stays undoable.
  const settled = new Set([
    ...summary.restored,
    ...summary.failed.filter((f) => f.kind === 'not-found' || f.kind === 'conflict').map((f) => f.id),
  ]);
  deps.undo.markPutBack(summary.restored);
  deps.undo.forget(batch.filter((r) => settled.has(r.id)));
  await deps.journal.markRestored(summary.restored).catch((e) => deps.logger.warn(`journal: ${errorMessage(e)}`));
  void deps.cameBack.refresh();
  const showLog = vscode.l10n.t('Show Log');
  if (summary.failed.length === 0) {
    const r = batch[0];
    void vscode.window.showInformationMessage(
      batch.length === 1
        ? vscode.l10n.t('Put back your {0} reaction on {1}.', kindText(r.kind), quote(r.target.excerpt))
        : batch.length === 1
          ? vscode.l10n.t('Put back {0} reaction.', batch.length)
          : vscode.l10n.t('Put back {0} reactions.', batch.length),
    );
  } else {
    const reasons = [...new Set(summary.failed.map((f) => f.error))].slice(0, 3).join(' · ');
    void vscode.window
      .showWarningMessage(
        batch.length === 1
          ? vscode.l10n.t(
              'Put back {0} of {1} reaction. {2} could not be put back: {3}',
              summary.restored.length,
              batch.length,
              summary.failed.length,
              reasons,
            )
          : vscode.l10n.t(
              'Put back {0} of {1} reactions. {2} could not be put back: {3}',
              summary.restored.length,
              batch.length,
              summary.failed.length,
              reasons,
            ),
        showLog,
      )
      .then((c) => c === showLog && deps.logger.show());
  }
  return summary;
}

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    command(deps, 'reactions.undo', async (arg?: unknown): Promise<UndoSummary | undefined> => {
      const last = deps.undo.peek();
      if (!last?.length) {
        void vscode.window.showInformationMessage(vscode.l10n.t('There is no removal to undo.'));
        return undefined;
      }
      return undoRemoval(deps, last, last.length > 1 && !skipConfirm(arg));
    }),
  );
}
