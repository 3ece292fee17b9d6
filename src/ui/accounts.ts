/**
 * Accounts: the one module that owns sign-in, tokens and re-authentication.
 *
 * - Non-secret account data (the core's `Account` objects) lives in `globalState` under
 *   `reactions.accounts`; tokens live ONLY in `context.secrets`, keyed by the account id.
 * - A token is validated with `provider.signIn()` BEFORE anything is stored; a failure stores nothing.
 * - A 401 later ('auth') leads to ONE "Update Token" prompt per account: none while one is showing,
 *   a cooldown after it is dismissed, and none for automatic (startup / view-visible) loads —
 *   those show the error as a tree node instead. No command handles a 401 itself.
 */
import * as vscode from 'vscode';
import { ReactionsError, isReactionsError } from '../core/errors';
import { normalizeBaseUrl } from '../core/http';
import type { Account, ServiceId } from '../core/model';
import { provider, providers } from '../core/services/registry';
import type { AccountService, ClientOptions, ServiceProvider, SignInInput } from '../core/services/service';
import type { ReactionStore } from '../core/store';
import type { OutputLogger } from './log';

const ACCOUNTS_KEY = 'reactions.accounts';
/** After a dismissed re-auth prompt, no new one for this long. */
export const REAUTH_COOLDOWN_MS = 10 * 60_000;

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
  };
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class AccountManager implements vscode.Disposable {
  private readonly clients = new Map<string, AccountService>();
  private readonly reauthShowing = new Set<string>();
  private readonly reauthCooldownUntil = new Map<string, number>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly tokenUpdated = new vscode.EventEmitter<Account>();
  private readonly disposables: vscode.Disposable[] = [this.changed, this.tokenUpdated];

  /** Accounts were added, removed or relabelled. */
  readonly onDidChange = this.changed.event;
  /** A token was replaced (the loader refreshes that account). */
  readonly onDidUpdateToken = this.tokenUpdated.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly logger: OutputLogger,
    private readonly store: ReactionStore,
    private readonly now: () => number = Date.now,
    /** The persisted reaction cache: Remove Account deletes the account's file. */
    private readonly cache?: { forget(accountId: string): Promise<void> },
  ) {
    this.disposables.push(
      context.secrets.onDidChange((e) => {
        // Another window changed a token: clients read the token per request, nothing to rebuild.
        if (this.get(e.key)) this.logger.debug(`token of ${e.key} changed in secret storage`);
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
      c = provider(account.service).connect(account, () => this.token(account), this.clientOptions());
      this.clients.set(id, c);
    }
    return c;
  }

  /** Forgets the cached clients (settings changed). */
  resetClients(): void {
    this.clients.clear();
  }

  /** The stored token of an account; an 'auth' error (shown with "Update Token") when there is none. */
  private async token(account: Account): Promise<string> {
    const token = await this.context.secrets.get(account.id);
    if (!token) {
      throw new ReactionsError('auth', vscode.l10n.t('No token is stored for {0}. Run "Update Token" to add one.', account.label));
    }
    this.logger.addSecret(token);
    return token;
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
      throw new ReactionsError('invalid-input', vscode.l10n.t('Unknown service "{0}". Use one of: {1}.', String(args?.service), providers.map((p) => p.id).join(', ')));
    }
    const account = await this.signIn(args.service, { baseUrl: args.baseUrl, token: args.token, email: args.email, userId: args.userId });
    await this.save(account, args.token.trim());
    return account;
  }

  /** Stores a validated account: the token first (so a listed account always has one), then the data. */
  async save(account: Account, token: string): Promise<void> {
    const existed = !!this.get(account.id);
    const previousToken = existed ? await this.context.secrets.get(account.id) : undefined;
    await this.context.secrets.store(account.id, token);
    this.logger.addSecret(token);
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

  /** Deletes the token, the account data and its cached reactions. */
  async remove(id: string): Promise<void> {
    await this.context.secrets.delete(id);
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
        vscode.l10n.t('This token belongs to another user ({0}), not to {1}. Add it as a new account instead.', checked.label, account.label),
      );
    }
    // Keep the stored label unless the service now gives a better one.
    await this.save({ ...account, label: checked.label || account.label }, token.trim());
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
    const update = vscode.l10n.t('Update Token');
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

  /** Whether a re-auth prompt is showing for the account (tests, status). */
  isReauthPending(accountId: string): boolean {
    return this.reauthShowing.has(accountId);
  }

  // ---- interactive flows ----------------------------------------------------------------------

  /** QuickPick of services → base URL → token → (Tines) email or user id → sign in → store. */
  async addInteractive(): Promise<Account | undefined> {
    const title = vscode.l10n.t('Add Reactions Account');
    const picked = await vscode.window.showQuickPick(
      providers.map((p) => ({ label: p.label, description: new URL(p.exampleUrl).host, detail: p.tokenHelp, provider: p })),
      { title, placeHolder: vscode.l10n.t('Which service?'), ignoreFocusOut: true },
    );
    if (!picked) return undefined;
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
          validate: (v) => {
            try {
              normalizeBaseUrl(v);
              return undefined;
            } catch (e) {
              return errorMessage(e);
            }
          },
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
          placeholder: vscode.l10n.t('Paste the token; it is kept in VS Code\'s secret storage'),
          error: errorFor('token'),
          validate: (v) => (!v.trim() ? vscode.l10n.t('Enter the token.') : /\s/.test(v.trim()) ? vscode.l10n.t('The token contains spaces; paste just the token.') : undefined),
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
        detail: vscode.l10n.t('Its token is deleted from VS Code\'s secret storage. Your reactions on {0} stay as they are. Revoke the token on the service as well if you no longer need it.', account.baseUrl),
      },
      remove,
    );
    if (choice !== remove) return false;
    await this.remove(account.id);
    return true;
  }

  /** Asks for a new token, validates it (same user) and replaces the stored one. */
  async updateTokenInteractive(account: Account): Promise<Account | undefined> {
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
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the token with {0}…', p.label) },
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
      const choice = await vscode.window.showInformationMessage(vscode.l10n.t('No Reactions account has been added yet.'), add);
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

const BACK = Symbol('back');

interface InputOptions {
  title: string;
  step?: number;
  totalSteps?: number;
  value: string;
  prompt: string;
  placeholder?: string;
  password?: boolean;
  /** An error to show when the box opens (from a failed sign-in). */
  error?: string;
  validate: (value: string) => string | undefined;
}

/** One InputBox step with a Back button (when it is a later step) and an initial error message. */
function input(o: InputOptions): Promise<string | typeof BACK | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = o.title;
    box.step = o.step;
    box.totalSteps = o.totalSteps;
    box.value = o.value;
    box.prompt = o.prompt;
    box.placeholder = o.placeholder;
    box.password = !!o.password;
    box.ignoreFocusOut = true;
    if (o.step && o.step > 1) box.buttons = [vscode.QuickInputButtons.Back];
    if (o.error) box.validationMessage = { message: o.error, severity: vscode.InputBoxValidationSeverity.Error };
    let done = false;
    const finish = (v: string | typeof BACK | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      box.dispose();
    };
    const subs = [
      box.onDidChangeValue((v) => {
        const m = v ? o.validate(v) : undefined;
        box.validationMessage = m;
      }),
      box.onDidAccept(() => {
        const m = o.validate(box.value);
        if (m) {
          box.validationMessage = m;
          return;
        }
        finish(box.value);
      }),
      box.onDidTriggerButton((b) => {
        if (b === vscode.QuickInputButtons.Back) finish(BACK);
      }),
      box.onDidHide(() => {
        subs.forEach((s) => s.dispose());
        finish(undefined);
      }),
    ];
    box.show();
  });
}
