/**
 * "Sign in to SelfCommunity…": the community URL → the OAuth client id (the redirect URI the admin must
 * register is shown, with a copy button) → the browser (cancellable). With `expect`: sign in again as
 * that account (straight to the browser when its client id is known). A failed sign-in returns to the
 * step whose input was wrong; a cancelled or refused one ends the flow with a message.
 */
import * as vscode from 'vscode';
import { cancelled, isReactionsError } from '../../../core/errors';
import type { Account } from '../../../core/model';
import { cleanClientId } from '../../../core/auth/oauth';
import { provider } from '../../../core/services/registry';
import { messageOf } from '../../errorMessage';
import type { FlowAccounts } from './flowAccounts';
import { MultiStepInput, type Step } from './multiStepInput';
import { blamedInput } from './retry';

/** The core's generic cancel message (a cancel with a more specific message is shown as it is). */
const cancelledMessage = cancelled().message;

export async function browserSignInFlow(accounts: FlowAccounts, expect?: Account): Promise<Account | undefined> {
  const title = expect
    ? vscode.l10n.t('Sign In Again as {0}', expect.label)
    : vscode.l10n.t('Sign in to SelfCommunity');
  const state = {
    baseUrl: expect?.baseUrl ?? accounts.repository.lastCommunity(),
    clientId: expect?.oauthClientId ?? '',
  };
  if (!state.clientId && state.baseUrl) state.clientId = accounts.repository.rememberedClientId(state.baseUrl) ?? '';
  let callback: string | undefined;
  let signedIn: Account | undefined;

  const communityUrl: Step = async (flow) => {
    const baseUrl = await flow.askBaseUrl({
      title,
      step: 1,
      totalSteps: 2,
      value: state.baseUrl,
      prompt: vscode.l10n.t('The address of the SelfCommunity community: https://…, or http:// for localhost only.'),
      placeholder: provider('selfcommunity').exampleUrl,
    });
    if (baseUrl !== state.baseUrl) state.clientId = accounts.repository.rememberedClientId(baseUrl) ?? state.clientId;
    state.baseUrl = baseUrl;
    return clientId;
  };

  const clientId: Step = async (flow) => {
    callback ??= await (await accounts.browser()).registrableCallbackUri();
    const redirect = callback;
    const value = await flow.ask({
      title,
      step: expect ? undefined : 2,
      totalSteps: expect ? undefined : 2,
      value: state.clientId,
      prompt: vscode.l10n.t(
        'The client id of the OAuth app your community admin registered (public client, grant "Authorization code", redirect URI {0}).',
        redirect,
      ),
      placeholder: vscode.l10n.t('OAuth client id'),
      validate: (v) => messageOf(() => cleanClientId(v)),
      extraButton: {
        button: {
          iconPath: new vscode.ThemeIcon('copy'),
          tooltip: vscode.l10n.t('Copy the redirect URI for your community admin'),
        },
        run: () => {
          void vscode.env.clipboard.writeText(redirect);
          void vscode.window.showInformationMessage(vscode.l10n.t('Copied the redirect URI: {0}', redirect));
        },
      },
    });
    state.clientId = cleanClientId(value);
    return authorize;
  };

  const authorize: Step = async (flow) => {
    try {
      const account = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: vscode.l10n.t(
            'Waiting for you to authorize Reactions on {0} in the browser…',
            new URL(state.baseUrl).host,
          ),
          cancellable: true,
        },
        (_progress, cancel) =>
          accounts.signInWithBrowser({ baseUrl: state.baseUrl, clientId: state.clientId }, cancel, expect),
      );
      void vscode.window.showInformationMessage(
        expect
          ? vscode.l10n.t('Signed in again as {0}.', account.label)
          : vscode.l10n.t('Signed in as {0}.', account.label),
      );
      signedIn = account;
      return undefined;
    } catch (e) {
      if (isReactionsError(e, 'cancelled')) {
        void vscode.window.showInformationMessage(
          e.message === cancelledMessage ? vscode.l10n.t('Sign-in cancelled; nothing was stored.') : e.message,
        );
        return flow.dismiss();
      }
      const field = blamedInput(e);
      if (isReactionsError(e, 'unsafe') && field !== 'baseUrl') {
        void vscode.window.showErrorMessage(e.message);
        return flow.dismiss();
      }
      return flow.retryAt(field === 'baseUrl' && !expect ? communityUrl : clientId, e);
    }
  };

  const first = expect?.oauthClientId ? authorize : expect ? clientId : communityUrl;
  await new MultiStepInput(accounts.logger).run(first);
  return signedIn;
}
