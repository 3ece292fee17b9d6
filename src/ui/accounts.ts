/**
 * Accounts: the one module that owns sign-in, tokens and re-authentication.
 *
 * - Non-secret account data (the core's `Account` objects) lives in `globalState` under
 *   `reactions.accounts`; tokens live ONLY in `context.secrets`, keyed by the account id.
 * - A token is validated with `provider.signIn()` BEFORE anything is stored; a failure stores nothing.
 * - SelfCommunity accounts can sign in with OAuth in the browser (BrowserSignIn + core/oauth): the
 *   access and refresh tokens are stored together as ONE secret; a TokenSource per account renews
 *   them before expiry and after a 401 (one renewal at a time), so a sign-in lasts.
 * - A 401 that renewing cannot fix ('auth') leads to ONE "Update Token" / "Sign In Again" prompt per
 *   account: none while one is showing, a cooldown after it is dismissed, and none for automatic
 *   (startup / view-visible) loads — those show the error as a tree node instead. No command handles
 *   a 401 itself.
 * - Removing an OAuth account revokes its tokens on the community (best effort), then deletes them.
 */
import * as vscode from 'vscode';
import {
  TokenSource,
  parseCredentials,
  secretsOf,
  serializeCredentials,
  type Credentials,
  type OAuthCredentials,
} from '../core/credentials';
import { ReactionsError, cancelled, isReactionsError } from '../core/errors';
import { normalizeBaseUrl } from '../core/http';
import { OAuthClient, cleanClientId } from '../core/oauth';
import type { Account, ServiceId } from '../core/model';
import { provider, providers } from '../core/services/registry';
import type { AccountService, ClientOptions, ServiceProvider, SignInInput } from '../core/services/service';
import type { ReactionStore } from '../core/store';
import { BrowserSignIn } from './browserSignIn';
import { BACK, errorMessage, input, messageOf, validateBaseUrl } from './inputBox';

export { errorMessage } from './inputBox';
import type { OutputLogger } from './log';

const ACCOUNTS_KEY = 'reactions.accounts';
/** The OAuth client id last used per community URL (public, not secret) and the last community URL. */
const OAUTH_CLIENTS_KEY = 'reactions.oauthClients';
const LAST_COMMUNITY_KEY = 'reactions.lastCommunity';
/** How long sign-out waits for the community to confirm the revocation. */
const REVOKE_TIMEOUT_MS = 5_000;
/** After a dismissed re-auth prompt, no new one for this long. */
export const REAUTH_COOLDOWN_MS = 10 * 60_000;

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
}

function isAccount(x: unknown): x is Account {
  if (!x || typeof x !== 'object') return false;
  const a = x as Partial<Account>;
  return (
    typeof a.id === 'string' &&
    (a.service === 'selfcommunity' || a.service === 'tines') &&
    typeof a.baseUrl === 'string' &&
    typeof a.userId === 'string' &&
    typeof a.label === 'string'
  );
}

/** Keeps only the non-secret fields of an account (nothing else ever reaches globalState). */
function plainAccount(a: Account): Account {
  return {
    id: a.id,
    service: a.service,
    baseUrl: a.baseUrl,
    userId: a.userId,
    label: a.label,
    ...(a.email ? { email: a.email } : {}),
    ...(a.oauthClientId ? { oauthClientId: a.oauthClientId } : {}),
  };
}

export class AccountManager implements vscode.Disposable {
  private readonly clients = new Map<string, AccountService>();
  private readonly sources = new Map<string, TokenSource>();
  private readonly reauthShowing = new Set<string>();
  /** Re-auth prompts shown per account in this session (tests). */
  private readonly reauthShown = new Map<string, number>();
  private readonly reauthCooldownUntil = new Map<string, number>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly tokenUpdated = new vscode.EventEmitter<Account>();
  private readonly tokenRenewed = new vscode.EventEmitter<Account>();
  /** The browser half of the OAuth sign-in (extension.ts registers it as the URI handler). */
  readonly browser: BrowserSignIn;
  private readonly disposables: vscode.Disposable[] = [this.changed, this.tokenUpdated, this.tokenRenewed];

  /** Accounts were added, removed or relabelled. */
  readonly onDidChange = this.changed.event;
  /** A token was replaced (the loader refreshes that account). */
  readonly onDidUpdateToken = this.tokenUpdated.event;
  /** An OAuth access token was renewed (or changed in another window): sessions changed, nothing to reload. */
  readonly onDidRenewToken = this.tokenRenewed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly logger: OutputLogger,
    private readonly store: ReactionStore,
    private readonly now: () => number = Date.now,
    /** The persisted reaction cache: Remove Account deletes the account's file. */
    private readonly cache?: { forget(accountId: string): Promise<void> },
  ) {
    this.browser = new BrowserSignIn(context.extension?.id ?? 'reactions-dev.reactions-vscode', logger);
    this.disposables.push(
      this.browser,
      context.secrets.onDidChange((e) => {
        // Another window (or a renewal here) changed a token: read it again before the next request.
        this.sources.get(e.key)?.invalidate();
        const account = this.get(e.key);
        if (account) {
          this.logger.debug(`token of ${e.key} changed in secret storage`);
          this.tokenRenewed.fire(account);
        }
      }),
    );
  }

  // ---- reads ----------------------------------------------------------------------------------

  list(): Account[] {
    const raw = this.context.globalState.get<unknown[]>(ACCOUNTS_KEY, []);
    return Array.isArray(raw) ? raw.filter(isAccount).map(plainAccount) : [];
  }

  get(id: string): Account | undefined {
    return this.list().find((a) => a.id === id);
  }

  require(id: string): Account {
    const a = this.get(id);
    if (!a) throw new ReactionsError('invalid-input', vscode.l10n.t('No account with the id {0}.', id));
    return a;
  }

  /** Options for every HTTP client, from the settings; the logger redacts every known token. */
  clientOptions(): ClientOptions {
    const config = vscode.workspace.getConfiguration('reactions');
    const maxConcurrency = Math.min(32, Math.max(1, Math.floor(config.get<number>('maxConcurrency', 8)) || 8));
    const timeoutSeconds = Math.min(600, Math.max(1, config.get<number>('requestTimeoutSeconds', 20) || 20));
    const version = (this.context.extension?.packageJSON as { version?: string } | undefined)?.version ?? '0';
    return {
      maxConcurrency,
      timeoutMs: timeoutSeconds * 1000,
      logger: this.logger,
      userAgent: `reactions-vscode/${version} (VS Code ${vscode.version})`,
    };
  }

  /** The per-account client (cached; rebuilt after a settings change). */
  client(id: string): AccountService {
    let c = this.clients.get(id);
    if (!c) {
      const account = this.require(id);
      const source = this.tokenSource(account);
      c = provider(account.service).connect(account, () => source.token(), {
        ...this.clientOptions(),
        onUnauthorized: (rejected) => source.unauthorized(rejected),
      });
      this.clients.set(id, c);
    }
    return c;
  }

  /** Forgets the cached clients (settings changed). */
  resetClients(): void {
    this.clients.clear();
  }

  /** Hands out an account's current token: a pasted one as it is, OAuth ones renewed when due. */
  tokenSource(account: Account): TokenSource {
    let source = this.sources.get(account.id);
    if (!source) {
      source = new TokenSource(account.id, this.context.secrets, {
        label: account.label,
        logger: this.logger,
        onSecret: (s) => this.logger.addSecret(s),
        refresh: (c) => new OAuthClient(account.baseUrl, c.clientId, this.clientOptions()).refresh(c.refreshToken),
      });
      this.sources.set(account.id, source);
    }
    return source;
  }

  /** What is stored for an account (no network). */
  async credentials(id: string): Promise<Credentials | undefined> {
    const c = parseCredentials(await this.context.secrets.get(id));
    for (const s of secretsOf(c)) this.logger.addSecret(s);
    return c;
  }

  /** The OAuth client id remembered for a community URL. */
  rememberedClientId(baseUrl: string): string | undefined {
    const map = this.context.globalState.get<Record<string, string>>(OAUTH_CLIENTS_KEY, {});
    return typeof map?.[baseUrl] === 'string' ? map[baseUrl] : undefined;
  }

  // ---- writes (no UI) -------------------------------------------------------------------------

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
    await this.save(account, args.token.trim());
    return account;
  }

  /** Stores a validated account: the token first (so a listed account always has one), then the data. */
  async save(account: Account, credentials: Credentials | string): Promise<void> {
    const existed = !!this.get(account.id);
    const previousToken = existed ? await this.context.secrets.get(account.id) : undefined;
    const stored = typeof credentials === 'string' ? { type: 'token' as const, token: credentials } : credentials;
    for (const s of secretsOf(stored)) this.logger.addSecret(s);
    await this.context.secrets.store(account.id, serializeCredentials(stored));
    this.sources.get(account.id)?.invalidate();
    try {
      const others = this.list().filter((a) => a.id !== account.id);
      await this.context.globalState.update(ACCOUNTS_KEY, [...others, plainAccount(account)]);
    } catch (e) {
      // Put the secret storage back the way it was: nothing half-stored.
      if (previousToken) await this.context.secrets.store(account.id, previousToken);
      else await this.context.secrets.delete(account.id);
      throw e;
    }
    this.clients.delete(account.id);
    this.reauthCooldownUntil.delete(account.id);
    this.logger.info(`${existed ? 'updated' : 'added'} account ${account.id}`);
    this.changed.fire();
    if (existed) this.tokenUpdated.fire(account);
  }

  /** Revokes OAuth tokens on the community (best effort), then deletes the token, the account data and its cached reactions. */
  async remove(id: string): Promise<void> {
    const account = this.get(id);
    const stored = account ? await this.credentials(id) : undefined;
    if (account && stored?.type === 'oauth') await this.revoke(account, stored);
    await this.context.secrets.delete(id);
    this.sources.delete(id);
    await this.context.globalState.update(
      ACCOUNTS_KEY,
      this.list().filter((a) => a.id !== id),
    );
    this.clients.delete(id);
    this.reauthCooldownUntil.delete(id);
    this.store.clear(id);
    await this.cache?.forget(id);
    this.logger.info(`removed account ${id}`);
    this.changed.fire();
  }

  /** Asks the community to revoke an account's OAuth tokens; never throws (sign-out goes on regardless). */
  private async revoke(account: Pick<Account, 'id' | 'baseUrl'>, c: OAuthCredentials): Promise<boolean> {
    const client = new OAuthClient(account.baseUrl, c.clientId, {
      ...this.clientOptions(),
      timeoutMs: REVOKE_TIMEOUT_MS,
    });
    try {
      // The refresh token first: revoking it also ends the access token it belongs to.
      if (c.refreshToken) await client.revoke(c.refreshToken, 'refresh_token');
      await client.revoke(c.accessToken, 'access_token');
      this.logger.info(`revoked the OAuth tokens of ${account.id}`);
      return true;
    } catch (e) {
      this.logger.warn(
        `could not revoke the OAuth tokens of ${account.id} (they are deleted here anyway and expire on their own): ${errorMessage(e)}`,
      );
      return false;
    }
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
    const clientId = cleanClientId(args.clientId);
    const grant = await this.browser.authorize(baseUrl, clientId, cancel);
    const oauth = new OAuthClient(baseUrl, clientId, this.clientOptions());
    if (cancel?.isCancellationRequested)
      throw new ReactionsError('cancelled', vscode.l10n.t('The sign-in was cancelled; nothing was stored.'));
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
      if (cancel?.isCancellationRequested)
        throw new ReactionsError('cancelled', vscode.l10n.t('The sign-in was cancelled; nothing was stored.'));
      await this.save(expect ? { ...account, label: account.label || expect.label } : account, credentials);
    } catch (e) {
      await this.revoke({ id: `the new sign-in at ${baseUrl}`, baseUrl }, credentials);
      throw e;
    }
    const clients = this.context.globalState.get<Record<string, string>>(OAUTH_CLIENTS_KEY, {});
    await this.context.globalState.update(OAUTH_CLIENTS_KEY, { ...clients, [baseUrl]: clientId });
    await this.context.globalState.update(LAST_COMMUNITY_KEY, baseUrl);
    return account;
  }

  /** Validates a new token for an existing account (it must belong to the same user), then replaces it. */
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
      );
    }
    // Keep the stored label unless the service now gives a better one. A pasted token replaces a browser
    // sign-in: the account is no longer renewed through OAuth.
    const { oauthClientId: _replaced, ...rest } = account;
    await this.save({ ...rest, label: checked.label || account.label }, token.trim());
    return this.require(id);
  }

  // ---- errors and re-authentication -----------------------------------------------------------

  /**
   * The single place that reacts to an 'auth' error: offers "Update Token" once (interactive only).
   * Returns true when the error was an auth error (the caller then shows nothing else).
   */
  handleAuthError(accountId: string, error: unknown, interactive: boolean): boolean {
    if (!isReactionsError(error, 'auth')) return false;
    const account = this.get(accountId);
    if (!account) return true;
    if (!interactive) return true;
    if (this.reauthShowing.has(accountId)) return true;
    if ((this.reauthCooldownUntil.get(accountId) ?? 0) > this.now()) return true;
    this.reauthShowing.add(accountId);
    this.reauthShown.set(accountId, (this.reauthShown.get(accountId) ?? 0) + 1);
    const update = account.oauthClientId ? vscode.l10n.t('Sign In Again') : vscode.l10n.t('Update Token');
    void vscode.window
      .showWarningMessage(vscode.l10n.t('{0}: {1}', account.label, error.message), update)
      .then(async (choice) => {
        if (choice !== update) {
          this.reauthShowing.delete(accountId);
          this.reauthCooldownUntil.set(accountId, this.now() + REAUTH_COOLDOWN_MS);
          return;
        }
        try {
          const updated = await this.updateTokenInteractive(account);
          if (!updated) this.reauthCooldownUntil.set(accountId, this.now() + REAUTH_COOLDOWN_MS);
        } finally {
          this.reauthShowing.delete(accountId);
        }
      });
    return true;
  }

  /** How many re-auth prompts were shown for the account in this session (tests). */
  reauthPromptCount(accountId: string): number {
    return this.reauthShown.get(accountId) ?? 0;
  }

  /** Whether a re-auth prompt is showing for the account (tests, status). */
  isReauthPending(accountId: string): boolean {
    return this.reauthShowing.has(accountId);
  }

  // ---- interactive flows ----------------------------------------------------------------------

  /** QuickPick of services → base URL → token → (Tines) email or user id → sign in → store. */
  async addInteractive(): Promise<Account | undefined> {
    const title = vscode.l10n.t('Add Reactions Account');
    const items: Array<vscode.QuickPickItem & { provider: ServiceProvider; browser?: boolean }> = [];
    for (const p of providers) {
      if (p.id === 'selfcommunity') {
        items.push({
          label: p.label,
          description: vscode.l10n.t('sign in with the browser (recommended)'),
          detail: vscode.l10n.t('Uses the OAuth app your community admin registered; the sign-in renews itself.'),
          provider: p,
          browser: true,
        });
        items.push({
          label: p.label,
          description: vscode.l10n.t('paste an access token'),
          detail: p.tokenHelp,
          provider: p,
        });
      } else {
        items.push({
          label: p.label,
          description: vscode.l10n.t('paste an API key'),
          detail: p.tokenHelp,
          provider: p,
        });
      }
    }
    const picked = await vscode.window.showQuickPick(items, {
      title,
      placeHolder: vscode.l10n.t('Which service, and how?'),
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    if (picked.browser) return this.signInWithBrowserInteractive();
    const p = picked.provider;
    const totalSteps = p.needsUserHint ? 4 : 3;
    const state = { baseUrl: '', token: '', hint: '' };
    let step: 'url' | 'token' | 'hint' | 'signin' = 'url';
    let error: { step: 'url' | 'token' | 'hint'; message: string } | undefined;
    const errorFor = (s: 'url' | 'token' | 'hint') => (error?.step === s ? error.message : undefined);

    for (;;) {
      if (step === 'url') {
        const value = await input({
          title,
          step: 2,
          totalSteps,
          value: state.baseUrl,
          prompt: vscode.l10n.t('The address of the {0} site (https).', p.label),
          placeholder: p.exampleUrl,
          error: errorFor('url'),
          validate: validateBaseUrl,
        });
        if (value === undefined) return undefined;
        if (value === BACK) return this.addInteractive();
        state.baseUrl = normalizeBaseUrl(value);
        error = undefined;
        step = 'token';
      } else if (step === 'token') {
        const value = await input({
          title,
          step: 3,
          totalSteps,
          value: state.token,
          password: true,
          prompt: p.tokenHelp,
          placeholder: vscode.l10n.t("Paste the token; it is kept in VS Code's secret storage"),
          error: errorFor('token'),
          validate: (v) =>
            !v.trim()
              ? vscode.l10n.t('Enter the token.')
              : /\s/.test(v.trim())
                ? vscode.l10n.t('The token contains spaces; paste just the token.')
                : undefined,
        });
        if (value === undefined) return undefined;
        if (value === BACK) {
          step = 'url';
          continue;
        }
        state.token = value.trim();
        this.logger.addSecret(state.token);
        error = undefined;
        step = p.needsUserHint ? 'hint' : 'signin';
      } else if (step === 'hint') {
        const value = await input({
          title,
          step: 4,
          totalSteps,
          value: state.hint,
          prompt: vscode.l10n.t('Your email address on {0} (the owner of the key), or your numeric user id.', p.label),
          placeholder: 'you@example.com',
          error: errorFor('hint'),
          validate: (v) => (!v.trim() ? vscode.l10n.t('Enter your email address or numeric user id.') : undefined),
        });
        if (value === undefined) return undefined;
        if (value === BACK) {
          step = 'token';
          continue;
        }
        state.hint = value.trim();
        error = undefined;
        step = 'signin';
      } else {
        const hint = state.hint;
        const signInInput: SignInInput = {
          baseUrl: state.baseUrl,
          token: state.token,
          ...(hint ? (/^\d+$/.test(hint) ? { userId: hint } : { email: hint }) : {}),
        };
        try {
          const account = await this.signInWithProgress(p, signInInput);
          if (!account) return undefined; // cancelled: nothing stored
          await this.save(account, state.token);
          void vscode.window.showInformationMessage(vscode.l10n.t('Added {0}.', account.label));
          return account;
        } catch (e) {
          error = { step: retryStep(p, e), message: errorMessage(e) };
          step = error.step;
        }
      }
    }
  }

  private async signInWithProgress(p: ServiceProvider, signInInput: SignInInput): Promise<Account | undefined> {
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Checking the token with {0} at {1}…', p.label, new URL(signInInput.baseUrl).host),
        cancellable: true,
      },
      (_progress, token) =>
        new Promise<Account | undefined>((resolve, reject) => {
          const sub = token.onCancellationRequested(() => {
            sub.dispose();
            resolve(undefined);
          });
          this.signIn(p.id, signInInput).then(
            (a) => {
              sub.dispose();
              resolve(token.isCancellationRequested ? undefined : a);
            },
            (e) => {
              sub.dispose();
              if (token.isCancellationRequested) resolve(undefined);
              else reject(e);
            },
          );
        }),
    );
  }

  /** Modal confirm, then removes the account, its token and its cached reactions. */
  async removeInteractive(account: Account): Promise<boolean> {
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
    await this.remove(account.id);
    return true;
  }

  /**
   * "Sign in to SelfCommunity…": the community URL → the OAuth client id (the redirect URI the admin
   * must register is shown, with a copy button) → the browser. With `expect`: sign in again as that
   * account (straight to the browser when its client id is known).
   */
  async signInWithBrowserInteractive(expect?: Account): Promise<Account | undefined> {
    const title = expect
      ? vscode.l10n.t('Sign In Again as {0}', expect.label)
      : vscode.l10n.t('Sign in to SelfCommunity');
    const state = {
      baseUrl: expect?.baseUrl ?? this.context.globalState.get<string>(LAST_COMMUNITY_KEY, ''),
      clientId: expect?.oauthClientId ?? '',
    };
    if (!state.clientId && state.baseUrl) state.clientId = this.rememberedClientId(state.baseUrl) ?? '';
    let step: 'url' | 'client' | 'browser' = expect?.oauthClientId ? 'browser' : expect ? 'client' : 'url';
    let error: { step: 'url' | 'client'; message: string } | undefined;
    const errorFor = (s: 'url' | 'client') => (error?.step === s ? error.message : undefined);
    let callback: string | undefined;

    for (;;) {
      if (step === 'url') {
        const value = await input({
          title,
          step: 1,
          totalSteps: 2,
          value: state.baseUrl,
          prompt: vscode.l10n.t('The address of the SelfCommunity community (https).'),
          placeholder: provider('selfcommunity').exampleUrl,
          error: errorFor('url'),
          validate: validateBaseUrl,
        });
        if (value === undefined || value === BACK) return undefined;
        const baseUrl = normalizeBaseUrl(value);
        if (baseUrl !== state.baseUrl) state.clientId = this.rememberedClientId(baseUrl) ?? state.clientId;
        state.baseUrl = baseUrl;
        error = undefined;
        step = 'client';
      } else if (step === 'client') {
        callback ??= await this.browser.registrableCallbackUri();
        const redirect = callback;
        const value = await input({
          title,
          step: expect ? undefined : 2,
          totalSteps: expect ? undefined : 2,
          value: state.clientId,
          prompt: vscode.l10n.t(
            'The client id of the OAuth app your community admin registered (public client, grant "Authorization code", redirect URI {0}).',
            redirect,
          ),
          placeholder: vscode.l10n.t('OAuth client id'),
          error: errorFor('client'),
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
        if (value === undefined) return undefined;
        if (value === BACK) {
          step = 'url';
          continue;
        }
        state.clientId = cleanClientId(value);
        error = undefined;
        step = 'browser';
      } else {
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
              this.signInWithBrowser({ baseUrl: state.baseUrl, clientId: state.clientId }, cancel, expect),
          );
          void vscode.window.showInformationMessage(
            expect
              ? vscode.l10n.t('Signed in again as {0}.', account.label)
              : vscode.l10n.t('Signed in as {0}.', account.label),
          );
          return account;
        } catch (e) {
          if (isReactionsError(e, 'cancelled')) {
            void vscode.window.showInformationMessage(
              e.message === cancelledMessage ? vscode.l10n.t('Sign-in cancelled; nothing was stored.') : e.message,
            );
            return undefined;
          }
          if (isReactionsError(e, 'unsafe') && !/url|http/i.test(e.message)) {
            void vscode.window.showErrorMessage(e.message);
            return undefined;
          }
          const kind = isReactionsError(e) ? e.kind : undefined;
          const toUrl =
            kind === 'network' ||
            kind === 'not-found' ||
            kind === 'bad-response' ||
            kind === 'unsafe' ||
            kind === 'timeout' ||
            kind === 'server';
          error = { step: toUrl && !expect ? 'url' : 'client', message: errorMessage(e) };
          step = error.step;
        }
      }
    }
  }

  /** Asks for a new token, validates it (same user) and replaces the stored one. OAuth accounts sign in again. */
  async updateTokenInteractive(account: Account): Promise<Account | undefined> {
    if (account.oauthClientId) return this.signInWithBrowserInteractive(account);
    const p = provider(account.service);
    let previous = '';
    let error: string | undefined;
    for (;;) {
      const value = await input({
        title: vscode.l10n.t('Update Token for {0}', account.label),
        value: previous,
        password: true,
        prompt: p.tokenHelp,
        placeholder: vscode.l10n.t('Paste the new token'),
        error,
        validate: (v) => (!v.trim() ? vscode.l10n.t('Enter the token.') : undefined),
      });
      if (value === undefined || value === BACK) return undefined;
      previous = value.trim();
      this.logger.addSecret(previous);
      try {
        const updated = await vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: vscode.l10n.t('Checking the token with {0}…', p.label),
          },
          () => this.updateToken(account.id, previous),
        );
        void vscode.window.showInformationMessage(vscode.l10n.t('Updated the token of {0}.', updated.label));
        return updated;
      } catch (e) {
        error = errorMessage(e);
      }
    }
  }

  /** A QuickPick of the accounts (undefined when cancelled or none). */
  async pick(placeHolder: string): Promise<Account | undefined> {
    const all = this.list();
    if (all.length === 0) {
      const add = vscode.l10n.t('Add Account');
      const choice = await vscode.window.showInformationMessage(
        vscode.l10n.t('No Reactions account has been added yet.'),
        add,
      );
      if (choice === add) await vscode.commands.executeCommand('reactions.addAccount');
      return undefined;
    }
    if (all.length === 1) return all[0];
    const picked = await vscode.window.showQuickPick(
      all.map((a) => ({ label: a.label, description: provider(a.service).label, detail: a.baseUrl, account: a })),
      { placeHolder, matchOnDescription: true, matchOnDetail: true },
    );
    return picked?.account;
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

/** Which step of "Add Account" to go back to after a failed sign-in. */
function retryStep(p: ServiceProvider, e: unknown): 'url' | 'token' | 'hint' {
  if (isReactionsError(e)) {
    if (e.kind === 'auth' || e.kind === 'forbidden') return 'token';
    if (p.needsUserHint && e.kind === 'invalid-input' && /email|user id|member/i.test(e.message)) return 'hint';
    if (e.kind === 'invalid-input' && /token|key/i.test(e.message) && !/url|api at/i.test(e.message)) return 'token';
  }
  return 'url';
}

/** The core's generic cancel message (a cancel with a more specific message is shown as it is). */
const cancelledMessage = cancelled().message;
