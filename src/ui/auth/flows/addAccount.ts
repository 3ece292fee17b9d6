/**
 * "Add Account": which service and how (QuickPick) → site URL → token → (Tines) email or user id →
 * the token is checked with the service (cancellable) → stored. Back goes one step back; a failed
 * check returns to the step whose input was wrong, with the reason in the box.
 */
import * as vscode from 'vscode';
import type { Account } from '../../../core/model';
import { providers } from '../../../core/services/registry';
import type { ServiceProvider, SignInInput } from '../../../core/services/service';
import type { FlowAccounts } from './flowAccounts';
import { browserSignInFlow } from './browserSignIn';
import { MultiStepInput, type Step } from './multiStepInput';
import { blamedInput } from './retry';

type Choice = vscode.QuickPickItem & { provider: ServiceProvider; browser?: boolean };

function choices(): Choice[] {
  return providers.flatMap((p): Choice[] =>
    p.id === 'selfcommunity'
      ? [
          {
            label: p.label,
            description: vscode.l10n.t('sign in with the browser (recommended)'),
            detail: vscode.l10n.t('Uses the OAuth app your community admin registered; the sign-in renews itself.'),
            provider: p,
            browser: true,
          },
          { label: p.label, description: vscode.l10n.t('paste an access token'), detail: p.tokenHelp, provider: p },
        ]
      : [{ label: p.label, description: vscode.l10n.t('paste an API key'), detail: p.tokenHelp, provider: p }],
  );
}

export async function addAccountFlow(accounts: FlowAccounts): Promise<Account | undefined> {
  const title = vscode.l10n.t('Add Reactions Account');
  const state = { baseUrl: '', token: '', hint: '' };
  let p: ServiceProvider = providers[0];
  let added: Account | undefined;
  let browser = false;
  const totalSteps = () => (p.needsUserHint ? 4 : 3);

  const pickService: Step = async (flow) => {
    const picked = await vscode.window.showQuickPick(choices(), {
      title,
      placeHolder: vscode.l10n.t('Which service, and how?'),
      ignoreFocusOut: true,
    });
    if (!picked) return flow.dismiss();
    if (picked.browser) {
      browser = true;
      return undefined;
    }
    p = picked.provider;
    return siteUrl;
  };

  const siteUrl: Step = async (flow) => {
    state.baseUrl = await flow.askBaseUrl({
      title,
      step: 2,
      totalSteps: totalSteps(),
      value: state.baseUrl,
      prompt: vscode.l10n.t('The address of the {0} site: https://…, or http:// for localhost only.', p.label),
      placeholder: p.exampleUrl,
    });
    return token;
  };

  const token: Step = async (flow) => {
    const value = await flow.ask({
      title,
      step: 3,
      totalSteps: totalSteps(),
      value: state.token,
      password: true,
      prompt: p.tokenHelp,
      placeholder: vscode.l10n.t("Paste the token; it is kept in VS Code's secret storage"),
      validate: (v) =>
        !v.trim()
          ? vscode.l10n.t('Enter the token.')
          : /\s/.test(v.trim())
            ? vscode.l10n.t('The token contains spaces; paste just the token.')
            : undefined,
    });
    state.token = value.trim();
    accounts.logger.addSecret(state.token);
    return p.needsUserHint ? userHint : check;
  };

  const userHint: Step = async (flow) => {
    const value = await flow.ask({
      title,
      step: 4,
      totalSteps: 4,
      value: state.hint,
      prompt: vscode.l10n.t('Your email address on {0} (the owner of the key), or your numeric user id.', p.label),
      placeholder: 'you@example.com',
      validate: (v) => (!v.trim() ? vscode.l10n.t('Enter your email address or numeric user id.') : undefined),
    });
    state.hint = value.trim();
    return check;
  };

  const check: Step = async (flow) => {
    const hint = state.hint;
    const input: SignInInput = {
      baseUrl: state.baseUrl,
      token: state.token,
      ...(hint ? (/^\d+$/.test(hint) ? { userId: hint } : { email: hint }) : {}),
    };
    try {
      const account = await signInWithProgress(accounts, p, input);
      if (!account) return flow.dismiss(); // cancelled: nothing stored
      if (accounts.list().some((a) => a.id === account.id) && !(await confirmReplace(account))) return flow.dismiss(); // nothing replaced
      await accounts.save(account, state.token);
      void vscode.window.showInformationMessage(vscode.l10n.t('Added {0}.', account.label));
      added = account;
      return undefined;
    } catch (e) {
      const field = blamedInput(e);
      const back =
        field === 'token' ? token : (field === 'email' || field === 'userId') && p.needsUserHint ? userHint : siteUrl;
      return flow.retryAt(back, e);
    }
  };

  await new MultiStepInput(accounts.logger).run(pickService);
  return browser ? browserSignInFlow(accounts) : added;
}

/** The account is already added: replacing its key is asked, never silent. */
async function confirmReplace(account: Account): Promise<boolean> {
  const update = vscode.l10n.t('Update Key');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} is already added. Update its key?', account.label),
    {
      modal: true,
      detail:
        account.service === 'tines'
          ? vscode.l10n.t(
              "The key you entered replaces the one stored for this account. Tines cannot tell whose key it is: before its first write, a removal only you made proves it is yours, and nothing is written if it is someone else's.",
            )
          : vscode.l10n.t('The token you entered replaces the one stored for this account.'),
    },
    update,
  );
  return choice === update;
}

/** Checks the token with the service behind a cancellable notification; undefined when cancelled. */
function signInWithProgress(
  accounts: FlowAccounts,
  p: ServiceProvider,
  input: SignInInput,
): Promise<Account | undefined> {
  return Promise.resolve(
    vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Checking the token with {0} at {1}…', p.label, new URL(input.baseUrl).host),
        cancellable: true,
      },
      (_progress, cancel) =>
        new Promise<Account | undefined>((resolve, reject) => {
          const sub = cancel.onCancellationRequested(() => {
            sub.dispose();
            resolve(undefined);
          });
          accounts.signIn(p.id, input).then(
            (a) => {
              sub.dispose();
              resolve(cancel.isCancellationRequested ? undefined : a);
            },
            (e: unknown) => {
              sub.dispose();
              if (cancel.isCancellationRequested) resolve(undefined);
              else reject(e);
            },
          );
        }),
    ),
  );
}
