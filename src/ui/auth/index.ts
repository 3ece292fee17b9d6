/**
 * Accounts: what the rest of the UI asks about accounts, and every change to them without UI (the
 * interactive flows in ./flows call these). It composes
 * - ./repository: the account data (globalState) and tokens (SecretStorage ONLY), saved with rollback;
 * - ./sessions: clients, token sources (renewal), revocation;
 * - ./reauth: the one "Update Token" / "Sign In Again" prompt per account (no command handles a 401);
 * - ./browserCallback: the browser half of the OAuth sign-in (with the OAuth code, it loads with the
 *   first sign-in or browser answer: `browser()`, `uriHandler`).
 * A token is validated with the service BEFORE anything is stored; a failure stores nothing. Ending an
 * OAuth sign-in (Remove Account, or a pasted token replacing it) revokes its tokens on the community.
 */
import * as vscode from 'vscode';
import { onceUntilFailure } from '../../core/async';
import { secretsOf, type Credentials, type OAuthCredentials } from '../../core/auth/credentials';
import { ReactionsError } from '../../core/errors';
import { normalizeBaseUrl } from '../../core/http';
import type { Account, ServiceId } from '../../core/model';
import { provider, providers } from '../../core/services/registry';
import type { AccountService, ClientOptions, SignInInput } from '../../core/services/service';
import type { ReactionStore } from '../../core/store';
import type { BrowserCallback, BrowserOpener } from './browserCallback';
import { errorMessage } from '../errorMessage';
import type { OutputLogger } from '../outputLogger';
import { ReauthPrompt } from './reauth';
import { AccountRepository } from './repository';
import { AccountSessions } from './sessions';
import type { FlowAccounts } from './flows/flowAccounts';

export { REAUTH_COOLDOWN_MS } from './reauth';

/** Arguments of `reactions.signInSelfCommunity` when run without the input boxes (the browser still opens). */
export interface BrowserSignInArgs {
  baseUrl: string;
  clientId: string;
}

/** Arguments of `reactions.addAccount` when run without UI. */
export interface AddAccountArgs {
  service: ServiceId;
  baseUrl: string;
  token: string;
  email?: string;
  userId?: string;
  /** Replace the key of an account that is already added (otherwise that is refused: never a silent replace). */
  replace?: boolean;
}

/** Adding an account that exists would replace its key: never silently. */
export const alreadyAdded = (account: Account) =>
  new ReactionsError(
    'conflict',
    vscode.l10n.t(
      '{0} is already added; its key was not replaced. Use "Update Token" to change it (or pass "replace": true).',
      account.label,
    ),
  );

const signInCancelled = () =>
  new ReactionsError('cancelled', vscode.l10n.t('The sign-in was cancelled; nothing was stored.'));

export class AccountManager implements FlowAccounts, vscode.Disposable {
  readonly repository: AccountRepository;
  readonly sessions: AccountSessions;
  private readonly reauth: ReauthPrompt;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly tokenUpdated = new vscode.EventEmitter<Account>();
  /** The browser half of the OAuth sign-in, once loaded (`browser()`). */
  private callback: BrowserCallback | undefined;
  /** What opens the consent page instead of VS Code's browser (test hooks). */
  private opener: BrowserOpener | undefined;
  private readonly extensionId: string;
  private readonly disposables: vscode.Disposable[];

  /** The browser half of the OAuth sign-in; its code (and the OAuth code) loads with the first call. */
  readonly browser = onceUntilFailure(async (): Promise<BrowserCallback> => {
    const { BrowserCallback } = await import('./browserCallback');
    this.callback ??= new BrowserCallback(this.extensionId, this.logger, () => this.opener);
    return this.callback;
  });

  /**
   * extension.ts registers it with VS Code: the browser's answer goes to the waiting sign-in. A sign-in
   * that waits has loaded the browser half, so its answer arrives at once; any other loads it to be told.
   */
  readonly uriHandler: vscode.UriHandler = {
    handleUri: (uri) => {
      if (this.callback) return this.callback.handleUri(uri);
      this.browser().then(
        (b) => b.handleUri(uri),
        (e: unknown) => this.logger.warn(`a sign-in answer could not be handled: ${errorMessage(e)}`),
      );
    },
  };

  /** Accounts were added, removed or relabelled. */
  readonly onDidChange = this.changed.event;
  /** A token was replaced (the listing scheduler refreshes that account). */
  readonly onDidUpdateToken = this.tokenUpdated.event;
  /** An OAuth access token was renewed (or changed in another window): sessions changed, nothing to reload. */
  readonly onDidRenewToken: vscode.Event<Account>;
  /** A re-auth prompt was shown for an account. */
  readonly onDidPromptReauth: vscode.Event<Account>;

  constructor(
    context: vscode.ExtensionContext,
    readonly logger: OutputLogger,
    private readonly store: ReactionStore,
    now: () => number = Date.now,
    /** The persisted reaction cache: Remove Account deletes the account's file. */
    private readonly cache?: { forget(accountId: string): Promise<void> },
  ) {
    this.repository = new AccountRepository(context.globalState, context.secrets, logger, (id) =>
      vscode.l10n.t('No account with the id {0}.', id),
    );
    this.sessions = new AccountSessions(context, this.repository, logger);
    this.reauth = new ReauthPrompt(
      (id) => this.get(id),
      // The flow loads on first use (its code is not needed to activate).
      async (a) => (await import('./flows/updateToken')).updateTokenFlow(this, a),
      now,
    );
    this.extensionId = context.extension?.id ?? 'reactions-dev.reactions-vscode';
    this.onDidRenewToken = this.sessions.onDidRenewToken;
    this.onDidPromptReauth = this.reauth.onDidPrompt;
    this.disposables = [
      this.changed,
      this.tokenUpdated,
      this.sessions,
      this.reauth,
      { dispose: () => this.callback?.dispose() },
    ];
  }

  /** Replaces the browser the sign-in opens (test hooks); undefined: VS Code's again. */
  setBrowserOpener(opener: BrowserOpener | undefined): void {
    this.opener = opener;
  }

  /** Whether a sign-in is waiting for the browser. */
  get isSignInWaiting(): boolean {
    return this.callback?.isWaiting ?? false;
  }

  // ---- reads ----------------------------------------------------------------------------------

  list(): Account[] {
    return this.repository.list();
  }

  get(id: string): Account | undefined {
    return this.repository.get(id);
  }

  require(id: string): Account {
    return this.repository.require(id);
  }

  /** What is stored for an account (no network). */
  credentials(id: string): Promise<Credentials | undefined> {
    return this.repository.credentials(id);
  }

  /** The per-account client (cached; rebuilt after a settings change). */
  client(id: string): AccountService {
    return this.sessions.client(id);
  }

  clientOptions(): ClientOptions {
    return this.sessions.clientOptions();
  }

  /** Forgets the cached clients (settings changed). */
  resetClients(): void {
    this.sessions.resetClients();
  }

  // ---- changes (no UI) ------------------------------------------------------------------------

  /** Validates the token with the service; stores nothing. */
  async signIn(service: ServiceId, input: SignInInput): Promise<Account> {
    this.logger.addSecret(input.token?.trim());
    const p = provider(service);
    try {
      const account = await p.signIn(input, this.clientOptions());
      this.logger.info(`signed in to ${p.label} at ${account.baseUrl} as user ${account.userId}`);
      return account;
    } catch (e) {
      this.logger.warn(`sign-in to ${p.label} failed: ${errorMessage(e)}`);
      throw e;
    }
  }

  /** Validates, then stores the token (secrets) and the account (globalState). Re-adding updates the token. */
  async add(args: AddAccountArgs): Promise<Account> {
    if (!args || !providers.some((p) => p.id === args.service)) {
      throw new ReactionsError(
        'invalid-input',
        vscode.l10n.t(
          'Unknown service "{0}". Use one of: {1}.',
          String(args?.service),
          providers.map((p) => p.id).join(', '),
        ),
      );
    }
    const account = await this.signIn(args.service, {
      baseUrl: args.baseUrl,
      token: args.token,
      email: args.email,
      userId: args.userId,
    });
    if (this.get(account.id) && !args.replace) throw alreadyAdded(account);
    await this.save(account, args.token.trim());
    return account;
  }

  /** Stores a validated account and its token(s) (nothing half-stored on failure), then announces it. */
  async save(account: Account, credentials: Credentials | string): Promise<void> {
    const stored = typeof credentials === 'string' ? { type: 'token' as const, token: credentials } : credentials;
    const existed = await this.repository.save(account, stored);
    this.sessions.replaced(account.id);
    this.reauth.reset(account.id);
    this.logger.info(`${existed ? 'updated' : 'added'} account ${account.id}`);
    this.changed.fire();
    if (existed) this.tokenUpdated.fire(account);
  }

  /** Revokes OAuth tokens on the community (best effort), then deletes the token, the account data and its cached reactions. */
  async remove(id: string): Promise<void> {
    const account = this.get(id);
    const stored = account ? await this.credentials(id) : undefined;
    if (account && stored?.type === 'oauth') await this.sessions.revoke(account, stored);
    await this.repository.delete(id);
    this.sessions.forget(id);
    this.reauth.reset(id);
    this.store.clear(id);
    await this.cache?.forget(id);
    this.logger.info(`removed account ${id}`);
    this.changed.fire();
  }

  /**
   * The OAuth sign-in: the browser's consent page → code → tokens → who am I → stored together. With
   * `expect`, the sign-in must be the same user (sign in again). Nothing is stored on any failure, and
   * tokens obtained for a sign-in that then fails are revoked.
   */
  async signInWithBrowser(
    args: BrowserSignInArgs,
    cancel?: vscode.CancellationToken,
    expect?: Account,
  ): Promise<Account> {
    if (!args || typeof args !== 'object')
      throw new ReactionsError('invalid-input', vscode.l10n.t('Pass "baseUrl" and "clientId".'));
    const baseUrl = normalizeBaseUrl(args.baseUrl);
    const { OAuthClient, cleanClientId } = await import('../../core/auth/oauth');
    const clientId = cleanClientId(args.clientId);
    const grant = await (await this.browser()).authorize(baseUrl, clientId, cancel);
    const oauth = new OAuthClient(baseUrl, clientId, this.clientOptions());
    if (cancel?.isCancellationRequested) throw signInCancelled();
    const tokens = await oauth.exchangeCode(grant.code, grant.redirectUri, grant.verifier);
    const credentials: OAuthCredentials = { type: 'oauth', clientId, ...tokens };
    for (const s of secretsOf(credentials)) this.logger.addSecret(s);
    let account: Account;
    try {
      account = {
        ...(await this.signIn('selfcommunity', { baseUrl, token: tokens.accessToken })),
        oauthClientId: clientId,
      };
      if (expect && account.id !== expect.id) {
        throw new ReactionsError(
          'invalid-input',
          vscode.l10n.t(
            'You signed in as {0}, not as {1}. Sign in as {1}, or add {0} as a new account.',
            account.label,
            expect.label,
          ),
        );
      }
      if (cancel?.isCancellationRequested) throw signInCancelled();
      await this.save(expect ? { ...account, label: account.label || expect.label } : account, credentials);
    } catch (e) {
      await this.sessions.revoke({ id: `the new sign-in at ${baseUrl}`, baseUrl }, credentials);
      throw e;
    }
    await this.repository.rememberClient(baseUrl, clientId);
    return account;
  }

  /**
   * Validates a new token for an existing account (it must belong to the same user), then replaces it.
   * A pasted token replacing a browser sign-in ends that sign-in: its tokens are revoked on the
   * community first (best effort, like sign-out), so no refresh token stays valid there unused.
   */
  async updateToken(id: string, token: string): Promise<Account> {
    const account = this.require(id);
    const input: SignInInput =
      account.service === 'tines'
        ? account.email
          ? { baseUrl: account.baseUrl, token, email: account.email }
          : { baseUrl: account.baseUrl, token, userId: account.userId }
        : { baseUrl: account.baseUrl, token };
    const checked = await this.signIn(account.service, input);
    if (checked.userId !== account.userId || checked.id !== account.id) {
      throw new ReactionsError(
        'invalid-input',
        vscode.l10n.t(
          'This token belongs to another user ({0}), not to {1}. Add it as a new account instead.',
          checked.label,
          account.label,
        ),
        { field: 'token' },
      );
    }
    const previous = await this.credentials(id);
    if (previous?.type === 'oauth') await this.sessions.revoke(account, previous);
    // Keep the stored label unless the service now gives a better one; the account is no longer renewed through OAuth.
    const { oauthClientId: _replaced, ...rest } = account;
    await this.save({ ...rest, label: checked.label || account.label }, token.trim());
    return this.require(id);
  }

  // ---- re-authentication ----------------------------------------------------------------------

  /**
   * The single place that reacts to an 'auth' error: offers "Update Token" once (interactive only).
   * Returns true when the error was an auth error (the caller then shows nothing else).
   */
  handleAuthError(accountId: string, error: unknown, interactive: boolean): boolean {
    return this.reauth.handle(accountId, error, interactive);
  }

  /** Whether a re-auth prompt is showing for the account. */
  isReauthPending(accountId: string): boolean {
    return this.reauth.isPending(accountId);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
