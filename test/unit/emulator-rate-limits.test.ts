/**
 * The emulator's SelfCommunity rate limit answers as Django REST Framework 3.14 does (the real one is
 * run in test/dot/throttle.test.ts): Retry-After in whole seconds rounded up, "1 second." singular, and
 * one window per user (UserRateThrottle keys by user: a second token of the same user shares it).
 */
import * as assert from 'assert';
import { signInWithBrowser, useEmulator } from '../support';

describe('emulator: SelfCommunity rate limits as Django REST Framework', function () {
  const emu = useEmulator({ seed: 7 });
  afterEach(() => emu().setRateLimits(undefined));

  const me = (token: string) =>
    fetch(`${emu().selfcommunityUrl}/api/v2/user/me/`, { headers: { Authorization: `Bearer ${token}` } });

  async function refusedAfter(requests: number, windowMs: number) {
    const token = emu().users[0].scToken;
    emu().setRateLimits({ selfcommunity: { requests, windowMs } });
    for (let i = 0; i < requests; i++) assert.strictEqual((await me(token)).status, 200);
    const res = await me(token);
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
  }

  it('over the limit: 429, Retry-After in whole seconds rounded up, and DRF’s text (plural)', async () => {
    assert.deepStrictEqual(await refusedAfter(2, 1500), {
      status: 429,
      retryAfter: '2',
      body: { detail: 'Request was throttled. Expected available in 2 seconds.' },
    });
  });

  it('a wait of one second or less says "1 second." as DRF does', async () => {
    assert.deepStrictEqual(await refusedAfter(2, 600), {
      status: 429,
      retryAfter: '1',
      body: { detail: 'Request was throttled. Expected available in 1 second.' },
    });
  });

  it('one window per user: another token of the same user is refused too, another user is not', async () => {
    const e = emu();
    const second = (await signInWithBrowser(e, 'alice')).tokens.accessToken;
    assert.notStrictEqual(second, e.users[0].scToken);
    const bob = e.users.find((u) => u.name === 'bob')!.scToken;
    e.setRateLimits({ selfcommunity: { requests: 3, windowMs: 10_000 } });
    for (let i = 0; i < 3; i++) assert.strictEqual((await me(e.users[0].scToken)).status, 200);
    assert.strictEqual((await me(second)).status, 429, 'alice’s other token shares her window');
    assert.strictEqual((await me(bob)).status, 200, 'bob has his own');
  });
});
