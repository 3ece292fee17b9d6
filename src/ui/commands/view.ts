/**
 * View commands.
 * - `reactions.refresh` — lists again. args: account/error node | `{ accountId }` | none (all accounts).
 *   Resolves when the listing has finished (errors become the account's error node).
 * - `reactions.fullRescan` — drops the cached set and lists from scratch. Same args as refresh.
 * - `reactions.showLog` — shows the "Reactions" output channel. No args.
 */
import * as vscode from 'vscode';
import type { Deps } from '../deps';
import { command } from '../commandRunner';
import { AccountNode } from '../tree/accountNode';
import { ErrorNode } from '../tree/errorNode';
import { GroupNode } from '../tree/groupNode';
import type { LoadOptions } from '../listings';
import { isArgs, stringArg } from './args';

/** The accounts a refresh-like command is about: a tree node's, `{accountId}`'s, or all (undefined). */
function accountIds(deps: Deps, arg: unknown): string[] | undefined {
  if (arg instanceof AccountNode || arg instanceof ErrorNode || arg instanceof GroupNode) return [arg.accountId];
  const id = isArgs(arg) ? stringArg(arg, 'accountId') : undefined;
  return id ? [deps.accounts.require(id).id] : undefined;
}

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  const list = async (arg: unknown, mode: LoadOptions['mode']): Promise<void> => {
    await deps.listings.load(accountIds(deps, arg), { interactive: true, mode });
    deps.tree.flush();
  };
  context.subscriptions.push(
    command(deps, 'reactions.refresh', (arg?: unknown) => list(arg, 'refresh')),
    command(deps, 'reactions.fullRescan', (arg?: unknown) => list(arg, 'full')),
    command(deps, 'reactions.showLog', async (): Promise<void> => {
      deps.logger.show();
    }),
  );
}
