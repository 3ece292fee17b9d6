/** A QuickPick of the accounts (the only one without asking; "Add Account" offered when there is none). */
import * as vscode from 'vscode';
import type { Account } from '../../../core/model';
import { provider } from '../../../core/services/registry';
import { runCommand } from '../../commandRunner';
import type { FlowAccounts } from './flowAccounts';

/** Resolves with the picked account, or undefined when cancelled or none. */
export async function pickAccount(accounts: FlowAccounts, placeHolder: string): Promise<Account | undefined> {
  const all = accounts.list();
  if (all.length === 0) {
    const add = vscode.l10n.t('Add Account');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('No Reactions account has been added yet.'),
      add,
    );
    if (choice === add) await runCommand('reactions.addAccount');
    return undefined;
  }
  if (all.length === 1) return all[0];
  const picked = await vscode.window.showQuickPick(
    all.map((a) => ({ label: a.label, description: provider(a.service).label, detail: a.baseUrl, account: a })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.account;
}
