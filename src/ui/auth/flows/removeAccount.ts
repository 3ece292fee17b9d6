/** "Remove Account": a modal confirm, then the account, its token(s) and its cached reactions go. */
import * as vscode from 'vscode';
import type { Account } from '../../../core/model';
import type { FlowAccounts } from './flowAccounts';

/** Resolves true when the account was removed. */
export async function removeAccountFlow(accounts: FlowAccounts, account: Account): Promise<boolean> {
  const remove = vscode.l10n.t('Remove Account');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Remove the account {0}?', account.label),
    {
      modal: true,
      detail: account.oauthClientId
        ? vscode.l10n.t(
            "This signs you out: the sign-in is revoked on {0} and its tokens are deleted from VS Code's secret storage. Your reactions stay as they are.",
            account.baseUrl,
          )
        : vscode.l10n.t(
            "Its token is deleted from VS Code's secret storage. Your reactions on {0} stay as they are. Revoke the token on the service as well if you no longer need it.",
            account.baseUrl,
          ),
    },
    remove,
  );
  if (choice !== remove) return false;
  await accounts.remove(account.id);
  return true;
}
