/**
 * How fast one client talks to one server: a bound on requests in flight, the account's pace (pace.ts:
 * the documented limit kept on our own, the server's Retry-After or a back-off after a refusal),
 * adaptive concurrency (halved on a 429, back one step per run of successes), and retries of READS:
 * after a refusal (429) always, once the pace allows; after another transient failure a few times,
 * with jittered exponential backoff.
 */
import { Semaphore, sleep } from '../async';
import { ReactionsError, isReactionsError } from '../errors';
import type { Logger } from '../log';
import { Pace, type PaceTicket, type RateLimit } from './pace';

export interface ThrottleOptions {
  maxConcurrency: number;
  retries: number;
  retryBaseMs: number;
  /** The service's documented limit, kept on our own (Tines); none: follow what the server says. */
  rateLimit?: RateLimit;
  /** The window assumed when learning a limit from Retry-After (default: the documented one, or 60 s). */
  rateWindowMs?: number;
  logger: Logger;
}

export class Throttle {
  private readonly limiter: Semaphore;
  /** When requests may start: one pace for every request of the client, reads and writes alike. */
  readonly pace: Pace;
  private successesSinceThrottle = 0;

  constructor(private readonly options: ThrottleOptions) {
    this.limiter = new Semaphore(options.maxConcurrency);
    this.pace = new Pace({
      rateLimit: options.rateLimit,
      rateWindowMs: options.rateWindowMs,
      backoffMs: options.retryBaseMs * 2,
    });
  }

  /**
   * Runs one request once a slot is free and the pace allows it (`ahead`: see Semaphore), and tells the
   * pace when it is answered or refused (429, or 503 with Retry-After).
   */
  run<T>(request: () => Promise<T>, signal?: AbortSignal, ahead = false): Promise<T> {
    return this.limiter.run(
      async () => {
        const ticket = await this.pace.take(signal);
        try {
          return await request();
        } catch (e) {
          if (isReactionsError(e) && e.refused) this.throttled(ticket, e.retryAfterMs);
          throw e;
        } finally {
          this.pace.settled(ticket);
        }
      },
      signal,
      ahead,
    );
  }

  /** The server refused a request: pause everyone, halve the requests in flight. */
  private throttled(ticket: PaceTicket, retryAfterMs: number | undefined): void {
    this.pace.refused(ticket, retryAfterMs);
    this.limiter.setLimit(Math.max(1, Math.floor(this.limiter.limit / 2)));
    this.successesSinceThrottle = 0;
  }

  /** A request succeeded: after a run of successes one more request may be in flight again. */
  succeeded(): void {
    this.pace.answered();
    const limit = this.limiter.limit;
    if (limit < this.options.maxConcurrency && ++this.successesSinceThrottle >= 2 * limit) {
      this.limiter.setLimit(limit + 1);
      this.successesSinceThrottle = 0;
    }
  }

  /**
   * Runs a READ, again after a transient failure (never a write: the caller decides what a failure means).
   * A refusal (429) is not a failure: the read is sent again when the pace allows, however long that is.
   */
  async withRetries<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let n = 0; ;) {
      try {
        return await attempt();
      } catch (e) {
        if (!(e instanceof ReactionsError) || !e.transient) throw e;
        if (e.refused) continue; // the pace holds the next attempt back as the server said
        if (n >= this.options.retries) throw e;
        let wait: number;
        if (e.retryAfterMs !== undefined) {
          wait = e.retryAfterMs;
        } else {
          const cap = this.options.retryBaseMs * 2 ** n;
          wait = cap / 2 + Math.random() * (cap / 2);
        }
        n++;
        this.options.logger.debug(`retrying in ${Math.round(wait)} ms after: ${e.message}`);
        await sleep(wait, signal);
      }
    }
  }
}
