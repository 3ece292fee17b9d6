/**
 * What the HTTP client says when a request fails: the error kind of a status, a sentence for it, what a
 * person can do next, the server's own message pulled out of the many error shapes these APIs send, and
 * a sentence for a transport failure (refused, DNS, reset).
 */
import type { ErrorKind } from '../errors';

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

export function kindForStatus(status: number): ErrorKind {
  return STATUS_KIND[status] ?? (status >= 500 ? 'server' : 'client');
}

/** "The token was rejected (401 Unauthorized): …" — capitalised, without the next step. */
export function describeStatus(kind: ErrorKind, status: number): string {
  switch (kind) {
    case 'auth':
      return `The token was rejected (${status} Unauthorized): it may be wrong, expired or revoked`;
    case 'forbidden':
      return `Access denied (${status} Forbidden)`;
    case 'not-found':
      return status === 410 ? 'It is gone (410 Gone)' : 'Not found (404): it may have been deleted';
    case 'rate-limited':
      return 'Too many requests (429): the server asked us to slow down';
    case 'server':
      return `The server failed (${status})`;
    default:
      return `The server refused the request (${status})`;
  }
}

/** What a person can do about an error of this kind; every message the client builds ends with it. */
export function nextStep(kind: ErrorKind, retryAfterMs?: number): string {
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
    case 'too-large':
      return 'Raise "reactions.maxResponseMegabytes" if this site really sends that much.';
    default:
      return 'Check the log for details, then try again.';
  }
}

/** A failed connection in a few words ("Could not connect (connection refused)"). */
export function describeTransportFailure(e: unknown): string {
  const code = (e as { code?: string })?.code;
  if (code === 'ECONNREFUSED') return 'Could not connect (connection refused)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'Could not find the server (DNS lookup failed)';
  if (code === 'ECONNRESET' || /socket hang up|premature close/i.test(String((e as Error)?.message)))
    return 'The connection was reset before the server answered';
  return `Network error${code ? ` (${code})` : ''}`;
}

export function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
