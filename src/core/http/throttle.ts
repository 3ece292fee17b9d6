/**
 * How fast one client talks to one server: a bound on requests in flight, a pause for every request
 * after a 429 (the server's Retry-After), adaptive concurrency (halved on a 429, back one step per run
 * of successes), and retries of READS after a transient failure with jittered exponential backoff.
 */
import { Semaphore, sleep } from '../async';
import { ReactionsError } from '../errors';
import type { Logger } from '../log';

export interface ThrottleOptions {
  maxConcurrency: number;
  retries: number;
  retryBaseMs: number;
  maxRetryAfterMs: number;
  logger: Logger;
}

export class Throttle {
  private readonly limiter: Semaphore;
  /** Requests wait until this time after a 429 (the whole client slows down, not one request). */
  private pausedUntil = 0;
  private successesSinceThrottle = 0;

  constructor(private readonly options: ThrottleOptions) {
    this.limiter = new Semaphore(options.maxConcurrency);
  }

  /** Runs one request once a slot is free and any pause the server asked for is over (`ahead`: see Semaphore). */
  run<T>(request: () => Promise<T>, signal?: AbortSignal, ahead = false): Promise<T> {
    return this.limiter.run(
      async () => {
        await this.waitForPause(signal);
        return request();
      },
      signal,
      ahead,
    );
  }

  /** The server asked us to slow down (429, or 503 with Retry-After): pause everyone, halve the requests in flight. */
  throttled(retryAfterMs: number | undefined): void {
    const wait = retryAfterMs ?? this.options.retryBaseMs * 2;
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + wait);
    this.limiter.setLimit(Math.max(1, Math.floor(this.limiter.limit / 2)));
    this.successesSinceThrottle = 0;
  }

  /** A request succeeded: after a run of successes one more request may be in flight again. */
  succeeded(): void {
    const limit = this.limiter.limit;
    if (limit < this.options.maxConcurrency && ++this.successesSinceThrottle >= 2 * limit) {
      this.limiter.setLimit(limit + 1);
      this.successesSinceThrottle = 0;
    }
  }

  /** Runs a READ, again after a transient failure (never a write: the caller decides what a failure means). */
  async withRetries<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
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
        this.options.logger.debug(`retrying in ${Math.round(wait)} ms after: ${e.message}`);
        await sleep(wait, signal);
      }
    }
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
}
