/**
 * What is stored for an account (one secret per account) and the TokenSource that hands a client its
 * current access token: a pasted token as it is, or OAuth tokens renewed before they expire and after
 * a 401 — one renewal at a time per account (everyone else waits for it), the new access + refresh
 * pair stored as ONE value so they are replaced together. A renewal that fails for good is remembered,
 * so a dead refresh token is not sent again and again.
 *
 * The storage is abstract (VS Code's SecretStorage in the extension, a Map in tests).
 */
import { ReactionsError, isReactionsError } from '../errors';
import { silentLogger, type Logger } from '../log';
import type { TokenSet } from './oauth';

/** A token pasted by the user. */
export interface PastedCredentials {
  readonly type: 'token';
  readonly token: string;
}

/** Tokens from the OAuth sign-in, with what is needed to renew them. */
export interface OAuthCredentials extends TokenSet {
  readonly type: 'oauth';
  readonly clientId: string;
}

export type Credentials = PastedCredentials | OAuthCredentials;

/** The secret store of one machine: VS Code's SecretStorage or a Map in tests. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
}

/** Reads a stored secret: OAuth credentials are JSON; anything else is a pasted token (the older format). */
export function parseCredentials(raw: string | undefined): Credentials | undefined {
  const text = raw?.trim();
  if (!text) return undefined;
  if (text.startsWith('{')) {
    try {
      const o = JSON.parse(text) as Omit<Partial<OAuthCredentials>, 'type'> & { type?: string; token?: unknown };
      if (o.type === 'oauth' && typeof o.accessToken === 'string' && typeof o.clientId === 'string') {
        return {
          type: 'oauth',
          accessToken: o.accessToken,
          clientId: o.clientId,
          ...(typeof o.refreshToken === 'string' ? { refreshToken: o.refreshToken } : {}),
          ...(typeof o.expiresAt === 'number' ? { expiresAt: o.expiresAt } : {}),
          ...(typeof o.issuedAt === 'number' ? { issuedAt: o.issuedAt } : {}),
          ...(typeof o.scope === 'string' ? { scope: o.scope } : {}),
        };
      }
      if (o.type === 'token' && typeof o.token === 'string') return { type: 'token', token: o.token };
    } catch {
      // not JSON: a pasted token that happens to start with "{" is still a token
    }
  }
  return { type: 'token', token: text };
}

/** What goes into the secret store. A pasted token is stored as it is (readable by older versions). */
export function serializeCredentials(c: Credentials): string {
  if (c.type === 'token') return c.token;
  const { type, accessToken, refreshToken, expiresAt, issuedAt, scope, clientId } = c;
  return JSON.stringify({ type, accessToken, refreshToken, expiresAt, issuedAt, scope, clientId });
}

export function accessTokenOf(c: Credentials): string {
  return c.type === 'token' ? c.token : c.accessToken;
}

/** Every secret in a stored value (for redaction). */
export function secretsOf(c: Credentials | undefined): string[] {
  if (!c) return [];
  return c.type === 'token' ? [c.token] : [c.accessToken, ...(c.refreshToken ? [c.refreshToken] : [])];
}

/** Renew this long before expiry: a fifth of the token's lifetime, at most a minute. */
export function renewalMarginMs(c: OAuthCredentials): number {
  const lifetime = c.expiresAt !== undefined && c.issuedAt !== undefined ? c.expiresAt - c.issuedAt : undefined;
  return lifetime !== undefined && lifetime > 0 ? Math.min(60_000, lifetime / 5) : 60_000;
}

export interface TokenSourceOptions {
  /** Trades the refresh token for a new set (OAuthClient.refresh). */
  refresh(c: OAuthCredentials & { refreshToken: string }): Promise<TokenSet>;
  /** "alice @ community.example.com": used in messages. */
  label: string;
  now?: () => number;
  logger?: Logger;
  /** Told about every token this source handles (the UI's log redaction). */
  onSecret?: (secret: string) => void;
  /** Told after a renewal was stored. */
  onRenewed?: () => void;
}

export class TokenSource {
  private cached: Credentials | undefined;
  private renewing: Promise<Credentials> | undefined;
  /** A refresh token the server refused, and what it said: not sent again. */
  private dead: { refreshToken: string; error: ReactionsError } | undefined;
  private readonly now: () => number;
  private readonly logger: Logger;
  constructor(
    readonly key: string,
    private readonly store: SecretStore,
    private readonly options: TokenSourceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
  }

  /** The stored value changed elsewhere (another window, a sign-in): read it again next time. */
  invalidate(): void {
    this.cached = undefined;
  }

  async credentials(): Promise<Credentials | undefined> {
    if (!this.cached) {
      this.cached = parseCredentials(await this.store.get(this.key));
      this.announce(this.cached);
    }
    return this.cached;
  }

  /** The access token to send now; renews an OAuth token that is about to expire first. */
  async token(): Promise<string> {
    const c = await this.credentials();
    if (!c)
      throw new ReactionsError(
        'auth',
        `No token is stored for ${this.options.label}. Sign in again or update the token.`,
      );
    if (
      c.type === 'oauth' &&
      c.expiresAt !== undefined &&
      c.expiresAt - this.now() <= renewalMarginMs(c) &&
      c.refreshToken
    ) {
      return accessTokenOf(await this.renew(undefined));
    }
    return accessTokenOf(c);
  }

  /**
   * The server refused `rejected` (401). Resolves true when another token is ready (renewed now, or
   * already by a concurrent request or another window), false when there is none (pasted token);
   * throws the renewal's error (kind 'auth': "sign in again") when renewing failed for good.
   */
  async unauthorized(rejected: string): Promise<boolean> {
    const c = await this.credentials();
    if (c && accessTokenOf(c) !== rejected) return true; // renewed meanwhile
    // The renewal re-reads the store first: another window may have stored a new token already.
    return accessTokenOf(await this.renew(rejected)) !== rejected;
  }

  /** One renewal at a time: every caller waits for the one under way. */
  private renew(rejected: string | undefined): Promise<Credentials> {
    this.renewing ??= this.renewNow(rejected).finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  private async renewNow(rejected: string | undefined): Promise<Credentials> {
    // Another window shares the secret store and may have renewed already (refresh tokens rotate:
    // ours would then be spent), so always start from what is stored.
    this.invalidate();
    const latest = await this.credentials();
    if (!latest || latest.type !== 'oauth') {
      if (latest) return latest;
      throw new ReactionsError('auth', `No token is stored for ${this.options.label}. Sign in again.`);
    }
    const stale =
      rejected !== undefined
        ? latest.accessToken === rejected
        : latest.expiresAt !== undefined && latest.expiresAt - this.now() <= renewalMarginMs(latest);
    if (!stale) return latest;
    const refreshToken = latest.refreshToken;
    if (!refreshToken) {
      if (rejected === undefined) return latest; // nothing to renew with: use it until the server says no
      throw new ReactionsError(
        'auth',
        `Your sign-in to ${this.options.label} has expired and cannot be renewed. Sign in again.`,
      );
    }
    if (this.dead?.refreshToken === refreshToken) throw this.dead.error;

    this.logger.info(
      `renewing the access token of ${this.options.label}${rejected !== undefined ? ' (the server refused it)' : ' (it expires soon)'}`,
    );
    let set: TokenSet;
    try {
      // Not tied to one caller's cancellation: every waiting request depends on this renewal.
      set = await this.options.refresh({ ...latest, refreshToken });
    } catch (e) {
      if (isReactionsError(e, 'auth')) {
        // Lost a race with another window that renewed first? Its tokens are stored by now.
        this.invalidate();
        const again = await this.credentials();
        if (again?.type === 'oauth' && again.refreshToken !== refreshToken) return again;
        this.dead = { refreshToken, error: e };
        this.logger.warn(`could not renew the access token of ${this.options.label}: ${e.message}`);
      } else {
        this.logger.warn(
          `renewing the access token of ${this.options.label} failed for now: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      throw e;
    }
    const next: OAuthCredentials = {
      type: 'oauth',
      clientId: latest.clientId,
      accessToken: set.accessToken,
      // Without rotation the server keeps the old refresh token valid.
      refreshToken: set.refreshToken ?? refreshToken,
      ...(set.expiresAt !== undefined ? { expiresAt: set.expiresAt, issuedAt: set.issuedAt ?? this.now() } : {}),
      ...((set.scope ?? latest.scope) ? { scope: set.scope ?? latest.scope } : {}),
    };
    this.announce(next);
    await this.store.store(this.key, serializeCredentials(next));
    this.cached = next;
    this.logger.info(`renewed the access token of ${this.options.label}`);
    this.options.onRenewed?.();
    return next;
  }

  private announce(c: Credentials | undefined): void {
    for (const s of secretsOf(c)) this.options.onSecret?.(s);
  }
}
