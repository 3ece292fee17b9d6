/**
 * How commands report failures: cancellations are silent, a rejected token goes to the accounts
 * module's single re-auth prompt, anything else is logged and shown once with "Show Log". Commands
 * called with plain-object arguments (scripts, keybindings) get the error thrown back instead.
 */
import * as vscode from 'vscode';
import { isReactionsError } from '../core/errors';
import { errorMessage } from './errorMessage';
import type { CommandId } from './commandIds';
import type { Deps } from './deps';
import { isArgs } from './commands/plainArgs';

export function showError(deps: Pick<Deps, 'accounts' | 'logger'>, error: unknown, accountId?: string): void {
  if (isReactionsError(error, 'cancelled')) return;
  deps.logger.error(errorMessage(error));
  if (accountId && deps.accounts.handleAuthError(accountId, error, true)) return;
  const showLog = vscode.l10n.t('Show Log');
  // A write refused for safety names the page where a person can do it by hand.
  const webUrl = isReactionsError(error) ? error.webUrl : undefined;
  const openInBrowser = vscode.l10n.t('Open in Browser');
  const actions = webUrl ? [openInBrowser, showLog] : [showLog];
  void vscode.window.showErrorMessage(errorMessage(error), ...actions).then((c) => {
    if (c === showLog) deps.logger.show();
    if (c === openInBrowser && webUrl) void vscode.env.openExternal(vscode.Uri.parse(webUrl));
  });
}

/** Wraps a command handler: UI calls show their errors; scripted calls (plain-object args) get them thrown. */
export function command<A extends unknown[], R>(
  deps: Pick<Deps, 'accounts' | 'logger'>,
  id: CommandId,
  handler: (...args: A) => Promise<R>,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: A) => {
    try {
      return await handler(...args);
    } catch (e) {
      if (isArgs(args[0])) {
        deps.logger.warn(`${id} failed: ${errorMessage(e)}`);
        throw e;
      }
      showError(deps, e);
      return undefined;
    }
  });
}

/** Runs one of our own commands (typed: only an id of commandIds.ts). */
export function runCommand<R = unknown>(id: CommandId, ...args: unknown[]): Thenable<R | undefined> {
  return vscode.commands.executeCommand<R>(id, ...args);
}
