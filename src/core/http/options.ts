/** What an HTTP client is configured with, and the defaults the extension runs with. */
import { silentLogger, type Logger } from '../log';
import { DEFAULT_MAX_RESPONSE_BYTES } from './body';
import type { RateLimit } from './pace';

export interface HttpOptions {
  /** Per-request timeout (including reading the body). */
  timeoutMs: number;
  /** Requests in flight at once for this client. */
  maxConcurrency: number;
  /** Extra attempts for reads after a transient failure (5xx, network, timeout, 429). */
  retries: number;
  /** First backoff step; doubles each attempt, with full jitter. */
  retryBaseMs: number;
  /**
   * The service's documented rate limit, kept on our own for every request of the account (Tines:
   * 5,000 a minute per key). None: the client follows the server's Retry-After and learns from it.
   */
  rateLimit?: RateLimit;
  /** The window assumed when a Retry-After teaches the limit (default: rateLimit's, or 60 s). */
  rateWindowMs?: number;
  /**
   * After a write whose answer was lost, how long the next write on the same target waits before it
   * reads (the lost one may still land: a toggle sent twice undoes itself).
   */
  writeSettleMs: number;
  /** The largest response body read (bytes); a larger one fails with `too-large` before it is all in memory. */
  maxResponseBytes: number;
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
  maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
  writeSettleMs: 10_000,
  logger: silentLogger,
  userAgent: 'reactions-vscode',
};
