import * as assert from 'assert';
import { HttpClient } from '../../src/core/http';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import { MemoryLogger } from '../../src/core/log';
import type { Emulator } from '../emulator';
import { assertNoToken, collect, fastOptions, rejectsKind, requestsTo, useEmulator } from '../support';

const ME = '/api/v2/user/me/';

describe('HTTP client against the emulator', () => {
  const emu = useEmulator({ seed: 9, sc: { statuses: 30, discussions: 3, posts: 3, commentsPerItem: 0 } });
  let logger: MemoryLogger;
  let token: string;

  const client = (extra: Parameters<typeof fastOptions>[1] = {}) =>
    new HttpClient(emu().selfcommunityUrl, () => token, fastOptions(logger, extra));
  const meCalls = (e: Emulator) => requestsTo(e, 'GET', /\/api\/v2\/user\/me\/$/);

  beforeEach(() => {
    logger = new MemoryLogger();
    token = emu().users[0].scToken;
    emu().clearLog();
  });

  afterEach(() => {
    // nothing a test did may have put a token in the log
    assertNoToken(emu(), logger.lines.join('\n'));
  });

  it('sends the bearer token and Accept: application/json, and logs method, path, status and time', async () => {
    const me = await client().get<{ id: number }>(ME);
    assert.strictEqual(me.id, emu().users[0].scUserId);
    const req = meCalls(emu())[0];
    assert.strictEqual(req.headers.authorization, `Bearer ${token}`);
    assert.match(req.headers.accept, /application\/json/);
    assert.ok(
      logger.lines.some((l) => /GET \/api\/v2\/user\/me\/ → 200 \(\d+ ms\)/.test(l)),
      logger.lines.join('\n'),
    );
  });

  it('401: auth error, not retried, no token in message', async () => {
    token = 'wrong-token-123456';
    const e = await rejectsKind(() => client().get(ME), 'auth');
    assert.strictEqual(e.status, 401);
    assert.match(e.message, /rejected/);
    assert.strictEqual(meCalls(emu()).length, 1);
    assert.ok(!e.message.includes(token));
  });

  it('403 and 404 and 410 map to forbidden / not-found with the server message', async () => {
    emu().fault({ path: ME, status: 403, body: '{"errors":[{"message":"Nope, not allowed"}]}', times: 1 });
    const e403 = await rejectsKind(() => client().get(ME), 'forbidden');
    assert.match(e403.message, /Nope, not allowed/);
    emu().fault({ path: ME, status: 404, times: 1 });
    await rejectsKind(() => client().get(ME), 'not-found');
    emu().fault({ path: ME, status: 410, times: 1 });
    const e410 = await rejectsKind(() => client().get(ME), 'not-found');
    assert.match(e410.message, /410/);
  });

  it('5xx on a read is retried with backoff and then succeeds', async () => {
    emu().fault({ path: ME, status: 502, times: 2 });
    const me = await client().get<{ id: number }>(ME);
    assert.ok(me.id);
    assert.strictEqual(meCalls(emu()).length, 3);
  });

  it('5xx that persists gives up after the configured retries with a server error', async () => {
    emu().fault({ path: ME, status: 503 });
    const e = await rejectsKind(() => client({ retries: 2 }).get(ME), 'server');
    assert.strictEqual(meCalls(emu()).length, 3);
    assert.match(e.message, /503/);
  });

  it('a POST is never retried, even on 5xx', async () => {
    emu().fault({ method: 'POST', path: /\/vote\/$/, status: 500 });
    await rejectsKind(() => client().post('/api/v2/status/1/vote/', { query: { reaction: 1 } }), 'server');
    assert.strictEqual(requestsTo(emu(), 'POST', /\/vote\/$/).length, 1);
  });

  it('429 with Retry-After: waits at least that long, then succeeds', async () => {
    emu().fault({ path: ME, status: 429, retryAfter: '1', times: 1 });
    const t0 = Date.now();
    await client().get(ME);
    const calls = meCalls(emu());
    assert.strictEqual(calls.length, 2);
    assert.ok(calls[1].time - calls[0].time >= 950, `waited ${calls[1].time - calls[0].time} ms`);
    assert.ok(Date.now() - t0 >= 950);
  });

  it('429 with an HTTP-date Retry-After is honoured too', async () => {
    const when = new Date(Date.now() + 1500).toUTCString();
    emu().fault({ path: ME, status: 429, retryAfter: when, times: 1 });
    await client().get(ME);
    const calls = meCalls(emu());
    assert.ok(calls[1].time - calls[0].time >= 400, `waited ${calls[1].time - calls[0].time} ms`);
  });

  it('429 without Retry-After backs off and slows the whole client (no request storm)', async () => {
    emu().fault({ path: ME, status: 429, times: 3 });
    const http = client({ retries: 4, retryBaseMs: 50, maxConcurrency: 8 });
    await Promise.all([http.get(ME), http.get(ME), http.get(ME)]);
    const calls = meCalls(emu());
    assert.ok(calls.length <= 6, `${calls.length} calls`);
    // Afterwards the client keeps fewer than 8 requests in flight: the emulator sees them overlap less.
    emu().clearLog();
    emu().fault({ path: ME, latencyMs: 150 });
    await Promise.all(Array.from({ length: 8 }, () => http.get(ME)));
    const spans = meCalls(emu()).map((r) => [r.time, r.time + r.ms]);
    const overlap = Math.max(...spans.map(([start]) => spans.filter(([s, end]) => s <= start && start < end).length));
    assert.ok(overlap < 8, `concurrency was reduced after 429 (${overlap} requests in flight at once)`);
  });

  it('a long Retry-After is waited out, never failed: cancel ends the wait and nothing more is sent', async () => {
    emu().fault({ path: ME, status: 429, retryAfter: '3600', times: 1 });
    const http = client();
    const controller = new AbortController();
    const pending = http.get(ME, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(http.pace.waitingMs() > 3_500_000, `waiting ${http.pace.waitingMs()} ms`);
    controller.abort();
    await rejectsKind(() => pending, 'cancelled');
    assert.strictEqual(meCalls(emu()).length, 1, 'nothing was sent during the wait');
  });

  it('a 429 with Retry-After holds every request of the client until then, and then they succeed', async () => {
    emu().fault({ path: ME, status: 429, retryAfter: '1', times: 1 });
    const http = client();
    const started = Date.now();
    const first = http.get(ME);
    await new Promise((r) => setTimeout(r, 100));
    const second = http.get(ME);
    await Promise.all([first, second]);
    assert.ok(Date.now() - started >= 950, `answered after ${Date.now() - started} ms`);
    const times = meCalls(emu()).map((r) => r.time - started);
    assert.strictEqual(times.length, 3, 'the refused read was sent again once, the other one once');
    assert.ok(times[1] >= 950 && times[2] >= 950, `sent at ${times.join(', ')} ms`);
  });

  it('a hanging server times out with a clear message', async () => {
    emu().fault({ path: ME, hang: true });
    const e = await rejectsKind(() => client({ timeoutMs: 300, retries: 1 }).get(ME), 'timeout');
    assert.match(e.message, /No answer within/);
    assert.strictEqual(meCalls(emu()).length, 2, 'a read is retried once after a timeout');
  });

  it('a connection reset on a read is retried', async () => {
    emu().fault({ path: ME, reset: true, times: 1 });
    await client().get(ME);
    assert.strictEqual(meCalls(emu()).length, 2);
  });

  it('malformed JSON is a bad-response error with a short excerpt', async () => {
    emu().fault({ path: ME, malformedJson: true });
    const e = await rejectsKind(() => client().get(ME), 'bad-response');
    assert.match(e.message, /not valid JSON/);
    assert.ok(e.bodyExcerpt && e.bodyExcerpt.length <= 200);
  });

  it('cancellation aborts a request in flight', async () => {
    emu().fault({ path: ME, hang: true });
    const controller = new AbortController();
    const p = client({ timeoutMs: 5000 }).get(ME, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await rejectsKind(() => p, 'cancelled');
  });

  it('a redirect to another origin is refused and nothing is sent there', async () => {
    emu().fault({ path: ME, redirectTo: 'other-origin' });
    emu().otherOrigin.requests.length = 0;
    const e = await rejectsKind(() => client().get(ME), 'unsafe');
    assert.match(e.message, /another site/);
    assert.strictEqual(emu().otherOrigin.requests.length, 0);
  });

  it('a cross-origin "next" link is refused during a scan; no Authorization reaches the other origin', async () => {
    const alice = emu().users.find((u) => u.name === 'alice')!;
    const account = await selfCommunity.signIn(
      { baseUrl: emu().selfcommunityUrl, token: alice.scToken },
      fastOptions(logger),
    );
    const service = selfCommunity.connect(account, () => alice.scToken, fastOptions(logger));
    emu().fault({ method: 'GET', path: '/api/v2/status/', crossOriginNext: true });
    emu().otherOrigin.requests.length = 0;
    const e = await rejectsKind(() => collect(service.listReactions()), 'unsafe');
    assert.match(e.message, /another site/);
    assert.ok(emu().otherOrigin.requests.every((r) => !r.headers.authorization));
    assert.strictEqual(emu().otherOrigin.requests.length, 0);
  });

  it('an error thrown for a failed request holds no token anywhere (message, stack, properties)', async () => {
    emu().fault({ path: ME, status: 500, body: `{"error":"upstream said Bearer ${token} was odd"}` });
    const e = await rejectsKind(() => client({ retries: 0 }).get(ME), 'server');
    assertNoToken(emu(), e, e.bodyExcerpt ?? '', e.serverMessage ?? '');
  });
});
