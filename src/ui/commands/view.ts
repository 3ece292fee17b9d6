/**
 * View commands.
 * - `reactions.refresh` — lists again. args: account/error node | `{ accountId }` | none (all accounts).
 *   Resolves when the listing has finished (errors become the account's error node).
 * - `reactions.showLog` — shows the "Reactions" output channel. No args.
 */
import * as vscode from 'vscode';
import type { Deps } from '../deps';
import { command } from '../feedback';
import { AccountNode } from '../tree/accountNode';
import { ErrorNode } from '../tree/errorNode';
import { GroupNode } from '../tree/groupNode';
import { isArgs, stringArg } from './args';

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    command(deps, 'reactions.refresh', async (arg?: unknown): Promise<void> => {
      let ids: string[] | undefined;
      if (arg instanceof AccountNode || arg instanceof ErrorNode || arg instanceof GroupNode) ids = [arg.accountId];
      else if (isArgs(arg)) {
        const id = stringArg(arg, 'accountId');
        if (id) ids = [deps.accounts.require(id).id];
      }
      await deps.loader.load(ids, { interactive: true });
      deps.tree.flush();
    }),
    command(deps, 'reactions.showLog', async (): Promise<void> => {
      deps.logger.show();
    }),
  );
}
