/**
 * The one HTTP client both services use (node-fetch). It owns: timeouts and cancellation, typed errors,
 * the token on every request (renewed once after a 401), same-origin-only redirects, and redaction of
 * the token everywhere. Pacing and retries are in `throttle.ts`, where a request may go in `address.ts`,
 * what a failure says in `messages.ts`, reading a body in `body.ts`, parsing it in `../json.ts`.
 */
import type { RequestInit, Response } from 'node-fetch';
import { onceUntilFailure } from '../async';
import { ReactionsError, cancelled, redact, type ErrorDetails, type ErrorKind } from '../errors';
import type { Logger } from '../log';
import { Origin, type Query } from './address';
import { Agents, keepsAlive } from './agents';
import { discard, readBytes, textOf } from './body';
import { isBlank, parseJson, parseJsonBytes, type OnRun } from '../json';
import {
  describeStatus,
  describeTransportFailure,
  duration,
  kindForStatus,
  nextStep,
  parseRetryAfter,
  serverMessage,
} from './messages';
import { defaultHttpOptions, type HttpOptions } from './options';
import type { Pace } from './pace';
import { Throttle } from './throttle';

export { defaultHttpOptions, type HttpOptions } from './options';
export type { Query } from './address';

export interface RequestOptions {
  query?: Query;
  /** A JSON body (POST). */
  json?: unknown;
  /** A form-encoded body (OAuth). */
  form?: Record<string, string>;
  signal?: AbortSignal;
  /**
   * Cancels the request only while it waits for its turn (a slot, the pace): a write is never cut off
   * once sent, but a cancel must not have to sit out a rate-limit wait.
   */
  queueSignal?: AbortSignal;
  /** Send no Authorization header (public endpoints). */
  anonymous?: boolean;
  /** The answer carries secrets (a token endpoint): never quote its body in a message. */
  sensitiveResponse?: boolean;
  /**
   * The answer guards a write (the state read before or after a vote): ask every cache on the way for a
   * fresh copy (`Cache-Control: no-cache`).
   */
  fresh?: boolean;
  /**
   * A read that opens more work (the next page of a list whose items have lists of their own): it goes
   * before the reads already waiting, while few wait (Semaphore.AHEAD_BACKLOG).
   */
  ahead?: boolean;
  /**
   * Told a large answer's list (an array member of the top-level object) run by run while it is parsed,
   * before `get` resolves with the whole (see json.ts).
   */
  onRun?: OnRun;
  /** Internal: this is the one resend after a 401 and a token refresh. */
  afterRefresh?: boolean;
}

/**
 * node-fetch, loaded by the first request (a chunk of its own): activation, which sends none, does not
 * parse it. A failed load fails that request as a network failure; the next one tries again.
 */
const loadFetch = onceUntilFailure(async () => (await import('node-fetch')).default);

/** One request on its way: what its log lines and error messages name. */
interface Exchange {
  readonly method: string;
  readonly url: URL;
  readonly started: number;
}

/** One HTTP client per account (or per sign-in attempt). */
export class HttpClient {
  readonly baseUrl: string;
  readonly origin: string;
  readonly options: HttpOptions;
  /** Requests sent so far: a refresh budgets against what a full listing cost. */
  sent = 0;
  private readonly address: Origin;
  private readonly throttle: Throttle;
  private readonly secrets = new Set<string>();
  private readonly agents: Agents;

  constructor(
    baseUrl: string,
    private readonly getToken: () => Promise<string> | string,
    options: Partial<HttpOptions> = {},
  ) {
    this.address = new Origin(baseUrl);
    this.baseUrl = this.address.baseUrl;
    this.origin = this.address.origin;
    this.options = { ...defaultHttpOptions, ...stripUndefined(options) };
    this.throttle = new Throttle(this.options);
    this.agents = new Agents(this.options.maxConcurrency);
  }

  /** The account's pace (shared by reads and writes): its waits, the time the next requests take. */
  get pace(): Pace {
    return this.throttle.pace;
  }

  /** Closes this client's connections (idle ones never keep the process alive, but need not wait). */
  dispose(): void {
    this.agents.destroy();
  }

  get logger(): Logger {
    return this.options.logger;
  }

  /** Resolves a path (relative to the base URL, path prefix included) or an absolute same-origin URL. */
  resolve(pathOrUrl: string, query?: Query): URL {
    return this.address.resolve(pathOrUrl, query);
  }

  /** A link a server sent (`next`), resolved against the base URL and refused when it leaves the origin. */
  link(href: string, what: string): URL {
    return this.address.link(href, what);
  }

  /** GET with retries for transient failures. */
  async get<T>(pathOrUrl: string, options: RequestOptions = {}): Promise<T> {
    return this.throttle.withRetries(() => this.send<T>('GET', pathOrUrl, options), options.signal);
  }

  /**
   * POST, never retried: the caller decides what a failure means (for a toggling vote a retry could
   * undo what the first attempt did). Errors with `outcomeUnknown` leave the outcome unknown.
   */
  async post<T>(pathOrUrl: string, options: RequestOptions = {}): Promise<T> {
    return this.send<T>('POST', pathOrUrl, options);
  }

  /** Registers a secret (an OAuth code, verifier or token sent in a body) for redaction. */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  /** Removes every token this client has used from a text. */
  redact(text: string): string {
    return redact(text, this.secrets);
  }

  private async send<T>(method: string, pathOrUrl: string, options: RequestOptions): Promise<T> {
    const url = this.resolve(pathOrUrl, options.query);
    return this.throttle.run(
      () => this.sendOnce<T>(method, url, options, 0),
      options.signal ?? options.queueSignal,
      options.ahead,
    );
  }

  private async sendOnce<T>(method: string, url: URL, options: RequestOptions, redirects: number): Promise<T> {
    if (options.signal?.aborted) throw cancelled();
    // The token first: getting it may mean renewing it, which must not eat into this request's timeout.
    const token = options.anonymous ? undefined : await this.token(options.signal);
    this.sent++;
    const x: Exchange = { method, url, started: Date.now() };
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const stopWatching = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const transportFailure = (e: unknown) => this.transportError(x, e, timedOut, options.signal);

    try {
      let res: Response;
      try {
        const init = this.requestInit(method, options, token);
        const fetch = await loadFetch();
        res = await fetch(url.toString(), { ...init, agent: this.agents.for(method, url), signal: controller.signal });
      } catch (e) {
        throw transportFailure(e);
      }
      const status = res.status;

      if (status >= 300 && status < 400 && res.headers.get('location')) {
        const target = this.redirectTarget(x, res, redirects);
        stopWatching();
        return this.sendOnce<T>(method, target, { ...options, query: undefined }, redirects + 1);
      }

      let body: Buffer;
      try {
        body = await readBytes(res, this.options.maxResponseBytes);
      } catch (e) {
        if (e instanceof ReactionsError && e.kind === 'too-large')
          throw this.fail(x, 'too-large', e.message, { status });
        throw transportFailure(e);
      }

      if (status === 401 && token && !options.afterRefresh && this.options.onUnauthorized) {
        this.logger.info(`${display(x)} → 401 (${Date.now() - x.started} ms); renewing the token`);
        stopWatching();
        if (await this.options.onUnauthorized(token, options.signal)) {
          return this.sendOnce<T>(method, url, { ...options, query: undefined, afterRefresh: true }, redirects);
        }
      }
      if (status < 200 || status >= 300) throw this.statusError(x, res, textOf(body));

      this.logger.info(`${display(x)} → ${status} (${Date.now() - x.started} ms)`);
      this.throttle.succeeded();
      return await this.parseSuccess<T>(x, status, body, options);
    } finally {
      stopWatching();
    }
  }

  private async token(signal?: AbortSignal): Promise<string> {
    const token = (await this.getToken()).trim();
    if (!token) throw new ReactionsError('auth', 'No token is stored for this account. Update the token.');
    this.secrets.add(token);
    if (signal?.aborted) throw cancelled();
    return token;
  }

  private requestInit(method: string, options: RequestOptions, token: string | undefined): RequestInit {
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
    // Said explicitly: VS Code's proxy support wraps each request in an agent of its own that asks
    // for `Connection: close`, which would end every pooled connection after one answer.
    if (keepsAlive(method)) headers.Connection = 'keep-alive';
    if (options.fresh) headers['Cache-Control'] = 'no-cache';
    return { method, headers, body, redirect: 'manual' };
  }

  /** Where a redirect may be followed: GETs only, at most 5 in a row, never to another origin. */
  private redirectTarget(x: Exchange, res: Response, redirects: number): URL {
    const status = res.status;
    const target = new URL(res.headers.get('location')!, x.url);
    discard(res);
    if (target.origin !== this.origin) {
      throw this.fail(
        x,
        'unsafe',
        `Refused a redirect to another site (${target.origin}); the token is only sent to ${this.origin}. ${nextStep('unsafe')}`,
        { status },
      );
    }
    if (x.method !== 'GET' || redirects >= 5) {
      const what = x.method !== 'GET' ? `Unexpected redirect (${status}) for a write` : 'Too many redirects';
      throw this.fail(x, 'client', `${what}. ${nextStep('client')}`, { status });
    }
    this.logger.debug(`${display(x)} → ${status} redirect to ${target.pathname}`);
    return target;
  }

  /** A non-2xx answer as a typed error (a refusal, 429 or 503 with Retry-After, pauses the whole client: throttle.ts). */
  private statusError(x: Exchange, res: Response, text: string): ReactionsError {
    const status = res.status;
    const kind = kindForStatus(status);
    // an HTML error page (proxies, frameworks) says nothing the status does not: do not quote it
    const msg = serverMessage(parseJson(text) ?? (/^\s*</.test(text) ? undefined : text.slice(0, 300)));
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    const quoted = msg ? ` — server says: "${this.redact(msg).slice(0, 200)}"` : '';
    return this.fail(x, kind, `${describeStatus(kind, status)}${quoted}. ${nextStep(kind, retryAfterMs)}`, {
      status,
      retryAfterMs,
      bodyExcerpt: this.redact(text.slice(0, 200)),
      serverMessage: msg ? this.redact(msg) : undefined,
    });
  }

  private async parseSuccess<T>(x: Exchange, status: number, body: Buffer, options: RequestOptions): Promise<T> {
    if (status === 204 || isBlank(body)) return undefined as T;
    const parsed = await parseJsonBytes(body, options.onRun);
    if (parsed !== undefined) return parsed as T;
    const text = textOf(body, 1024);
    const problem = 'The server sent a response that is not valid JSON';
    if (options.sensitiveResponse)
      throw this.fail(x, 'bad-response', `${problem}. ${nextStep('bad-response')}`, { status });
    const quoted = `${this.redact(text.slice(0, 80))}${text.length > 80 ? '…' : ''}`;
    throw this.fail(x, 'bad-response', `${problem}: "${quoted}". ${nextStep('bad-response')}`, {
      status,
      bodyExcerpt: this.redact(text.slice(0, 200)),
    });
  }

  private transportError(x: Exchange, e: unknown, timedOut: boolean, signal: AbortSignal | undefined): ReactionsError {
    if (e instanceof ReactionsError) return e;
    if (signal?.aborted && !timedOut) return cancelled();
    if (timedOut)
      return this.fail(x, 'timeout', `No answer within ${duration(this.options.timeoutMs)}. ${nextStep('timeout')}`);
    return this.fail(x, 'network', `${describeTransportFailure(e)}. ${nextStep('network')}`);
  }

  /** The error of a failed request: redacted, naming the request, logged once. */
  private fail(x: Exchange, kind: ErrorKind, message: string, extra: ErrorDetails = {}): ReactionsError {
    const where = x.url.origin + x.url.pathname;
    const full = this.redact(`${message} (${x.method} ${where})`);
    this.logger.warn(`${display(x)} → ${extra.status ?? kind} (${Date.now() - x.started} ms): ${this.redact(message)}`);
    return new ReactionsError(kind, full, { method: x.method, url: where, ...extra });
  }
}

function display(x: Exchange): string {
  return `${x.method} ${x.url.pathname}${x.url.search}`;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
