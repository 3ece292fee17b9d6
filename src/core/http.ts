/**
 * The one HTTP client both services use (node-fetch). It owns: timeouts and cancellation, typed
 * errors, retries with jittered backoff for reads only, Retry-After, a bound on requests in flight,
 * same-origin-only redirects and pagination links, and redaction of the token everywhere.
 */
import fetch, { type RequestInit, type Response } from 'node-fetch';
import { ReactionsError, cancelled, redact, type ErrorKind } from './errors';
import { Semaphore, sleep } from './async';
import { silentLogger, type Logger } from './log';

export interface HttpOptions {
  /** Per-request timeout (including reading the body). */
  timeoutMs: number;
  /** Requests in flight at once for this client. */
  maxConcurrency: number;
  /** Extra attempts for reads after a transient failure (5xx, network, timeout, 429). */
  retries: number;
  /** First backoff step; doubles each attempt, with full jitter. */
  retryBaseMs: number;
  /** Longest Retry-After we are willing to sleep for; longer ones fail with 'rate-limited'. */
  maxRetryAfterMs: number;
  logger: Logger;
  userAgent: string;
  /**
   * Called when the server answers 401 to a request that carried `rejectedToken`. Resolves true when a
   * fresh token is now available (the request is then sent once more with it), false to fail with the
   * 401. Resending is safe even for a vote POST: a 401 is answered before the request is acted on.
   */
  onUnauthorized?: (rejectedToken: string, signal?: AbortSignal) => Promise<boolean>;
}

export const defaultHttpOptions: HttpOptions = {
  timeoutMs: 20_000,
  maxConcurrency: 8,
  retries: 3,
  retryBaseMs: 400,
  maxRetryAfterMs: 60_000,
  logger: silentLogger,
  userAgent: 'reactions-vscode',
};

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface RequestOptions {
  query?: Query;
  /** A JSON body (POST). */
  json?: unknown;
  /** A form-encoded body (OAuth). */
  form?: Record<string, string>;
  signal?: AbortSignal;
  /** Send no Authorization header (public endpoints). */
  anonymous?: boolean;
  /** The answer carries secrets (a token endpoint): never quote its body in a message. */
  sensitiveResponse?: boolean;
  /** Internal: this is the one resend after a 401 and a token refresh. */
  afterRefresh?: boolean;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

const URL_FIELD = { field: 'baseUrl' } as const;

/**
 * Validates and normalises a base URL a person typed: https (http only for loopback hosts), no
 * credentials, query or fragment; keeps a path prefix; strips trailing slashes. A bare host name is
 * taken as https.
 */
export function normalizeBaseUrl(raw: string): string {
  const text = (raw ?? '').trim();
  if (!text)
    throw new ReactionsError(
      'invalid-input',
      'Enter the URL of the site, e.g. https://community.example.com.',
      URL_FIELD,
    );
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    // Never echo what was typed: it may be a token pasted into the wrong box.
    throw new ReactionsError(
      'invalid-input',
      'That is not a valid URL: enter the site address, e.g. https://community.example.com.',
      URL_FIELD,
    );
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new ReactionsError('invalid-input', 'Only https:// URLs are supported.', URL_FIELD);
  }
  if (u.username || u.password) {
    throw new ReactionsError(
      'unsafe',
      "The URL must not contain a user name or password. Enter the token separately; it is kept in VS Code's secret storage.",
      URL_FIELD,
    );
  }
  if (u.search || u.hash) {
    throw new ReactionsError(
      'invalid-input',
      'The URL must not contain a query (?…) or fragment (#…). Enter just the site address.',
      URL_FIELD,
    );
  }
  if (!u.hostname) throw new ReactionsError('invalid-input', 'The URL has no host name.', URL_FIELD);
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    throw new ReactionsError(
      'unsafe',
      'Refusing a plain http:// address: tokens are only sent over https (plain http is allowed for localhost only).',
      URL_FIELD,
    );
  }
  const path = u.pathname.replace(/\/+$/, '').replace(/\/api\/v[12]$/, '');
  return `${u.protocol}//${u.host}${path}`;
}

/** Trims a pasted token and refuses an empty one or one with spaces inside (a pasted sentence, two tokens). */
export function cleanToken(raw: string | undefined, noun: 'access token' | 'API key'): string {
  const token = (raw ?? '').trim();
  if (!token) throw new ReactionsError('invalid-input', `Enter an ${noun}.`, { field: 'token' });
  if (/\s/.test(token))
    throw new ReactionsError(
      'invalid-input',
      `The ${noun} contains spaces; paste just the ${noun === 'API key' ? 'key' : 'token'}.`,
      { field: 'token' },
    );
  return token;
}

/** Parses Retry-After (delta seconds or an HTTP date) into milliseconds from now. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(parseFloat(v) * 1000);
  const date = Date.parse(v);
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return undefined;
}

/** Pulls a human message out of the error bodies these APIs send (they vary a lot). */
export function serverMessage(body: unknown): string | undefined {
  if (body == null) return undefined;
  if (typeof body === 'string') return body.trim() || undefined;
  if (Array.isArray(body)) {
    const parts = body.map((x) => serverMessage(x)).filter((x): x is string => !!x);
    return parts.length ? parts.join('; ') : undefined;
  }
  if (typeof body === 'object') {
    const o = body as Record<string, unknown>;
    if (o.errors !== undefined) return serverMessage(o.errors);
    for (const key of ['message', 'error', 'detail', 'error_description', 'messages']) {
      const m = serverMessage(o[key]);
      if (m) {
        const field = typeof o.field === 'string' && o.field !== 'non_field_errors' ? `${o.field}: ` : '';
        return field + m;
      }
    }
  }
  return undefined;
}

const STATUS_KIND: Record<number, ErrorKind> = {
  401: 'auth',
  403: 'forbidden',
  404: 'not-found',
  410: 'not-found',
  429: 'rate-limited',
};

function kindForStatus(status: number): ErrorKind {
  return STATUS_KIND[status] ?? (status >= 500 ? 'server' : 'client');
}

function describeStatus(kind: ErrorKind, status: number): string {
  switch (kind) {
    case 'auth':
      return `the token was rejected (${status} Unauthorized): it may be wrong, expired or revoked`;
    case 'forbidden':
      return `access denied (${status} Forbidden)`;
    case 'not-found':
      return status === 410 ? 'it is gone (410 Gone)' : 'not found (404): it may have been deleted';
    case 'rate-limited':
      return 'too many requests (429): the server asked us to slow down';
    case 'server':
      return `the server failed (${status})`;
    default:
      return `the server refused the request (${status})`;
  }
}

/** What a person can do about an error of this kind; every message the client builds ends with it. */
function nextStep(kind: ErrorKind, retryAfterMs?: number): string {
  switch (kind) {
    case 'auth':
      return 'Update the token of this account.';
    case 'forbidden':
      return 'Check that this account is allowed to do this.';
    case 'not-found':
      return 'Refresh to see what is still there.';
    case 'rate-limited':
      return retryAfterMs !== undefined
        ? `Try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.`
        : 'Wait a moment and try again.';
    case 'server':
      return 'Try again later.';
    case 'timeout':
      return 'The server may be slow or unreachable; try again later.';
    case 'network':
      return 'Check the network connection and try again.';
    case 'bad-response':
      return 'Check that the account URL points to the service, then try again.';
    case 'unsafe':
      return 'Check the account URL.';
    default:
      return 'Check the log for details, then try again.';
  }
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

export interface PageInfo<T> {
  items: T[];
  /** Absolute URL of the next page (already checked to be on the same origin), if any. */
  next?: string;
  /** Total number of items, when the server says. */
  total?: number;
}

/** One HTTP client per account (or per sign-in attempt). */
export class HttpClient {
  readonly baseUrl: string;
  readonly origin: string;
  readonly options: HttpOptions;
  private readonly limiter: Semaphore;
  /** Requests wait until this time after a 429 (the whole client slows down, not one request). */
  private pausedUntil = 0;
  private successesSinceThrottle = 0;
  /** Requests sent so far (a refresh budgets against what a full listing cost). */
  sent = 0;
  private readonly secrets = new Set<string>();

  constructor(
    baseUrl: string,
    private readonly getToken: () => Promise<string> | string,
    options: Partial<HttpOptions> = {},
  ) {
    this.baseUrl = normalizeBaseUrl(baseUrl);
    this.origin = new URL(this.baseUrl).origin;
    this.options = { ...defaultHttpOptions, ...stripUndefined(options) };
    this.limiter = new Semaphore(this.options.maxConcurrency);
  }

  get logger(): Logger {
    return this.options.logger;
  }

  get concurrency(): Semaphore {
    return this.limiter;
  }

  /** Resolves a path (relative to the base URL, path prefix included) or an absolute same-origin URL. */
  resolve(pathOrUrl: string, query?: Query): URL {
    let url: URL;
    if (/^https?:\/\//i.test(pathOrUrl)) {
      url = new URL(pathOrUrl);
      this.assertSameOrigin(url, 'link');
    } else {
      url = new URL(this.baseUrl + (pathOrUrl.startsWith('/') ? pathOrUrl : `/${pathOrUrl}`));
    }
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    }
    return url;
  }

  assertSameOrigin(url: URL, what: string): void {
    if (url.origin !== this.origin) {
      throw new ReactionsError(
        'unsafe',
        `Refused to follow a ${what} to another site (${url.origin}); the token is only sent to ${this.origin}. ${nextStep('unsafe')}`,
        { url: url.origin },
      );
    }
  }

  /** GET with retries for transient failures. */
  async get<T>(pathOrUrl: string, options: RequestOptions = {}): Promise<T> {
    return this.withRetries(() => this.send<T>('GET', pathOrUrl, options), options.signal);
  }

  /**
   * POST, never retried: the caller decides what a failure means (for a toggling vote a retry could
   * undo what the first attempt did). Errors of kind timeout/network/server/bad-response leave the
   * outcome unknown.
   */
  async post<T>(pathOrUrl: string, options: RequestOptions = {}): Promise<T> {
    return this.send<T>('POST', pathOrUrl, options);
  }

  private async withRetries<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (e) {
        if (!(e instanceof ReactionsError) || !e.transient || n >= this.options.retries) throw e;
        // A server that asks for a longer pause than we are willing to sleep: report it, do not wait.
        if (e.retryAfterMs !== undefined && e.retryAfterMs > this.options.maxRetryAfterMs) throw e;
        let wait: number;
        if (e.retryAfterMs !== undefined) {
          wait = e.retryAfterMs;
        } else {
          const cap = this.options.retryBaseMs * 2 ** n;
          wait = cap / 2 + Math.random() * (cap / 2);
        }
        this.logger.debug(`retrying in ${Math.round(wait)} ms after: ${e.message}`);
        await sleep(wait, signal);
      }
    }
  }

  private async send<T>(method: string, pathOrUrl: string, options: RequestOptions, redirects = 0): Promise<T> {
    const url = this.resolve(pathOrUrl, options.query);
    return this.limiter.run(async () => {
      await this.waitForPause(options.signal);
      return this.sendOnce<T>(method, url, options, redirects);
    }, options.signal);
  }

  /**
   * After a 429 every request of this client waits out the server's Retry-After. A pause longer than
   * we are willing to sleep fails at once (with when to try again) instead of resuming early.
   */
  private async waitForPause(signal?: AbortSignal): Promise<void> {
    const wait = this.pausedUntil - Date.now();
    if (wait > this.options.maxRetryAfterMs) {
      const seconds = Math.ceil(wait / 1000);
      throw new ReactionsError(
        'rate-limited',
        `The server asked us to pause (429 Too Many Requests). Try again in ${seconds} s.`,
        { retryAfterMs: wait },
      );
    }
    if (wait > 0) await sleep(wait, signal);
  }

  private async sendOnce<T>(method: string, url: URL, options: RequestOptions, redirects: number): Promise<T> {
    if (options.signal?.aborted) throw cancelled();
    // The token first: getting it may mean renewing it, which must not eat into this request's timeout.
    let token: string | undefined;
    if (!options.anonymous) {
      token = (await this.getToken()).trim();
      if (!token) throw new ReactionsError('auth', 'No token is stored for this account. Update the token.');
      this.secrets.add(token);
      if (options.signal?.aborted) throw cancelled();
    }
    this.sent++;
    const display = `${method} ${url.pathname}${url.search}`;
    const started = Date.now();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.options.userAgent };
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    if (token) headers.Authorization = `Bearer ${token}`;
    const fail = (
      kind: ErrorKind,
      message: string,
      extra: Partial<ConstructorParameters<typeof ReactionsError>[2]> = {},
    ): ReactionsError => {
      const full = this.redact(`${message} (${method} ${url.origin}${url.pathname})`);
      this.logger.warn(`${display} → ${extra?.status ?? kind} (${Date.now() - started} ms): ${this.redact(message)}`);
      return new ReactionsError(kind, full, { method, url: url.origin + url.pathname, ...extra });
    };

    try {
      let res: Response;
      try {
        res = await fetch(url.toString(), {
          method,
          headers,
          body,
          redirect: 'manual',
          signal: controller.signal,
        } as RequestInit);
      } catch (e) {
        throw this.transportError(e, timedOut, options.signal, fail);
      }
      const status = res.status;

      if (status >= 300 && status < 400 && res.headers.get('location')) {
        const target = new URL(res.headers.get('location')!, url);
        res.body?.resume?.();
        if (target.origin !== this.origin) {
          throw fail(
            'unsafe',
            `Refused a redirect to another site (${target.origin}); the token is only sent to ${this.origin}. ${nextStep('unsafe')}`,
            { status },
          );
        }
        if (method !== 'GET' || redirects >= 5) {
          throw fail(
            'client',
            `${method !== 'GET' ? `Unexpected redirect (${status}) for a write` : 'Too many redirects'}. ${nextStep('client')}`,
            { status },
          );
        }
        this.logger.debug(`${display} → ${status} redirect to ${target.pathname}`);
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        return this.sendOnce<T>(method, target, { ...options, query: undefined }, redirects + 1);
      }

      let text: string;
      try {
        text = await res.text();
      } catch (e) {
        throw this.transportError(e, timedOut, options.signal, fail);
      }
      const ms = Date.now() - started;

      if (status === 401 && token && !options.afterRefresh && this.options.onUnauthorized) {
        this.logger.info(`${display} → 401 (${ms} ms); renewing the token`);
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (await this.options.onUnauthorized(token, options.signal)) {
          return this.sendOnce<T>(method, url, { ...options, query: undefined, afterRefresh: true }, redirects);
        }
      }

      if (status < 200 || status >= 300) {
        const kind = kindForStatus(status);
        const parsed = tryParse(text);
        // an HTML error page (proxies, frameworks) says nothing the status does not: do not quote it
        const msg = serverMessage(parsed ?? (/^\s*</.test(text) ? undefined : text.slice(0, 300)));
        const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
        if (status === 429 || (status === 503 && retryAfterMs !== undefined)) {
          const wait = retryAfterMs ?? this.options.retryBaseMs * 2;
          this.pausedUntil = Math.max(this.pausedUntil, Date.now() + wait);
          // Adaptive concurrency: halve the requests in flight, recover one step per run of successes.
          this.limiter.setLimit(Math.max(1, Math.floor(this.limiter.limit / 2)));
          this.successesSinceThrottle = 0;
        }
        const tooLong = retryAfterMs !== undefined && retryAfterMs > this.options.maxRetryAfterMs;
        const excerpt = this.redact(text.slice(0, 200));
        throw fail(
          kind,
          `${capitalise(describeStatus(kind, status))}${msg ? ` — server says: "${this.redact(msg).slice(0, 200)}"` : ''}. ${nextStep(kind, tooLong ? retryAfterMs : undefined)}`,
          { status, retryAfterMs, bodyExcerpt: excerpt, serverMessage: msg ? this.redact(msg) : undefined },
        );
      }

      this.logger.info(`${display} → ${status} (${ms} ms)`);
      if (this.limiter.limit < this.options.maxConcurrency && ++this.successesSinceThrottle >= 2 * this.limiter.limit) {
        this.limiter.setLimit(this.limiter.limit + 1);
        this.successesSinceThrottle = 0;
      }
      if (status === 204 || text.trim() === '') return undefined as T;
      const parsed = tryParse(text);
      if (parsed === undefined) {
        if (options.sensitiveResponse)
          throw fail('bad-response', `The server sent a response that is not valid JSON. ${nextStep('bad-response')}`, {
            status,
          });
        throw fail(
          'bad-response',
          `The server sent a response that is not valid JSON: "${this.redact(text.slice(0, 80))}${text.length > 80 ? '…' : ''}". ${nextStep('bad-response')}`,
          {
            status,
            bodyExcerpt: this.redact(text.slice(0, 200)),
          },
        );
      }
      return parsed as T;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private transportError(
    e: unknown,
    timedOut: boolean,
    signal: AbortSignal | undefined,
    fail: (k: ErrorKind, m: string) => ReactionsError,
  ): ReactionsError {
    if (e instanceof ReactionsError) return e;
    if (signal?.aborted && !timedOut) return cancelled();
    if (timedOut)
      return fail('timeout', `No answer within ${duration(this.options.timeoutMs)}. ${nextStep('timeout')}`);
    const code = (e as { code?: string })?.code;
    const what =
      code === 'ECONNREFUSED'
        ? 'Could not connect (connection refused)'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'Could not find the server (DNS lookup failed)'
          : code === 'ECONNRESET' || /socket hang up|premature close/i.test(String((e as Error)?.message))
            ? 'The connection was reset before the server answered'
            : `Network error${code ? ` (${code})` : ''}`;
    return fail('network', `${what}. ${nextStep('network')}`);
  }

  /** Registers a secret (an OAuth code, verifier or token sent in a body) for redaction. */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  /** Removes every token this client has used from a text. */
  redact(text: string): string {
    return redact(text, this.secrets);
  }

  /** Reads one page of a `{count, next, results}` (SelfCommunity) list. */
  async getOffsetPage<T>(pathOrUrl: string, query: Query | undefined, signal?: AbortSignal): Promise<PageInfo<T>> {
    const body = await this.get<{ count?: number; next?: string | null; results?: T[] }>(pathOrUrl, { query, signal });
    if (!body || !Array.isArray(body.results)) {
      throw new ReactionsError(
        'bad-response',
        `Unexpected list response from ${this.resolve(pathOrUrl).pathname}: no "results" array.`,
      );
    }
    let next: string | undefined;
    if (body.next) {
      const u = new URL(body.next, this.baseUrl);
      this.assertSameOrigin(u, '"next" link');
      next = u.toString();
    }
    return { items: body.results, next, total: typeof body.count === 'number' ? body.count : undefined };
  }
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
