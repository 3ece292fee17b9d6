/**
 * OAuth 2 against a SelfCommunity community (Django OAuth Toolkit endpoints under the community URL):
 * the authorization-code flow with `state` and PKCE (S256), code exchange, refresh (rotating refresh
 * tokens) and revocation. Public clients only: the extension cannot keep a client secret.
 *
 * Nothing here knows about VS Code: the UI opens the browser and hands the callback's query back.
 * Tokens never appear in a message or a log line; the token endpoint's body is never quoted.
 */
import { createHash, randomBytes } from 'crypto';
import { ReactionsError, isReactionsError } from '../errors';
import { HttpClient, normalizeBaseUrl, type HttpOptions } from '../http';

export const AUTHORIZE_PATH = '/oauth/authorize/';
export const TOKEN_PATH = '/oauth/token/';
export const REVOKE_PATH = '/oauth/revoke_token/';
/** Desktop sign-in's one-shot callback server (oauthLoopback.ts) listens here. */
export const LOOPBACK_HOST = '127.0.0.1';
export const LOOPBACK_PATH = '/oauth-callback';
/** What an admin registers for desktop VS Code: the port is left out (any port matches). */
export const LOOPBACK_REGISTERED_URI = `http://${LOOPBACK_HOST}${LOOPBACK_PATH}`;

/** What a token endpoint gave: kept together (one secret) so a refresh replaces both at once. */
export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Epoch ms when the access token stops working, when the server said (`expires_in`). */
  readonly expiresAt?: number;
  /** Epoch ms when it was issued (the renewal margin is a fraction of its lifetime). */
  readonly issuedAt?: number;
  readonly scope?: string;
}

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
  readonly method: 'S256';
}

/** A fresh PKCE pair (RFC 7636): 43 url-safe characters of randomness and their SHA-256. */
export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url'), method: 'S256' };
}

/** An unguessable `state` that ties the browser's answer to this sign-in. */
export function createState(): string {
  return randomBytes(24).toString('base64url');
}

export interface AuthorizeRequest {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly pkce?: Pkce;
  readonly scope?: string;
}

/** The browser address of the community's consent page. */
export function authorizeUrl(r: AuthorizeRequest): string {
  const url = new URL(normalizeBaseUrl(r.baseUrl) + AUTHORIZE_PATH);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', r.clientId);
  url.searchParams.set('redirect_uri', r.redirectUri);
  url.searchParams.set('state', r.state);
  if (r.scope) url.searchParams.set('scope', r.scope);
  if (r.pkce) {
    url.searchParams.set('code_challenge', r.pkce.challenge);
    url.searchParams.set('code_challenge_method', r.pkce.method);
  }
  return url.toString();
}

/** Checks a client id a person typed: the visible, non-secret id of the community's OAuth app. */
export function cleanClientId(raw: string | undefined): string {
  const id = (raw ?? '').trim();
  if (!id)
    throw new ReactionsError('invalid-input', 'Enter the OAuth client id your community admin gave you.', {
      field: 'clientId',
    });
  if (/\s/.test(id) || id.length > 200)
    throw new ReactionsError(
      'invalid-input',
      'The client id contains spaces or is too long; paste just the client id.',
      { field: 'clientId' },
    );
  return id;
}

/** What the browser brought back on the callback URI. */
export interface CallbackResult {
  readonly code?: string;
  readonly state?: string;
  readonly error?: string;
  readonly errorDescription?: string;
}

export function parseCallback(query: string): CallbackResult {
  const q = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const get = (k: string) => q.get(k) ?? undefined;
  return { code: get('code'), state: get('state'), error: get('error'), errorDescription: get('error_description') };
}

/** Throws 'unsafe' when a callback does not carry the `state` this sign-in sent. */
export function checkState(result: CallbackResult, expectedState: string): void {
  if (result.state !== expectedState) {
    throw new ReactionsError(
      'unsafe',
      'The browser answered a different sign-in (the "state" did not match), so it was ignored and nothing was stored. Start "Sign in to SelfCommunity" again.',
    );
  }
}

/**
 * The code of a callback that answers THIS sign-in, or a clear error: a state that does not match
 * (another sign-in, or a forged link) is refused before anything is sent anywhere.
 */
export function codeFromCallback(result: CallbackResult, expectedState: string, community: string): string {
  checkState(result, expectedState);
  if (result.error) {
    if (result.error === 'access_denied') {
      throw new ReactionsError('cancelled', `Access was denied on ${community}; nothing was stored.`);
    }
    const detail = result.errorDescription ? `: ${result.errorDescription.slice(0, 200)}` : '';
    throw new ReactionsError(
      'client',
      `${community} refused the sign-in (${result.error.slice(0, 60)}${detail}). Check the client id and the app's redirect URI with your community admin.`,
    );
  }
  if (!result.code)
    throw new ReactionsError(
      'bad-response',
      `${community} sent the browser back without an authorization code. Try again.`,
    );
  return result.code;
}

/** Whether an authorize error says the server does not take PKCE (then the flow is retried without). */
export function refusesPkce(result: CallbackResult): boolean {
  return result.error === 'invalid_request' && /code_challenge/i.test(result.errorDescription ?? '');
}

interface TokenResponse {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  token_type?: unknown;
  scope?: unknown;
}

/** Talks to one community's OAuth endpoints for one client id. */
export class OAuthClient {
  private readonly http: HttpClient;
  readonly baseUrl: string;
  readonly community: string;

  constructor(
    baseUrl: string,
    readonly clientId: string,
    options: Partial<HttpOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    // Token requests are never retried blindly: a code is single use and a refresh token rotates.
    this.http = new HttpClient(baseUrl, () => '', { ...options, retries: 0, onUnauthorized: undefined });
    this.baseUrl = this.http.baseUrl;
    this.community = new URL(this.baseUrl).host;
  }

  /** Exchanges an authorization code (with its PKCE verifier) for tokens. */
  exchangeCode(
    code: string,
    redirectUri: string,
    verifier: string | undefined,
    signal?: AbortSignal,
  ): Promise<TokenSet> {
    this.http.addSecret(code);
    this.http.addSecret(verifier);
    const form: Record<string, string> = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: this.clientId,
    };
    if (verifier) form.code_verifier = verifier;
    return this.tokenRequest(form, 'code', signal);
  }

  /** Trades a refresh token for a new pair (the old refresh token may stop working: rotation). */
  refresh(refreshToken: string, signal?: AbortSignal): Promise<TokenSet> {
    this.http.addSecret(refreshToken);
    return this.tokenRequest(
      { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: this.clientId },
      'refresh',
      signal,
    );
  }

  /** Revokes a token (RFC 7009). Best effort for the caller; throws what went wrong. */
  async revoke(token: string, hint: 'access_token' | 'refresh_token', signal?: AbortSignal): Promise<void> {
    this.http.addSecret(token);
    await this.http.post(REVOKE_PATH, {
      anonymous: true,
      form: { token, token_type_hint: hint, client_id: this.clientId },
      signal,
      sensitiveResponse: true,
    });
  }

  private async tokenRequest(
    form: Record<string, string>,
    what: 'code' | 'refresh',
    signal?: AbortSignal,
  ): Promise<TokenSet> {
    let body: TokenResponse | undefined;
    try {
      body = await this.http.post<TokenResponse>(TOKEN_PATH, {
        anonymous: true,
        form,
        signal,
        sensitiveResponse: true,
      });
    } catch (e) {
      throw this.explain(e, what);
    }
    const access = body?.access_token;
    if (typeof access !== 'string' || !access.trim() || /\s/.test(access.trim())) {
      throw new ReactionsError(
        'bad-response',
        `${this.community} answered the token request without an access token. Check the community URL, then try again.`,
      );
    }
    if (body?.token_type !== undefined && String(body.token_type).toLowerCase() !== 'bearer') {
      throw new ReactionsError(
        'bad-response',
        `${this.community} issued a "${String(body.token_type).slice(0, 20)}" token; only Bearer tokens are supported.`,
      );
    }
    const refresh =
      typeof body?.refresh_token === 'string' && body.refresh_token.trim() ? body.refresh_token.trim() : undefined;
    const seconds =
      typeof body?.expires_in === 'number'
        ? body.expires_in
        : typeof body?.expires_in === 'string'
          ? Number(body.expires_in)
          : NaN;
    this.http.addSecret(access.trim());
    this.http.addSecret(refresh);
    return {
      accessToken: access.trim(),
      ...(refresh ? { refreshToken: refresh } : {}),
      ...(Number.isFinite(seconds) && seconds > 0
        ? { expiresAt: this.now() + seconds * 1000, issuedAt: this.now() }
        : {}),
      ...(typeof body?.scope === 'string' ? { scope: body.scope } : {}),
    };
  }

  /** Turns an OAuth error answer into what a person can act on. */
  private explain(e: unknown, what: 'code' | 'refresh'): unknown {
    if (!isReactionsError(e)) return e;
    const code =
      oauthErrorCode(e.bodyExcerpt) ??
      (e.serverMessage && /^[a-z_]+$/.test(e.serverMessage) ? e.serverMessage : undefined);
    const details = { status: e.status, method: e.method, url: e.url, serverMessage: e.serverMessage };
    if (code === 'invalid_grant') {
      return what === 'refresh'
        ? new ReactionsError(
            'auth',
            `Your sign-in to ${this.community} has expired or was revoked and could not be renewed. Sign in again.`,
            details,
          )
        : new ReactionsError(
            'auth',
            `${this.community} did not accept the authorization (invalid_grant: the code expired or was already used). Start the sign-in again.`,
            details,
          );
    }
    if (code === 'invalid_client' || code === 'unauthorized_client') {
      return new ReactionsError(
        'invalid-input',
        `${this.community} does not accept the OAuth client id "${this.clientId}" (${code}). Check the client id with your community admin.`,
        { ...details, field: 'clientId' },
      );
    }
    if (code === 'unsupported_grant_type') {
      return new ReactionsError(
        'client',
        `The OAuth app on ${this.community} does not allow ${what === 'refresh' ? 'refresh tokens' : 'the authorization-code grant'}. Ask your community admin to enable "Authorization code" for it.`,
        details,
      );
    }
    if (e.kind === 'not-found') {
      return new ReactionsError(
        'not-found',
        `${this.community} has no OAuth token endpoint at ${TOKEN_PATH}. Check the community URL.`,
        { ...details, field: 'baseUrl' },
      );
    }
    return e;
  }
}

function oauthErrorCode(excerpt: string | undefined): string | undefined {
  if (!excerpt) return undefined;
  try {
    const o = JSON.parse(excerpt) as { error?: unknown };
    return typeof o.error === 'string' ? o.error : undefined;
  } catch {
    return /"error"\s*:\s*"([a-z_]+)"/.exec(excerpt)?.[1];
  }
}
