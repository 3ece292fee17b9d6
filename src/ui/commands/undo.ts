/**
 * Undo: puts back the last removed batch (the service's `restore()` for each reaction), bounded like a
 * bulk removal; what came back returns to the tree. The same concept everywhere: the "Undo" button on a
 * removal's message, `reactions.undo` ("Undo Last Removal"), and UndoHistory (what can be undone).
 * - `reactions.undo` — no args. Returns `UndoSummary`.
 */
import * as vscode from 'vscode';
import { DEFAULT_BULK_CONCURRENCY, restoreMany } from '../../core/bulk';
import type { Reaction } from '../../core/model';
import { command } from '../commandRunner';
import type { Deps } from '../deps';
import { errorMessage } from '../errorMessage';
import { kindText, quote } from '../labels';
import { VIEW_ID } from '../listings';
import { failure, withTreeFeedback, type Failure } from './treeFeedback';

/** What an undo did, by reaction id (JSON-friendly, for scripts and tests). */
export interface UndoSummary {
  readonly restored: string[];
  readonly failed: Failure[];
}

/** Puts back a removed batch (undo), bounded like a bulk removal; restored items return to the tree. */
export async function undoRemoval(deps: Deps, removed: readonly Reaction[]): Promise<UndoSummary> {
  if (removed.length === 0) return { restored: [], failed: [] };
  // An old message's "Undo" after "Undo Last Removal" (or a second click): nothing is sent again.
  const batch = deps.undo.notPutBack(removed);
  if (batch.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Already put back; nothing was sent.'));
    return { restored: [], failed: [] };
  }
  const run = () =>
    restoreMany(batch, (id) => withTreeFeedback(deps, id), {
      concurrency: DEFAULT_BULK_CONCURRENCY,
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
  const summary: UndoSummary = {
    restored: result.restored.map((r) => r.id),
    failed: result.failed.map((f) => failure(f.reaction, f.error)),
  };
  // Forget what came back (and what can never come back); a failure worth retrying stays undoable.
  const settled = new Set([
    ...summary.restored,
    ...summary.failed.filter((f) => f.kind === 'not-found' || f.kind === 'conflict').map((f) => f.id),
  ]);
  deps.undo.markPutBack(summary.restored);
  deps.undo.forget(batch.filter((r) => settled.has(r.id)));
  await deps.journal.markRestored(summary.restored).catch((e) => deps.logger.warn(`journal: ${errorMessage(e)}`));
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
    command(deps, 'reactions.undo', async (): Promise<UndoSummary | undefined> => {
      const last = deps.undo.peek();
      if (!last?.length) {
        void vscode.window.showInformationMessage(vscode.l10n.t('There is no removal to undo.'));
        return undefined;
      }
      return undoRemoval(deps, last);
    }),
  );
}
