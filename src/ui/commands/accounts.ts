/**
 * Account commands (the interactive flows live in ../auth/flows, the changes without UI in ../auth).
 * - `reactions.addAccount`
 *     args: `{ service: 'selfcommunity' | 'tines', baseUrl, token, email?, userId? }` — validates and
 *     stores without any UI (rejects with the ReactionsError on failure; nothing stored); none: the
 *     guided QuickPick/InputBox flow. Returns the Account (non-secret data) or undefined.
 * - `reactions.signInSelfCommunity`
 *     args: `{ baseUrl, clientId }` — opens the browser on the community's consent page at once (no
 *     input boxes) and resolves with the Account once the browser came back and the tokens are stored;
 *     rejects with the ReactionsError otherwise (nothing stored). None: the guided flow.
 * - `reactions.removeAccount`
 *     args: account node | `{ accountId, confirm?: false }` | none (QuickPick). Modal confirm unless
 *     `confirm: false`. Returns true when removed.
 * - `reactions.updateToken`
 *     args: account/error node | `{ accountId, token? }` (with a token: no UI) | none (QuickPick).
 *     The new token must belong to the same user. Returns the Account or undefined.
 */
import * as vscode from 'vscode';
import { ReactionsError } from '../../core/errors';
import type { Account } from '../../core/model';
import type { AddAccountArgs, BrowserSignInArgs } from '../auth';
import { addAccountFlow } from '../auth/flows/addAccount';
import { browserSignInFlow } from '../auth/flows/browserSignIn';
import { removeAccountFlow } from '../auth/flows/removeAccount';
import { updateTokenFlow } from '../auth/flows/updateToken';
import type { Deps } from '../deps';
import { command } from '../commandRunner';
import { accountFor, isArgs, skipConfirm, stringArg } from './args';

function addArgs(arg: Record<string, unknown>): AddAccountArgs {
  const service = stringArg(arg, 'service');
  const baseUrl = stringArg(arg, 'baseUrl');
  const token = stringArg(arg, 'token');
  if (!service || !baseUrl || !token) {
    throw new ReactionsError(
      'invalid-input',
      vscode.l10n.t('Pass "service", "baseUrl" and "token" (and for Tines "email" or "userId").'),
    );
  }
  const userId = arg.userId === undefined || arg.userId === null ? undefined : String(arg.userId);
  return { service: service as AddAccountArgs['service'], baseUrl, token, email: stringArg(arg, 'email'), userId };
}

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    command(deps, 'reactions.addAccount', async (arg?: unknown): Promise<Account | undefined> => {
      if (isArgs(arg)) return deps.accounts.add(addArgs(arg));
      return addAccountFlow(deps.accounts);
    }),

    command(deps, 'reactions.signInSelfCommunity', async (arg?: unknown): Promise<Account | undefined> => {
      if (isArgs(arg)) {
        const baseUrl = stringArg(arg, 'baseUrl');
        const clientId = stringArg(arg, 'clientId');
        if (!baseUrl || !clientId)
          throw new ReactionsError('invalid-input', vscode.l10n.t('Pass "baseUrl" and "clientId".'));
        return deps.accounts.signInWithBrowser({ baseUrl, clientId } satisfies BrowserSignInArgs);
      }
      return browserSignInFlow(deps.accounts);
    }),

    command(deps, 'reactions.removeAccount', async (arg?: unknown): Promise<boolean> => {
      const account = await accountFor(deps, arg, vscode.l10n.t('Remove which account?'));
      if (!account) return false;
      if (skipConfirm(arg)) {
        await deps.accounts.remove(account.id);
        deps.undo.forget(undefined, account.id);
        return true;
      }
      const removed = await removeAccountFlow(deps.accounts, account);
      if (removed) deps.undo.forget(undefined, account.id);
      return removed;
    }),

    command(deps, 'reactions.updateToken', async (arg?: unknown): Promise<Account | undefined> => {
      const account = await accountFor(deps, arg, vscode.l10n.t('Update the token of which account?'));
      if (!account) return undefined;
      const token = isArgs(arg) ? stringArg(arg, 'token') : undefined;
      if (token !== undefined) return deps.accounts.updateToken(account.id, token);
      return updateTokenFlow(deps.accounts, account);
    }),
  );
}
