/**
 * One account's pace: when its next request (read or write: they share it) may start.
 *
 * - A documented limit (Tines: 5,000 requests a minute per key) is kept on our own: a sliding window of
 *   our requests, so the server's limit is not learned from 429s. A server counts a request when it
 *   arrives, somewhere between the moment we start it and the moment its answer is back: a request leaves
 *   our window one window after its ANSWER came (exact however late the server counts it; up to 100 ms
 *   kept for a server's clocks), and the next one then may start.
 * - A server that refuses (429, or 503 with Retry-After) pauses every request of the account: until its
 *   Retry-After (seconds or an HTTP date), or — when it says nothing, as Tines — for a back-off that
 *   doubles with each refusal in a row, bounded by the window. With a Retry-After the server also tells
 *   its window is full: the requests we sent within that window (a second or a minute, whichever the
 *   Retry-After agrees with: `learn`) are its limit, and we keep to it from then on (a Django REST
 *   throttle such as SelfCommunity's: 429s stay rare). A refused request was
 *   not counted there, so it is not counted here.
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
  /**
   * The server's window, when known: a Retry-After is read against it only (default: a second or a
   * minute, whichever it agrees with; tests and the bench scale it).
   */
  rateWindowMs?: number;
  /** The first back-off after a 429 without Retry-After (doubles with each one in a row). */
  backoffMs: number;
}

/** One request the pace let start: when, and when its answer (or failure) came back. */
export interface PaceTicket {
  readonly start: number;
  /** Unset while the request is on its way. */
  end?: number;
}

/** Waits shorter than this are not worth telling anyone about. */
const NOTICEABLE_MS = 1000;
const DEFAULT_WINDOW_MS = 60_000;
/** The fewest requests in a window that a Retry-After teaches as the server's limit. */
const LEARN_MIN = 10;
/** The windows a Retry-After is read against when none is given: Django REST's per second and per minute. */
const LEARNABLE_WINDOWS_MS = [1_000, 60_000];
/** How far from the Retry-After a window's prediction may be and still fit (arrival and clock jitter). */
const FIT_TOLERANCE_MS = 250;
/** How often a full window is looked at again while the request that must leave it has no answer yet. */
const IN_FLIGHT_POLL_MS = 25;

export class Pace {
  /** Our requests the server may still count in its window (oldest first, from `head`); refused ones leave. */
  private sent: PaceTicket[] = [];
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

  /**
   * Waits until one more request may start, then counts it: the caller tells when it is answered
   * (`settled`) or refused (`refused`) with the ticket returned.
   */
  async take(signal?: AbortSignal): Promise<PaceTicket> {
    for (;;) {
      const now = this.now();
      const wait = Math.max(this.pausedUntil - now, this.windowWait(now));
      if (wait <= 0) {
        const ticket: PaceTicket = { start: now };
        this.sent.push(ticket);
        return ticket;
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

  /** The request's answer came back, or it failed without one: the server has counted it by now, if ever. */
  settled(ticket: PaceTicket): void {
    ticket.end ??= this.now();
  }

  /**
   * The server refused a request (429, or 503 with Retry-After): it was not counted there, so it is not
   * counted here; everyone pauses as the server says, or backs off when it says nothing.
   */
  refused(ticket: PaceTicket, retryAfterMs: number | undefined): void {
    const now = this.now();
    this.settled(ticket);
    const at = this.sent.lastIndexOf(ticket);
    if (at >= this.head) this.sent.splice(at, 1);
    if (retryAfterMs !== undefined) {
      this.backoffs = 0;
      this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
      this.learn(retryAfterMs, ticket.start, now);
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
    const used = this.sent.length - this.head;
    const windows = Math.floor((used + requests - 1) / limit.requests);
    if (windows === 0) return paused;
    const oldest = used > 0 ? (this.sent[this.head].end ?? now) : now;
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
    const used = this.sent.length - this.head;
    if (used < limit.requests) return 0;
    // The request that must leave the server's window first. It arrived there before its answer came
    // back: one window after that answer it is out, whenever it arrived. No answer yet: look again soon.
    const leaving = this.sent[this.sent.length - limit.requests];
    if (leaving.end === undefined) return IN_FLIGHT_POLL_MS;
    return leaving.end + limit.windowMs + skew(limit.windowMs) - now;
  }

  /**
   * A refusal with Retry-After means the server's window is full: the requests we sent within it are its
   * limit; keep to that many from now on. Which window: the one the Retry-After agrees with. A Django
   * REST throttle (SelfCommunity's) says when its window has room again — when the oldest request it
   * counts leaves it, rounded up to whole seconds — and its rates are per second or per minute (or hour,
   * day: too long to learn; only their pause is kept). So a window W fits when our oldest request within
   * the last W would leave it about when the server says; of the windows that fit, the slowest pace is
   * kept. (Read against a minute only, a limit of 40 a second was learned as 119 a minute: 20 times too
   * slow.) Nothing is learned with a documented limit (it is kept already: a 429 then is someone else's
   * share), from fewer than LEARN_MIN requests, or when no window fits (another client shares the limit).
   */
  private learn(retryAfterMs: number, refusedSent: number, now: number): void {
    if (this.options.rateLimit) return;
    let best: RateLimit | undefined;
    for (const windowMs of this.options.rateWindowMs ? [this.options.rateWindowMs] : LEARNABLE_WINDOWS_MS) {
      const inWindow = this.sentSince(now - windowMs);
      if (inWindow.length < LEARN_MIN) continue;
      // when the oldest would leave the server's window, as the server saw it when it refused (between
      // the refused request's start and now): it arrived between its own start and its answer
      const oldest = inWindow[0];
      const earliest = oldest.start + windowMs - now;
      const latest = (oldest.end ?? now) + windowMs - refusedSent;
      // the server rounds up to whole seconds (an HTTP date: to the second too)
      if (latest < retryAfterMs - 1000 - FIT_TOLERANCE_MS || earliest > retryAfterMs + FIT_TOLERANCE_MS) continue;
      const limit = { requests: inWindow.length, windowMs };
      if (!best || limit.requests / windowMs < best.requests / best.windowMs) best = limit;
    }
    if (best) this.limit = best;
  }

  /** Our requests (not refused) started after `t`, oldest first. */
  private sentSince(t: number): PaceTicket[] {
    let i = this.sent.length;
    while (i > this.head && this.sent[i - 1].start > t) i--;
    return this.sent.slice(i);
  }

  /** Forgets requests answered more than a window ago (and compacts the array now and then). */
  private prune(now: number): void {
    const window = Math.max(this.windowMs, this.limit?.windowMs ?? 0);
    const before = now - window - skew(window);
    while (this.head < this.sent.length && (this.sent[this.head].end ?? Infinity) <= before) this.head++;
    if (this.head > 1024 && this.head * 2 > this.sent.length) {
      this.sent = this.sent.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * Kept beyond the window, for a server whose machines' clocks differ a little (one counts the request,
 * another refuses the next): 1% of the window, at most 100 ms.
 */
function skew(windowMs: number): number {
  return Math.min(100, windowMs / 100);
}
