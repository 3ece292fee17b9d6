/**
 * One account's pace: when its next request (read or write: they share it) may start.
 *
 * - A documented limit (Tines: 5,000 requests a minute per key) is kept on our own: a sliding window of
 *   the starts of our requests, so the server's limit is not learned from 429s.
 * - A server that refuses (429, or 503 with Retry-After) pauses every request of the account: until its
 *   Retry-After (seconds or an HTTP date), or — when it says nothing, as Tines — for a back-off that
 *   doubles with each refusal in a row, bounded by the window. With a Retry-After the server also tells
 *   its window is full: the requests we started within the last window are its limit, and we keep to it
 *   from then on (a Django REST throttle such as SelfCommunity's: 429s stay rare).
 * - Waiting never fails, however long; the caller's AbortSignal ends it. Whoever shows progress hears
 *   when a wait starts (`onWait`) and can ask how long the next requests will take (`timeFor`).
 *
 * The clock is injectable for tests; the sleeps are real.
 */
import { sleep } from '../async';

export interface RateLimit {
  /** Requests allowed per window. */
  readonly requests: number;
  readonly windowMs: number;
}

export interface PaceOptions {
  /** The documented limit, kept from the first request; none: only what the server says is followed. */
  rateLimit?: RateLimit;
  /** The window assumed when a Retry-After tells where it opens again (default: the documented one, or 60 s). */
  rateWindowMs?: number;
  /** The first back-off after a 429 without Retry-After (doubles with each one in a row). */
  backoffMs: number;
}

/** Waits shorter than this are not worth telling anyone about. */
const NOTICEABLE_MS = 1000;
const DEFAULT_WINDOW_MS = 60_000;
/** The fewest requests in a window that a Retry-After teaches as the server's limit. */
const LEARN_MIN = 100;

export class Pace {
  /** Start times of our accepted requests within the last window (oldest first, from `head`). */
  private starts: number[] = [];
  private head = 0;
  private limit: RateLimit | undefined;
  private readonly windowMs: number;
  private pausedUntil = 0;
  /** 429s without Retry-After in a row. */
  private backoffs = 0;
  /** When the wait that someone is sleeping through ends (0: nobody waits). */
  private waitEnds = 0;
  private readonly listeners = new Set<(untilMs: number) => void>();

  constructor(
    private readonly options: PaceOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.limit = options.rateLimit;
    this.windowMs = options.rateWindowMs ?? options.rateLimit?.windowMs ?? DEFAULT_WINDOW_MS;
  }

  /** The limit kept now: the documented one, or the one learned from the server's Retry-After. */
  get rateLimit(): RateLimit | undefined {
    return this.limit;
  }

  /** Called when a noticeable wait starts, with the time it ends. Returns the unsubscribe. */
  onWait(listener: (untilMs: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Milliseconds left of the wait in progress (0 when no request waits). */
  waitingMs(): number {
    return Math.max(0, this.waitEnds - this.now());
  }

  /** Waits until one more request may start, then counts it as started. */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      const wait = Math.max(this.pausedUntil - now, this.windowWait(now));
      if (wait <= 0) {
        this.starts.push(now);
        return;
      }
      const ends = now + wait;
      if (wait >= NOTICEABLE_MS && ends > this.waitEnds + NOTICEABLE_MS / 2) {
        this.waitEnds = ends;
        for (const l of this.listeners) l(ends);
      } else {
        this.waitEnds = Math.max(this.waitEnds, ends);
      }
      await sleep(wait, signal);
    }
  }

  /**
   * The server refused a request (429, or 503 with Retry-After): it was not counted there, so it is not
   * counted here; everyone pauses as the server says, or backs off when it says nothing.
   */
  refused(retryAfterMs: number | undefined): void {
    const now = this.now();
    this.starts.pop();
    if (retryAfterMs !== undefined) {
      this.backoffs = 0;
      this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
      this.learn(now + retryAfterMs, now);
      return;
    }
    // Requests already on their way when the first refusal came are refused too: they do not make the
    // back-off longer (only a refusal of a request sent after the pause ended is one more in a row).
    if (now < this.pausedUntil) return;
    const bound = this.limit?.windowMs ?? this.windowMs;
    const wait = Math.min(bound, this.options.backoffMs * 2 ** this.backoffs++);
    this.pausedUntil = now + wait;
  }

  /** A request was answered: the next refusal without Retry-After starts the back-off over. */
  answered(): void {
    this.backoffs = 0;
  }

  /** The earliest the last of `requests` more requests may start, in ms from now (pauses and window). */
  timeFor(requests: number): number {
    const now = this.now();
    const paused = Math.max(0, this.pausedUntil - now, this.waitingMs());
    const limit = this.limit;
    if (!limit || requests <= 0) return paused;
    this.prune(now);
    const used = this.starts.length - this.head;
    const windows = Math.floor((used + requests - 1) / limit.requests);
    if (windows === 0) return paused;
    const oldest = used > 0 ? this.starts[this.head] : now;
    return Math.max(paused, windows * limit.windowMs - (now - oldest));
  }

  /** How long until the window has room for one more start (0: now). */
  private windowWait(now: number): number {
    const limit = this.limit;
    if (!limit) {
      this.prune(now);
      return 0;
    }
    this.prune(now);
    const used = this.starts.length - this.head;
    if (used < limit.requests) return 0;
    // the start that must leave the window first, plus a margin for the way there (arrivals, not starts, count)
    const leaving = this.starts[this.starts.length - limit.requests];
    return leaving + limit.windowMs + margin(limit.windowMs) - now;
  }

  /**
   * A refusal with Retry-After means the server's window is full: the requests we started within the
   * last window are its limit (counting back from now, not from the Retry-After, which is rounded up to
   * whole seconds). Keep to that many from now on. Not with a documented limit (it is kept already: a
   * 429 then is someone else's share), nor from a Retry-After longer than the window or fewer than
   * LEARN_MIN requests in it: that is no full window of the size we assume, only its pause is kept.
   */
  private learn(reopens: number, now: number): void {
    if (this.options.rateLimit) return;
    const filled = this.countSince(now - this.windowMs);
    if (filled < LEARN_MIN || reopens - now > this.windowMs) return;
    this.limit = { requests: filled, windowMs: this.windowMs };
  }

  private countSince(t: number): number {
    let n = 0;
    for (let i = this.starts.length - 1; i >= this.head && this.starts[i] > t; i--) n++;
    return n;
  }

  /** Forgets starts older than the window (and compacts the array now and then). */
  private prune(now: number): void {
    const window = Math.max(this.windowMs, this.limit?.windowMs ?? 0) + margin(this.windowMs);
    while (this.head < this.starts.length && this.starts[this.head] <= now - window) this.head++;
    if (this.head > 1024 && this.head * 2 > this.starts.length) {
      this.starts = this.starts.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * Kept beyond the window: 2% of it (at least 250 ms), for requests that arrive later than they start
 * (a busy machine delays some more than others; a 429 without Retry-After costs far more than this).
 */
function margin(windowMs: number): number {
  return Math.max(250, windowMs / 50);
}
