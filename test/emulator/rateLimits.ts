/**
 * Rate limits as real servers enforce them: a sliding window of the times of the requests allowed. Over
 * the limit a request is refused before it is handled (nothing is applied) and not counted in the window:
 *
 * - SelfCommunity is Django REST Framework: its SimpleRateThrottle (UserRateThrottle) keeps per USER the
 *   times of the requests it let through; one older than the window is dropped (`<= now - duration`);
 *   with as many as the limit left, the request is refused, before the view runs, with `429`,
 *   `Retry-After: <whole seconds>` (`math.ceil` of the time until the oldest leaves the window) and
 *   `{"detail": "Request was throttled. Expected available in N seconds."}` ("1 second." for one);
 * - Tines (its documentation: 5,000 requests a minute per (IP, key)): per key, `429` with no Retry-After.
 *
 * Requests without a token (or with one nobody owns) count per server under one key; OAuth endpoints
 * are not limited. Counters let tests assert on what the server saw: requests allowed and refused, and
 * every write applied.
 */
import type { Reply } from './server';
import type { AppliedWrite, RateLimitOptions, RateLimitStats } from './types';

type Limited = 'selfcommunity' | 'tines';

export class RateLimits {
  private specs: RateLimitOptions = {};
  /** Accepted request times per server and key, oldest first. */
  private readonly windows = new Map<string, number[]>();
  readonly stats: Record<Limited, RateLimitStats> = { selfcommunity: fresh(), tines: fresh() };

  constructor(specs?: RateLimitOptions) {
    this.set(specs);
  }

  get current(): RateLimitOptions {
    return { ...this.specs };
  }

  set(specs: RateLimitOptions | undefined): void {
    this.specs = { ...specs };
    this.windows.clear();
  }

  resetStats(): void {
    for (const s of Object.values(this.stats)) Object.assign(s, fresh());
  }

  /**
   * A refusal reply when the caller (SelfCommunity: its user; Tines: its key) is over the server's limit
   * now; otherwise counts the request and allows it.
   */
  check(server: string, who: { token?: string; user?: string }, path: string, now = Date.now()): Reply | undefined {
    if (server !== 'selfcommunity' && server !== 'tines') return undefined;
    const spec = this.specs[server];
    if (!spec || path.includes('/oauth/')) return undefined;
    const key = server === 'selfcommunity' && who.user ? `user ${who.user}` : `token ${who.token ?? ''}`;
    const id = `${server} ${key}`;
    let times = this.windows.get(id);
    if (!times) this.windows.set(id, (times = []));
    let drop = 0;
    while (drop < times.length && times[drop] <= now - spec.windowMs) drop++;
    if (drop) times.splice(0, drop);
    if (times.length < spec.requests) {
      times.push(now);
      this.stats[server].accepted++;
      return undefined;
    }
    this.stats[server].throttled++;
    return refusal(server, times[0] + spec.windowMs - now);
  }

  /** A write the app handled with a 2xx answer: applied. */
  applied(server: string, write: AppliedWrite): void {
    if (server !== 'selfcommunity' && server !== 'tines') return;
    this.stats[server].appliedWrites.push(write);
  }
}

function fresh(): RateLimitStats {
  return { accepted: 0, throttled: 0, appliedWrites: [] };
}

function refusal(server: Limited, waitMs: number): Reply {
  if (server === 'tines') return { status: 429, json: { error: 'Too many requests' } };
  return selfCommunityRefusal(waitMs);
}

/**
 * Django REST Framework's answer when its throttle refuses (3.14: `Throttled`; the real one is run in
 * test/dot/throttle.test.ts, which compares its bodies with this): the wait rounded up to whole seconds,
 * singular for one.
 */
export function selfCommunityRefusal(waitMs: number): Reply & { json: { detail: string } } {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return {
    status: 429,
    headers: { 'retry-after': String(seconds) },
    json: { detail: `Request was throttled. Expected available in ${seconds} second${seconds === 1 ? '' : 's'}.` },
  };
}
