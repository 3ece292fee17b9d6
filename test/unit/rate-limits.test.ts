/**
 * Long runs under the servers' rate limits (the emulator enforces them per token, over real HTTP; the
 * windows are scaled down so the suite takes seconds): a 429 is a refusal, sent again after the wait; a
 * lost answer is still never re-sent; a bulk removal across both services ends with nothing failed and
 * exactly one applied write per reaction; our own pace keeps Tines under its limit without any 429.
 */
import * as assert from 'assert';
import { removeMany } from '../../src/core/bulk';
import { BulkProgress } from '../../src/core/bulkProgress';
import { ScanProgress } from '../../src/core/progress';
import { MemoryLogger } from '../../src/core/log';
import type { Reaction } from '../../src/core/model';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import type { AccountService, ClientOptions } from '../../src/core/services/service';
import { tines } from '../../src/core/services/tines';
import type { Emulator } from '../emulator';
import { collect, fastOptions, rejectsKind, requestsTo, useEmulator } from '../support';

const VOTE_POST = /\/vote\/$/;
const TINES_REMOVE = /\/remove_reaction$/;
/**
 * The scaled-down windows: 600 requests per 2 s each (SelfCommunity: 429 + Retry-After in whole seconds,
 * as Django REST; Tines: 429 without it). The real ones: 600 and 5,000 a minute.
 */
const WINDOW_MS = 2000;
const SC_LIMIT = { requests: 600, windowMs: WINDOW_MS };
const TINES_LIMIT = { requests: 600, windowMs: WINDOW_MS };

describe('rate limits: refused writes are sent again, lost ones never', function () {
  this.timeout(60_000);
  const emu = useEmulator({
    seed: 24,
    sc: { statuses: 1400, discussions: 0, posts: 0, commentsPerItem: 0, voteRate: 0.75 },
    tines: { cases: 64, commentsPerCase: 15, reactionRate: 0.9 },
  });
  let logger: MemoryLogger;

  /** The client as the extension makes it, with the windows scaled down (Tines: its documented limit, scaled). */
  const options = (extra: ClientOptions = {}): ClientOptions =>
    fastOptions(logger, { rateWindowMs: WINDOW_MS, writeSettleMs: 50, ...extra });

  async function accounts(e: Emulator) {
    const alice = e.users[0];
    const scAccount = await selfCommunity.signIn({ baseUrl: e.selfcommunityUrl, token: alice.scToken }, options());
    const tinesAccount = await tines.signIn(
      { baseUrl: e.tinesUrl, token: alice.tinesToken, email: alice.email },
      options(),
    );
    const sc = selfCommunity.connect(scAccount, () => alice.scToken, options());
    const ti = tines.connect(tinesAccount, () => alice.tinesToken, options({ rateLimit: TINES_LIMIT }));
    return {
      sc,
      ti,
      byId: new Map<string, AccountService>([
        [scAccount.id, sc],
        [tinesAccount.id, ti],
      ]),
    };
  }

  beforeEach(() => {
    logger = new MemoryLogger();
    emu().setRateLimits(undefined);
    emu().clearLog();
    emu().resetRateStats();
  });

  after(() => emu().setRateLimits(undefined));

  it('a vote POST answered 429 is sent again after the Retry-After, after reading the item again', async () => {
    const e = emu();
    const { sc } = await accounts(e);
    const target = (await collect(sc.listReactions())).items.find((r) => r.accountId === sc.account.id)!;
    e.clearLog();
    e.resetRateStats();
    e.fault({ method: 'POST', path: VOTE_POST, status: 429, retryAfter: '1', times: 1 });
    const result = await sc.remove(target);
    assert.strictEqual(result.outcome, 'removed');
    const posts = requestsTo(e, 'POST', VOTE_POST);
    assert.deepStrictEqual(
      posts.map((p) => p.status),
      [429, 204],
    );
    assert.ok(posts[1].time - (posts[0].time + posts[0].ms) >= 950, 'sent again only after the Retry-After');
    const between = e.requests.slice(e.requests.indexOf(posts[0]) + 1, e.requests.indexOf(posts[1]));
    assert.ok(
      between.some((r) => r.method === 'GET' && r.path.endsWith(`/${target.target.id}/`)),
      'the item was read again before the vote was sent again (a vote toggles)',
    );
    assert.strictEqual(e.rateStats().selfcommunity.appliedWrites.length, 1, 'one vote applied');
  });

  it('a Tines remove_reaction answered 429 without Retry-After is sent again after a back-off', async () => {
    const e = emu();
    const { ti } = await accounts(e);
    const target = (await collect(ti.listReactions())).items[0];
    e.clearLog();
    e.resetRateStats();
    e.fault({ method: 'POST', path: TINES_REMOVE, status: 429, times: 2 });
    const result = await ti.remove(target);
    assert.strictEqual(result.outcome, 'removed');
    assert.deepStrictEqual(
      requestsTo(e, 'POST', TINES_REMOVE).map((p) => p.status),
      [429, 429, 200],
    );
    assert.strictEqual(e.rateStats().tines.appliedWrites.length, 1, 'one removal applied');
  });

  it('a write whose answer was lost is never sent again, limits or not: it is read instead', async () => {
    const e = emu();
    const { sc, ti } = await accounts(e);
    e.setRateLimits({ selfcommunity: SC_LIMIT, tines: TINES_LIMIT });
    const scTarget = (await collect(sc.listReactions())).items[0];
    const tinesTarget = (await collect(ti.listReactions())).items[0];
    e.clearLog();
    e.resetRateStats();
    // applied, then the connection reset: the removal happened, the answer is lost
    e.fault({ method: 'POST', path: VOTE_POST, reset: true, applyFirst: true, times: 1 });
    assert.strictEqual((await sc.remove(scTarget)).outcome, 'removed');
    assert.strictEqual(requestsTo(e, 'POST', VOTE_POST).length, 1, 'the vote POST was sent once');
    // a 503 without Retry-After, not applied: still a lost answer (never re-sent), and the reaction is still there
    e.fault({ method: 'POST', path: TINES_REMOVE, status: 503, times: 1 });
    await rejectsKind(() => ti.remove(tinesTarget), 'unknown-outcome');
    assert.strictEqual(requestsTo(e, 'POST', TINES_REMOVE).length, 1, 'remove_reaction was sent once');
    assert.strictEqual(e.rateStats().selfcommunity.appliedWrites.length, 1);
    assert.strictEqual(e.rateStats().tines.appliedWrites.length, 0);
  });

  it('cancel ends a rate-limit wait at once, and nothing is written: the reaction is not attempted', async () => {
    const e = emu();
    const { sc, byId } = await accounts(e);
    const items = (await collect(sc.listReactions())).items.slice(0, 5);
    e.clearLog();
    e.fault({ method: 'GET', path: '/api/v2/status/*', status: 429, retryAfter: '3600', times: 1 });
    const controller = new AbortController();
    const run = removeMany(items, (id) => byId.get(id)!, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    controller.abort();
    const summary = await run;
    assert.ok(Date.now() - started < 1000, `the cancel took ${Date.now() - started} ms`);
    assert.strictEqual(summary.notAttempted.length, items.length, 'nothing attempted');
    assert.strictEqual(requestsTo(e, 'POST', VOTE_POST).length, 0, 'no vote sent');
  });
  it('a bulk removal of 2,000+ reactions across both services under the limits: 0 failed, one applied write each', async () => {
    const e = emu();
    const { sc, ti, byId } = await accounts(e);
    const items: Reaction[] = [
      ...(await collect(sc.listReactions())).items,
      ...(await collect(ti.listReactions())).items,
    ];
    const scCount = items.filter((r) => r.accountId === sc.account.id).length;
    assert.ok(items.length >= 2000 && scCount >= 1000, `${items.length} reactions (${scCount} SelfCommunity)`);
    e.setRateLimits({ selfcommunity: SC_LIMIT, tines: TINES_LIMIT });
    e.resetRateStats();

    const summary = await removeMany(items, (id) => byId.get(id)!, { concurrency: 8 });

    const failures = summary.failed.map((f) => `${f.error.kind}: ${f.error.message}`);
    assert.deepStrictEqual(failures.slice(0, 3), [], `${summary.failed.length} failed`);
    assert.strictEqual(summary.removed.length, items.length, 'every reaction removed');
    const stats = e.rateStats();
    assert.ok(stats.selfcommunity.throttled > 0, 'the SelfCommunity limit was reached (the test tests what it says)');
    // exactly one applied write per reaction: one vote POST per item, one remove_reaction per comment and value
    const scWrites = stats.selfcommunity.appliedWrites.map((w) => w.path);
    assert.strictEqual(scWrites.length, scCount, 'SelfCommunity writes applied');
    assert.strictEqual(new Set(scWrites).size, scCount, 'no item voted on twice');
    const tinesWrites = stats.tines.appliedWrites.map((w) => `${w.path} ${w.body}`);
    assert.strictEqual(tinesWrites.length, items.length - scCount, 'Tines writes applied');
    assert.strictEqual(new Set(tinesWrites).size, tinesWrites.length, 'no reaction removed twice');
    assert.deepStrictEqual(e.sc.votesOf('alice'), [], 'the server has none of the votes any more');
    assert.deepStrictEqual(e.tines.reactionsOf('alice'), [], 'nor any of the Tines reactions');
    // Tines is kept under its limit by our own pace, SelfCommunity by the limit its Retry-After taught: 429s are rare
    for (const server of ['selfcommunity', 'tines'] as const) {
      const { accepted, throttled } = stats[server];
      assert.ok(
        throttled <= (accepted + throttled) * 0.02,
        `${throttled} answers 429 in ${accepted + throttled} ${server} requests`,
      );
    }
  });
});

describe('rate limits: our own pace and the progress of waits', function () {
  this.timeout(30_000);
  const emu = useEmulator({ seed: 25, tines: { cases: 120, commentsPerCase: 2, maxPerPage: 2 } });

  it('Tines: a listing keeps under the documented limit on its own (no 429) and ends near the floor', async () => {
    const e = emu();
    const alice = e.users[0];
    const limit = { requests: 100, windowMs: 5000 };
    const options = fastOptions(new MemoryLogger(), { rateLimit: limit });
    const account = await tines.signIn({ baseUrl: e.tinesUrl, token: alice.tinesToken, email: alice.email }, options);
    const service = tines.connect(account, () => alice.tinesToken, options);
    e.setRateLimits({ tines: limit });
    e.resetRateStats();
    e.clearLog();
    const started = Date.now();
    await collect(service.listReactions());
    const sent = e.requests.filter((r) => r.server === 'tines');
    const last = Math.max(...sent.map((r) => r.time)) - started;
    const floor = Math.floor((sent.length - 1) / limit.requests) * limit.windowMs;
    assert.strictEqual(e.rateStats().tines.throttled, 0, 'no 429: the limit was kept, not learned');
    assert.ok(floor >= 5000, `${sent.length} requests: the listing needs more than one window`);
    assert.ok(last >= floor - 50, `the last request started at ${last} ms, before the floor ${floor} ms`);
    assert.ok(last <= floor * 1.15 + 300, `the last request started at ${last} ms, floor ${floor} ms`);
    e.setRateLimits(undefined);
  });

  it('Tines: a request the server counts late (held in its queue) leaves our window a window after its answer: no 429', async () => {
    const e = emu();
    const alice = e.users[0];
    const limit = { requests: 50, windowMs: 1000 };
    const options = fastOptions(new MemoryLogger(), { rateLimit: limit });
    const account = await tines.signIn({ baseUrl: e.tinesUrl, token: alice.tinesToken, email: alice.email }, options);
    const service = tines.connect(account, () => alice.tinesToken, options);
    e.setRateLimits({ tines: limit });
    e.resetRateStats();
    // the listing's first request waits 600 ms in the server's queue: its limit counts it 600 ms after we
    // sent it, and 49 more soon after; the 51st may go only once that first one is out of the server's window
    e.fault({ server: 'tines', path: '/api/v2/cases', queuedMs: 600, times: 1 });
    const { items } = await collect(service.listReactions());
    const { accepted, throttled } = e.rateStats().tines;
    assert.ok(items.length > 0 && accepted > 2 * limit.requests, `${accepted} requests: more than two windows`);
    assert.strictEqual(throttled, 0, 'no 429: our window counted the late request from its answer');
    e.setRateLimits(undefined);
  });

  it('while a listing waits for the server, its progress says how long, and the time left includes the wait', async () => {
    const e = emu();
    const alice = e.users[0];
    const options = fastOptions(new MemoryLogger(), { rateLimit: { requests: 5000, windowMs: 60_000 } });
    const account = await tines.signIn({ baseUrl: e.tinesUrl, token: alice.tinesToken, email: alice.email }, options);
    const service = tines.connect(account, () => alice.tinesToken, options);
    e.fault({ method: 'GET', path: '/api/v2/cases/*', status: 429, retryAfter: '3', skip: 20, times: 1 });
    const progress = new ScanProgress();
    const seen: Array<{ waitingMs: number; remainingMs: number | undefined }> = [];
    progress.onChange(() => {
      const s = progress.snapshot();
      if (s.waitingMs > 0) seen.push({ waitingMs: s.waitingMs, remainingMs: s.remainingMs });
    });
    await collect(service.listReactions(undefined, progress));
    assert.ok(seen.length > 0, 'the progress changed when the wait started');
    const longest = seen.reduce((a, b) => (b.waitingMs > a.waitingMs ? b : a));
    assert.ok(longest.waitingMs > 1000 && longest.waitingMs <= 3000, `waiting ${longest.waitingMs} ms`);
    for (const w of seen)
      assert.ok((w.remainingMs ?? 0) >= w.waitingMs, `time left ${w.remainingMs} ms counts the wait`);
    assert.strictEqual(progress.snapshot().waitingMs, 0, 'no wait once the listing ended');
  });

  it('a bulk removal tracker counts a wait in the time left', () => {
    let now = 0;
    let waiting = 0;
    const pace = { waitingMs: () => waiting, timeFor: () => waiting, onWait: () => () => undefined };
    const tracker = new BulkProgress(100, [pace], () => now);
    for (let i = 0; i < 10; i++) tracker.done();
    now = 1000;
    assert.strictEqual(tracker.snapshot().remainingMs, 9000, '90 left at 100 ms each');
    waiting = 40_000;
    const s = tracker.snapshot();
    assert.strictEqual(s.waitingMs, 40_000);
    assert.ok(s.remainingMs! >= 40_000, `time left ${s.remainingMs} ms includes the 40 s wait`);
  });
});
