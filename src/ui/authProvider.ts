/**
 * "SelfCommunity" in VS Code's Accounts menu: an AuthenticationProvider over the SelfCommunity accounts
 * of AccountManager. Signing in from the Accounts menu runs the same browser sign-in; signing out
 * there is Remove Account (the tokens are revoked on the community, then deleted). Sessions are read
 * from what is stored — listing them sends no request.
 */
import * as vscode from 'vscode';
import { accessTokenOf } from '../core/credentials';
import type { Account } from '../core/model';
import type { AccountManager } from './accounts';
import { browserSignInFlow } from './accounts/flows/browserSignIn';

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
    ];
    void this.announce();
  }

  private scAccounts(): Account[] {
    return this.accounts.list().filter((a) => a.service === 'selfcommunity');
  }

  private async session(a: Account): Promise<vscode.AuthenticationSession | undefined> {
    const c = await this.accounts.credentials(a.id);
    if (!c) return undefined;
    return { id: a.id, accessToken: accessTokenOf(c), account: { id: a.id, label: a.label }, scopes: [] };
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    const sessions = await Promise.all(this.scAccounts().map((a) => this.session(a)));
    return sessions.filter((s): s is vscode.AuthenticationSession => !!s);
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    const account = await browserSignInFlow(this.accounts);
    const session = account && (await this.session(account));
    if (!session) throw new Error(vscode.l10n.t('Sign-in to SelfCommunity was cancelled.'));
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
