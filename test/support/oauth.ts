/** The whole browser sign-in (code + PKCE through the emulator's consent page), as the extension does it. */
import type { Account } from '../../src/core/model';
import {
  OAuthClient,
  authorizeUrl,
  codeFromCallback,
  createPkce,
  createState,
  parseCallback,
  type TokenSet,
} from '../../src/core/auth/oauth';
import type { ClientOptions } from '../../src/core/services/service';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import type { Emulator } from '../emulator';
import { consent } from '../emulator/consent';
import { fastOptions } from './client';

export const LOOPBACK_REDIRECT =
  'http://127.0.0.1:9/callback?vscode-reqid=4&vscode-scheme=code-oss&vscode-authority=reactions-dev.reactions-vscode&vscode-path=%2Foauth-callback';

/** The community's consent page for this sign-in (the demo client, the loopback redirect unless told). */
export function consentUrl(
  emu: Emulator,
  state: string,
  pkce?: ReturnType<typeof createPkce>,
  redirectUri = LOOPBACK_REDIRECT,
): string {
  return authorizeUrl({ baseUrl: emu.selfcommunityUrl, clientId: emu.oauth.clientId, redirectUri, state, pkce });
}

/** Signs a user in through the consent page: the token set the community issued and the account it is for. */
export async function signInWithBrowser<O extends ClientOptions>(
  emu: Emulator,
  user = 'alice',
  options: O = fastOptions() as unknown as O,
): Promise<{ tokens: TokenSet; account: Account; options: O }> {
  const state = createState();
  const pkce = createPkce();
  const back = await consent(consentUrl(emu, state, pkce), { user });
  const code = codeFromCallback(parseCallback(back.search), state, 'community');
  const tokens = await new OAuthClient(emu.selfcommunityUrl, emu.oauth.clientId, options).exchangeCode(
    code,
    LOOPBACK_REDIRECT,
    pkce.verifier,
  );
  const account = await selfCommunity.signIn({ baseUrl: emu.selfcommunityUrl, token: tokens.accessToken }, options);
  return { tokens, account, options };
}
