/**
 * Where accounts are kept: the non-secret account data in `globalState` (`reactions.accounts`), each
 * account's token(s) ONLY in SecretStorage under the account id, and the OAuth client id remembered per
 * community URL (public, not secret). No network, no UI, no events: AccountManager announces changes.
 */
import type * as vscode from 'vscode';
import { parseCredentials, secretsOf, serializeCredentials, type Credentials } from '../../core/auth/credentials';
import { ReactionsError } from '../../core/errors';
import type { Account } from '../../core/model';
import type { OutputLogger } from '../outputLogger';

const ACCOUNTS_KEY = 'reactions.accounts';
/** The OAuth client id last used per community URL (public, not secret) and the last community URL. */
const OAUTH_CLIENTS_KEY = 'reactions.oauthClients';
const LAST_COMMUNITY_KEY = 'reactions.lastCommunity';

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

export class AccountRepository {
  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
    private readonly logger: OutputLogger,
    private readonly noAccountMessage: (id: string) => string,
  ) {}

  list(): Account[] {
    const raw = this.state.get<unknown[]>(ACCOUNTS_KEY, []);
    return Array.isArray(raw) ? raw.filter(isAccount).map(plainAccount) : [];
  }

  get(id: string): Account | undefined {
    return this.list().find((a) => a.id === id);
  }

  require(id: string): Account {
    const a = this.get(id);
    if (!a) throw new ReactionsError('invalid-input', this.noAccountMessage(id));
    return a;
  }

  /** What is stored for an account (no network); every secret in it is registered with the log's redaction. */
  async credentials(id: string): Promise<Credentials | undefined> {
    const c = parseCredentials(await this.secrets.get(id));
    for (const s of secretsOf(c)) this.logger.addSecret(s);
    return c;
  }

  /**
   * Stores a validated account: the token first (so a listed account always has one), then the data. If
   * the data cannot be written, the secret storage is put back the way it was: nothing half-stored.
   * Resolves with whether the account existed before.
   */
  async save(account: Account, credentials: Credentials): Promise<boolean> {
    const existed = !!this.get(account.id);
    const previousToken = existed ? await this.secrets.get(account.id) : undefined;
    for (const s of secretsOf(credentials)) this.logger.addSecret(s);
    await this.secrets.store(account.id, serializeCredentials(credentials));
    try {
      const others = this.list().filter((a) => a.id !== account.id);
      await this.state.update(ACCOUNTS_KEY, [...others, plainAccount(account)]);
    } catch (e) {
      if (previousToken) await this.secrets.store(account.id, previousToken);
      else await this.secrets.delete(account.id);
      throw e;
    }
    return existed;
  }

  /** Deletes an account's token(s) and its data. */
  async delete(id: string): Promise<void> {
    await this.secrets.delete(id);
    await this.state.update(
      ACCOUNTS_KEY,
      this.list().filter((a) => a.id !== id),
    );
  }

  /** The OAuth client id remembered for a community URL. */
  rememberedClientId(baseUrl: string): string | undefined {
    const map = this.state.get<Record<string, string>>(OAUTH_CLIENTS_KEY, {});
    return typeof map?.[baseUrl] === 'string' ? map[baseUrl] : undefined;
  }

  /** The community URL of the last browser sign-in ('' when none). */
  lastCommunity(): string {
    return this.state.get<string>(LAST_COMMUNITY_KEY, '');
  }

  /** Remembers the client id that worked for a community, and that community as the last one. */
  async rememberClient(baseUrl: string, clientId: string): Promise<void> {
    const clients = this.state.get<Record<string, string>>(OAUTH_CLIENTS_KEY, {});
    await this.state.update(OAUTH_CLIENTS_KEY, { ...clients, [baseUrl]: clientId });
    await this.state.update(LAST_COMMUNITY_KEY, baseUrl);
  }
}
