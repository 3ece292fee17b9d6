/**
 * The one re-authentication prompt: the single place that reacts to an 'auth' error (a 401 that
 * renewing could not fix). It offers "Update Token" / "Sign In Again" ONCE per account: none while one
 * is showing, none for a cooldown after it was dismissed (or the new sign-in was abandoned), and none
 * for automatic loads (startup, the view became visible) — those show the error as a tree node.
 */
import * as vscode from 'vscode';
import { isReactionsError } from '../../core/errors';
import type { Account } from '../../core/model';

/** After a dismissed re-auth prompt, no new one for this long. */
export const REAUTH_COOLDOWN_MS = 10 * 60_000;

export class ReauthPrompt implements vscode.Disposable {
  private readonly showing = new Set<string>();
  private readonly cooldownUntil = new Map<string, number>();
  private readonly prompted = new vscode.EventEmitter<Account>();

  /** A re-auth prompt was shown for the account. */
  readonly onDidPrompt = this.prompted.event;

  constructor(
    private readonly find: (accountId: string) => Account | undefined,
    /** Runs the new sign-in (paste a token / the browser); resolves undefined when abandoned. */
    private readonly signInAgain: (account: Account) => Promise<Account | undefined>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Offers the new sign-in once (interactive only). Returns true when the error was an auth error (the
   * caller then shows nothing else).
   */
  handle(accountId: string, error: unknown, interactive: boolean): boolean {
    if (!isReactionsError(error, 'auth')) return false;
    const account = this.find(accountId);
    if (!account || !interactive) return true;
    if (this.showing.has(accountId)) return true;
    if ((this.cooldownUntil.get(accountId) ?? 0) > this.now()) return true;
    this.showing.add(accountId);
    this.prompted.fire(account);
    const update = account.oauthClientId ? vscode.l10n.t('Sign In Again') : vscode.l10n.t('Update Token');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('{0}: {1}', account.label, error.message), update)
      .then(async (choice) => {
        if (choice !== update) {
          this.showing.delete(accountId);
          this.cooldownUntil.set(accountId, this.now() + REAUTH_COOLDOWN_MS);
          return;
        }
        try {
          const updated = await this.signInAgain(account);
          if (!updated) this.cooldownUntil.set(accountId, this.now() + REAUTH_COOLDOWN_MS);
        } finally {
          this.showing.delete(accountId);
        }
      });
    return true;
  }

  /** Whether a re-auth prompt (or the sign-in it started) is showing for the account. */
  isPending(accountId: string): boolean {
    return this.showing.has(accountId);
  }

  /** A new token was stored (or the account removed): a later 401 may prompt again at once. */
  reset(accountId: string): void {
    this.cooldownUntil.delete(accountId);
  }

  dispose(): void {
    this.prompted.dispose();
  }
}
