/**
 * "SelfCommunity" in VS Code's Accounts menu: an AuthenticationProvider over the SelfCommunity accounts
 * of AccountManager. Signing in from the Accounts menu runs the same browser sign-in; signing out
 * there is Remove Account (the tokens are revoked on the community, then deleted). Sessions are read
 * from what is stored — listing them sends no request.
 *
 * What other extensions get: a browser sign-in only when the scopes the community granted (the token
 * answer's `scope`) cover every scope asked for; a pasted token (its permissions are unknown) only
 * when the user opted in with `reactions.offerPastedAccountsToExtensions`.
 */
import * as vscode from 'vscode';
import { accessTokenOf, type Credentials } from '../../core/auth/credentials';
import type { Account } from '../../core/model';
import type { AccountManager } from './index';

export const AUTH_PROVIDER_ID = 'selfcommunity';
export const AUTH_PROVIDER_LABEL = 'SelfCommunity';

export class SelfCommunityAuthProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.changed.event;
  private known = new Map<string, vscode.AuthenticationSession>();
  private readonly subs: vscode.Disposable[];

  constructor(private readonly accounts: AccountManager) {
    this.subs = [
      this.changed,
      accounts.onDidChange(() => void this.announce()),
      accounts.onDidRenewToken((a) => void this.announce(a.id)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('reactions.offerPastedAccountsToExtensions')) void this.announce();
      }),
    ];
    void this.announce();
  }

  private scAccounts(): Account[] {
    return this.accounts.list().filter((a) => a.service === 'selfcommunity');
  }

  private async session(
    a: Account,
    scopes: readonly string[] | undefined,
  ): Promise<vscode.AuthenticationSession | undefined> {
    const c = await this.accounts.credentials(a.id);
    const offerPasted = vscode.workspace
      .getConfiguration('reactions')
      .get<boolean>('offerPastedAccountsToExtensions', false);
    if (!c || !offered(c, scopes, offerPasted)) return undefined;
    return {
      id: a.id,
      accessToken: accessTokenOf(c),
      account: { id: a.id, label: a.label },
      scopes: grantedScopes(c),
    };
  }

  /** The sessions whose granted scopes cover `scopes` (all of them when VS Code asks without scopes). */
  async getSessions(scopes?: readonly string[]): Promise<vscode.AuthenticationSession[]> {
    const sessions = await Promise.all(this.scAccounts().map((a) => this.session(a, scopes)));
    return sessions.filter((s): s is vscode.AuthenticationSession => !!s);
  }

  async createSession(scopes: readonly string[]): Promise<vscode.AuthenticationSession> {
    const { browserSignInFlow } = await import('./flows/browserSignIn'); // loaded on first use
    const account = await browserSignInFlow(this.accounts);
    if (!account) throw new Error(vscode.l10n.t('Sign-in to SelfCommunity was cancelled.'));
    const session = await this.session(account, scopes);
    if (!session)
      throw new Error(
        vscode.l10n.t(
          'Signed in as {0}, but the community did not grant the permissions asked for ({1}).',
          account.label,
          scopes.join(' '),
        ),
      );
    return session;
  }

  async removeSession(sessionId: string): Promise<void> {
    if (this.accounts.get(sessionId)) await this.accounts.remove(sessionId);
  }

  /** Tells VS Code what was added, removed or changed since the last time. */
  private async announce(changedId?: string): Promise<void> {
    const now = new Map((await this.getSessions()).map((s) => [s.id, s]));
    const added = [...now.values()].filter((s) => !this.known.has(s.id));
    const removed = [...this.known.values()].filter((s) => !now.has(s.id));
    const changed = [...now.values()].filter((s) => {
      const before = this.known.get(s.id);
      return (
        before &&
        (before.accessToken !== s.accessToken || before.account.label !== s.account.label || s.id === changedId)
      );
    });
    this.known = now;
    if (added.length || removed.length || changed.length) this.changed.fire({ added, removed, changed });
  }

  dispose(): void {
    this.subs.forEach((s) => s.dispose());
  }
}

/** The scopes the community granted to a browser sign-in (none known for a pasted token). */
export function grantedScopes(c: Credentials): string[] {
  return c.type === 'oauth' ? (c.scope ?? '').split(/\s+/).filter(Boolean) : [];
}

/**
 * Whether a stored sign-in is offered for a request: a pasted token only after the opt-in (then for
 * any scopes: they are unknown), a browser sign-in when its granted scopes include every one asked.
 */
export function offered(c: Credentials, scopes: readonly string[] | undefined, offerPasted: boolean): boolean {
  if (c.type === 'token') return offerPasted;
  const granted = new Set(grantedScopes(c));
  return (scopes ?? []).every((s) => granted.has(s));
}
