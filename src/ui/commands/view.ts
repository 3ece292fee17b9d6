/**
 * View commands.
 * - `reactions.refresh` — lists again. args: account/error node | `{ accountId }` | none (all accounts).
 *   With no account it says so and offers Add Account (not a silent no-op).
 *   Resolves when the listing has finished (errors become the account's error node).
 * - `reactions.fullRescan` — drops the cached set and lists from scratch. Same args as refresh. A large
 *   account (> ~20k items) also gets a cancellable notification with the listing's numbers.
 * - `reactions.cancelListing` — stops the account's running listing at once: no further request, what was
 *   found stays, the account shows "partial — cancelled". args: account node | `{ accountId }` | none (every
 *   account listing). Resolves with how many listings it stopped.
 * - `reactions.showLog` — shows the "Reactions" output channel. No args.
 * - `reactions.showMore` — the next page of a long group's rows. args: its "Show more" row (the row's own command).
 * - `reactions.groupByWhen` / `reactions.groupByWhere` / `reactions.sortOldest` / `reactions.sortNewest`
 *   — set the grouping or the order (palette, and the "Group and Sort…" picker of viewOptions.ts); the
 *   choice persists. Return `{ groupBy, sort }`.
 */
import * as vscode from 'vscode';
import type { Deps } from '../deps';
import { command } from '../commandRunner';
import { AccountNode } from '../tree/accountNode';
import { ErrorNode } from '../tree/errorNode';
import { GroupNode, MoreNode } from '../tree/groupNode';
import type { LoadOptions } from '../loadState';
import type { ViewChoice } from '../tree/viewOptions';
import { isArgs, stringArg } from './plainArgs';

/** The accounts a refresh-like command is about: a tree node's, `{accountId}`'s, or all (undefined). */
function accountIds(deps: Deps, arg: unknown): string[] | undefined {
  if (arg instanceof AccountNode || arg instanceof ErrorNode || arg instanceof GroupNode) return [arg.accountId];
  const id = isArgs(arg) ? stringArg(arg, 'accountId') : undefined;
  return id ? [deps.accounts.require(id).id] : undefined;
}

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  const list = async (arg: unknown, mode: LoadOptions['mode']): Promise<void> => {
    if (deps.accounts.list().length === 0) {
      // not a silent no-op: say why, and offer the way forward
      const add = vscode.l10n.t('Add Account…');
      void vscode.window
        .showInformationMessage(
          vscode.l10n.t('There is no account to refresh yet. Add a SelfCommunity or Tines account first.'),
          add,
        )
        .then((choice) => choice === add && vscode.commands.executeCommand('reactions.addAccount'));
      return;
    }
    await deps.listings.load(accountIds(deps, arg), { interactive: true, mode, notifyLarge: mode === 'full' });
    deps.tree.flush();
  };
  const setView = (change: Partial<ViewChoice>) => async (): Promise<ViewChoice> => {
    const choice = await deps.viewOptions.set(change);
    deps.tree.flush();
    return choice;
  };
  context.subscriptions.push(
    command(deps, 'reactions.refresh', (arg?: unknown) => list(arg, 'refresh')),
    command(deps, 'reactions.fullRescan', (arg?: unknown) => list(arg, 'full')),
    command(deps, 'reactions.cancelListing', async (arg?: unknown): Promise<number> => {
      const ids = accountIds(deps, arg) ?? deps.accounts.list().map((a) => a.id);
      const stopped = ids.filter((id) => deps.listings.cancelListing(id)).length;
      if (stopped) deps.tree.flush();
      return stopped;
    }),
    command(deps, 'reactions.showLog', async (): Promise<void> => {
      deps.logger.show();
    }),
    command(deps, 'reactions.showMore', async (arg?: unknown): Promise<void> => {
      if (arg instanceof MoreNode) deps.tree.showMore(arg);
    }),
    command(deps, 'reactions.groupByWhen', setView({ groupBy: 'when' })),
    command(deps, 'reactions.groupByWhere', setView({ groupBy: 'where' })),
    command(deps, 'reactions.sortOldest', setView({ sort: 'oldest' })),
    command(deps, 'reactions.sortNewest', setView({ sort: 'newest' })),
    deps.viewOptions.onDidChange(() => deps.tree.refreshAll()),
  );
}
