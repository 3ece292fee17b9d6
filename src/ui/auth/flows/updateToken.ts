/**
 * "Update Token": asks for a new token, checks it (it must belong to the same user) and replaces the
 * stored one; a rejected token opens the box again with the reason. Browser sign-ins sign in again.
 */
import * as vscode from 'vscode';
import type { Account } from '../../../core/model';
import { provider } from '../../../core/services/registry';
import type { FlowAccounts } from './flowAccounts';
import { browserSignInFlow } from './browserSignIn';
import { MultiStepInput, type Step } from './multiStepInput';

export async function updateTokenFlow(accounts: FlowAccounts, account: Account): Promise<Account | undefined> {
  if (account.oauthClientId) return browserSignInFlow(accounts, account);
  const p = provider(account.service);
  let token = '';
  let updated: Account | undefined;

  const newToken: Step = async (flow) => {
    token = (
      await flow.ask({
        title: vscode.l10n.t('Update Token for {0}', account.label),
        value: token,
        password: true,
        prompt: p.tokenHelp,
        placeholder: vscode.l10n.t('Paste the new token'),
        validate: (v) => (!v.trim() ? vscode.l10n.t('Enter the token.') : undefined),
      })
    ).trim();
    accounts.logger.addSecret(token);
    return check;
  };

  const check: Step = async (flow) => {
    try {
      updated = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t('Checking the token with {0}…', p.label),
        },
        () => accounts.updateToken(account.id, token),
      );
      void vscode.window.showInformationMessage(vscode.l10n.t('Updated the token of {0}.', updated.label));
      return undefined;
    } catch (e) {
      return flow.retryAt(newToken, e);
    }
  };

  await new MultiStepInput(accounts.logger).run(newToken);
  return updated;
}
