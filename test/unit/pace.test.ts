/**
 * What the pace learns from a Django REST throttle's Retry-After: the server's rate, per second or per
 * minute, whichever the Retry-After agrees with — so a run goes as fast as the server allows, and no
 * faster. A clock of our own: every request is started, answered and refused at a chosen time.
 */
import * as assert from 'assert';
import { Pace, type PaceTicket } from '../../src/core/http/pace';

function world() {
  let t = 1_000_000;
  const pace = new Pace({ backoffMs: 800 }, () => t);
  return {
    pace,
    at: (ms: number) => (t = ms),
    /** Starts `n` requests from `from`, `every` ms apart, each answered `rtt` ms later. */
    async send(n: number, from: number, every: number, rtt = 20): Promise<void> {
      for (let i = 0; i < n; i++) {
        t = from + i * every;
        const ticket = await pace.take();
        t += rtt;
        pace.settled(ticket);
      }
    },
    /** One more request, started at `ms` and refused 20 ms later with this Retry-After. */
    async refuse(ms: number, retryAfterMs: number): Promise<PaceTicket> {
      t = ms;
      const ticket = await pace.take();
      t = ms + 20;
      pace.refused(ticket, retryAfterMs);
      return ticket;
    },
  };
}

/** Whether one more request may start at once (the pace's clock stands still: a wait never ends). */
async function startsNow(pace: Pace): Promise<boolean> {
  const stop = new AbortController();
  const took = pace.take(stop.signal).then(
    (ticket) => (pace.settled(ticket), true),
    () => false,
  );
  const first = await Promise.race([took, new Promise<'waits'>((r) => setTimeout(() => r('waits'), 50))]);
  stop.abort();
  return first === true;
}

describe('pace: the rate a Django REST throttle teaches', () => {
  it('40 a second (a "40/s" throttle) is learned as 40 a second, not as the requests of a minute', async () => {
    const w = world();
    await w.send(3, 1_000_000, 30); // sign-in, a while before
    await w.send(40, 1_002_000, 5); // the first 40 of a listing within 200 ms
    // DRF: the oldest of its 40 leaves the window ~0.8 s from now: Retry-After 1 (rounded up)
    await w.refuse(1_002_200, 1000);
    assert.deepStrictEqual(w.pace.rateLimit, { requests: 40, windowMs: 1000 });
    // from then on 40 a second: once the pause is over, 40 go at once; a 41st waits for the next second
    await w.send(40, 1_003_300, 1);
    assert.strictEqual(await startsNow(w.pace), false, 'a 41st within the second waits');
    w.at(1_004_400);
    assert.strictEqual(await startsNow(w.pace), true, 'the next second it goes');
  });

  it('600 a minute (SelfCommunity as the issue measured it) is learned as 600 a minute', async () => {
    const w = world();
    await w.send(600, 1_000_000, 8); // 600 requests in 4.8 s
    // the oldest leaves the minute's window 55.2 s from now: Retry-After 56
    await w.refuse(1_004_800, 56_000);
    assert.deepStrictEqual(w.pace.rateLimit, { requests: 600, windowMs: 60_000 });
  });

  it('when both a second and a minute fit, the slower pace is kept', async () => {
    const w = world();
    // 300 requests spread over the last minute, then 100 in the last second: the oldest of the minute's
    // 400 and the oldest of the second's 100 both leave their window in ~0.1 s (Retry-After 1)
    await w.send(300, 1_000_000, 196);
    await w.send(100, 1_059_000, 9);
    await w.refuse(1_059_900, 1000);
    assert.deepStrictEqual(w.pace.rateLimit, { requests: 400, windowMs: 60_000 });
  });

  it('a Retry-After no window of ours agrees with (someone else shares the limit) teaches nothing, and is still waited for', async () => {
    const w = world();
    await w.send(50, 1_000_000, 20); // 50 requests in the last second; the server says 30 s
    await w.refuse(1_001_000, 30_000);
    assert.strictEqual(w.pace.rateLimit, undefined);
    w.at(1_001_020);
    assert.ok(w.pace.timeFor(1) >= 29_900, `the next request may start in ${w.pace.timeFor(1)} ms`);
  });

  it('a documented limit is kept as documented: a 429 then teaches nothing', async () => {
    let t = 1_000_000;
    const pace = new Pace({ backoffMs: 800, rateLimit: { requests: 5000, windowMs: 60_000 } }, () => t);
    for (let i = 0; i < 40; i++) pace.settled(await pace.take());
    const ticket = await pace.take();
    t += 20;
    pace.refused(ticket, 1000);
    assert.deepStrictEqual(pace.rateLimit, { requests: 5000, windowMs: 60_000 });
  });
});
