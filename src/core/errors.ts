import type { Reaction } from './model';

/**
 * Typed errors. Every error the core throws is a ReactionsError with a `kind` the UI can act on
 * (re-auth on `auth`, wait on `rate-limited`, ...) and a message a person can read. Messages and
 * properties never contain a token: build them from `redact()`ed text only.
 */

export type ErrorKind =
  | 'auth' // 401: the token is wrong, expired or revoked
  | 'forbidden' // 403: the token works but may not do this
  | 'not-found' // 404 / 410: the item (or the endpoint) is gone
  | 'rate-limited' // 429
  | 'client' // other 4xx (400, 405, 422, ...)
  | 'server' // 5xx
  | 'network' // connection refused / reset / DNS
  | 'timeout' // no answer in time
  | 'bad-response' // malformed JSON or unexpected shape
  | 'cancelled' // the caller aborted
  | 'invalid-input' // a bad URL, empty token, ... caught before any request
  | 'unsafe' // refused for safety: cross-origin next/redirect, http to a non-loopback host
  | 'unknown-outcome' // a write whose result could not be learned (neither confirmed nor refuted)
  | 'conflict' // the server state is not what the operation expected
  | 'unproven-key' // nothing sent: the key is not yet shown to act as the account's user (Tines)
  | 'too-large'; // a response over the size cap, or a list over the listing's ceiling (pages, items)

/** An input a person typed (sign-in): the field a ReactionsError blames, so a flow returns to that step. */
export type InputField = 'baseUrl' | 'token' | 'email' | 'userId' | 'clientId';

export interface ErrorDetails {
  status?: number;
  method?: string;
  /** Origin + path of the request, never the query (it may carry ids only, but keep it short) */
  url?: string;
  /** Milliseconds to wait before trying again (429 / 503 with Retry-After). */
  retryAfterMs?: number;
  /** A short, redacted excerpt of the response body. */
  bodyExcerpt?: string;
  /** Message the server gave, redacted. */
  serverMessage?: string;
  /** Which typed input was wrong (sign-in errors). */
  field?: InputField;
  /** The web page where a person can do what was refused here ("Open in Browser"). */
  webUrl?: string;
  /** Reactions that are on the target now although the operation failed (a half-done change). */
  present?: readonly Reaction[];
  cause?: unknown;
}

/** Kinds after which the same request may well succeed if sent again. */
const TRANSIENT: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['server', 'network', 'timeout', 'rate-limited']);

export class ReactionsError extends Error {
  readonly kind: ErrorKind;
  readonly status?: number;
  readonly method?: string;
  readonly url?: string;
  readonly retryAfterMs?: number;
  readonly bodyExcerpt?: string;
  readonly serverMessage?: string;
  readonly field?: InputField;
  readonly webUrl?: string;
  readonly present?: readonly Reaction[];

  constructor(kind: ErrorKind, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'ReactionsError';
    this.kind = kind;
    // `cause` is deliberately not kept: underlying errors (e.g. from fetch) may echo headers.
    const { status, method, url, retryAfterMs, bodyExcerpt, serverMessage, field, webUrl, present } = details;
    Object.assign(this, { status, method, url, retryAfterMs, bodyExcerpt, serverMessage, field, webUrl, present });
  }

  /**
   * The one notion of "transient": the same request may well succeed if sent again (5xx, network,
   * timeout, 429). Reads are retried after these; writes never are (see `outcomeUnknown`).
   */
  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }

  /**
   * The server refused the request before acting on it and said to wait: a 429, or a 503 with
   * Retry-After. Sending it again after the wait is safe, even for a write (see safeWrite.ts).
   */
  get refused(): boolean {
    return this.kind === 'rate-limited' || (this.status === 503 && this.retryAfterMs !== undefined);
  }

  /**
   * For a WRITE: the request may have been acted on, but its answer was lost or unreadable, so only
   * reading the target again tells what happened. Every transient failure except a refusal (429, 503
   * with Retry-After: refused before it is acted on), plus a success whose body could not be read.
   */
  get outcomeUnknown(): boolean {
    return (this.transient && !this.refused) || this.kind === 'bad-response' || this.kind === 'too-large';
  }
}

export function isReactionsError(e: unknown, kind?: ErrorKind): e is ReactionsError {
  return e instanceof ReactionsError && (kind === undefined || e.kind === kind);
}

export function cancelled(): ReactionsError {
  return new ReactionsError('cancelled', 'The operation was cancelled.');
}

/**
 * Replaces every occurrence of the given secrets (and anything that looks like a bearer token in an
 * Authorization header) with `***`. Used on every message, log line and body excerpt.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('***');
  }
  return out
    .replace(/(authorization["']?\s*[:=]\s*["']?\s*(?:bearer|token)\s+)[^\s"',}]+/gi, '$1***')
    .replace(/(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, '$1***');
}
