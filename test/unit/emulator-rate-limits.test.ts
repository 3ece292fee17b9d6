/**
 * The emulator's rate limits are the servers' own: SelfCommunity's is Django REST Framework's
 * SimpleRateThrottle (UserRateThrottle: per user, a sliding window of the times of the requests it let
 * through, refused before the view runs, `Retry-After` = ceil of the time until the oldest leaves the
 * window), Tines' a bare 429 per key. A client tested against a kinder limiter would fail on the real one.
 */
import * as assert from 'assert';
import { RateLimits } from '../emulator/rateLimits';
import { call, signInWithBrowser, useEmulator } from '../support';

const SC = { requests: 3, windowMs: 60_000 };

describe('emulator rate limits: as Django REST Framework and Tines enforce them', () => {
  it('SelfCommunity: the window slides over the requests let through; a refusal says when, rounded up, and is not counted', () => {
    const limits = new RateLimits({ selfcommunity: SC });
    const alice = { token: 'sc-a', user: 'alice' };
    const at = (ms: number) => limits.check('selfcommunity', alice, '/api/v2/status/', ms);
    assert.strictEqual(at(0), undefined);
    assert.strictEqual(at(10_000), undefined);
    assert.strictEqual(at(20_000), undefined);
    const full = at(30_600);
    assert.strictEqual(full?.status, 429);
    // the oldest (0) leaves at 60,000: 29.4 s from now, rounded UP as DRF's math.ceil
    assert.strictEqual(full?.headers?.['retry-after'], '30');
    assert.deepStrictEqual(full?.json, { detail: 'Request was throttled. Expected available in 30 seconds.' });
    const last = at(59_999);
    assert.strictEqual(last?.headers?.['retry-after'], '1', 'a millisecond left is a whole second');
    assert.deepStrictEqual(last?.json, { detail: 'Request was throttled. Expected available in 1 second.' });
    // the refusals were not counted: at 60,000 the oldest is out (DRF drops a time <= now - duration)
    assert.strictEqual(at(60_000), undefined, 'allowed once the oldest request left the window');
    assert.strictEqual(at(60_001)?.headers?.['retry-after'], '10', 'the next oldest (10,000) leaves at 70,000');
    assert.deepStrictEqual(
      [limits.stats.selfcommunity.accepted, limits.stats.selfcommunity.throttled],
      [4, 3],
      'accepted and refused counted apart',
    );
  });

  it('SelfCommunity counts per user (two tokens of one user share a window); Tines per key, with a bare 429', () => {
    const limits = new RateLimits({ selfcommunity: SC, tines: SC });
    for (const token of ['sc-a', 'sc-b', 'sc-a'])
      assert.strictEqual(limits.check('selfcommunity', { token, user: 'alice' }, '/api/v2/status/', 0), undefined);
    assert.strictEqual(limits.check('selfcommunity', { token: 'sc-c', user: 'alice' }, '/x', 1)?.status, 429);
    assert.strictEqual(limits.check('selfcommunity', { token: 'sc-d', user: 'bob' }, '/x', 1), undefined, 'bob');
    assert.strictEqual(limits.check('selfcommunity', { token: 'sc-c', user: 'alice' }, '/oauth/token/', 1), undefined);
    for (let i = 0; i < 3; i++)
      assert.strictEqual(limits.check('tines', { token: 'k1', user: 'alice' }, '/x', 0), undefined);
    assert.strictEqual(limits.check('tines', { token: 'k2', user: 'alice' }, '/x', 0), undefined, 'another key');
    const refused = limits.check('tines', { token: 'k1', user: 'alice' }, '/x', 1);
    assert.strictEqual(refused?.status, 429);
    assert.strictEqual(refused?.headers?.['retry-after'], undefined, 'Tines sends no Retry-After');
  });

  describe('over HTTP', function () {
    this.timeout(20_000);
    const emu = useEmulator({ seed: 31, sc: { statuses: 10, discussions: 0, posts: 0, commentsPerItem: 0 } });
    afterEach(() => {
      emu().setRateLimits(undefined);
      emu().resetRateStats();
    });

    it('a vote POST over the limit is refused before it is handled: the vote is not toggled, nothing applied', async () => {
      const e = emu();
      const alice = e.users.find((u) => u.name === 'alice')!;
      const sc = (path: string, token: string, method = 'GET') =>
        call(`${e.selfcommunityUrl}${path}`, { token, method });
      // a second token of the same user (OAuth) shares its window
      const { tokens } = await signInWithBrowser(e, 'alice');
      e.setRateLimits({ selfcommunity: { requests: 2, windowMs: 60_000 } });
      const votes = e.sc.votesOf('alice').length;
      assert.strictEqual((await sc('/api/v2/status/1/', alice.scToken)).status, 200);
      assert.strictEqual((await sc('/api/v2/status/2/', tokens.accessToken)).status, 200);
      const refused = await sc('/api/v2/status/3/vote/', alice.scToken, 'POST');
      assert.strictEqual(refused.status, 429);
      assert.ok(['59', '60'].includes(refused.headers.get('retry-after') ?? ''), 'Retry-After in whole seconds');
      assert.strictEqual(e.sc.votesOf('alice').length, votes, 'the vote was not toggled');
      assert.strictEqual(e.rateStats().selfcommunity.appliedWrites.length, 0);
      assert.strictEqual(e.rateStats().selfcommunity.throttled, 1);
    });

    it('a request held in the queue (queuedMs) is counted when the limit sees it, not when it was sent', async () => {
      const e = emu();
      const alice = e.users.find((u) => u.name === 'alice')!;
      const get = () => call(`${e.selfcommunityUrl}/api/v2/status/1/`, { token: alice.scToken });
      e.setRateLimits({ selfcommunity: { requests: 1, windowMs: 800 } });
      e.fault({ path: '/api/v2/status/1/', queuedMs: 500, times: 1 });
      const sent = Date.now();
      assert.strictEqual((await get()).status, 200);
      await new Promise((r) => setTimeout(r, Math.max(0, sent + 900 - Date.now())));
      // sent 900 ms ago, but counted 500 ms after: still in the 800 ms window
      assert.strictEqual((await get()).status, 429);
      await new Promise((r) => setTimeout(r, Math.max(0, sent + 1400 - Date.now())));
      assert.strictEqual((await get()).status, 200, 'out of the window 800 ms after it was counted');
    });
  });
});
