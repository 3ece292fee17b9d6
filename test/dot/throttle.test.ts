/**
 * The product's SelfCommunity core under a REAL Django REST Framework throttle (Debian's
 * python3-djangorestframework, stock UserRateThrottle in Django's local-memory cache, Bearer tokens
 * checked by DOT's own DRF authentication: see drfapi.py), not our emulator: a listing under the
 * throttle is complete, and a bulk removal of every vote (a vote POST TOGGLES) ends with nothing failed
 * and exactly one vote POST applied per voted status, the POSTs DRF refused with 429 being sent again
 * after its Retry-After. Counts are the server's (its request log and what the vote view applied).
 */
import * as assert from 'assert';
import { removeMany } from '../../src/core/bulk';
import { MemoryLogger } from '../../src/core/log';
import type { Reaction } from '../../src/core/model';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import type { AccountService } from '../../src/core/services/service';
import { selfCommunityRefusal } from '../emulator/rateLimits';
import { collect } from '../support/client';
import { startDot, type DotServer, type LogEntry } from './harness';

/**
 * DRF's rate: 40 requests a second per user, so a listing of 400 statuses (10 a page: DRF's max_limit)
 * and a removal of 150 votes (3 requests each) hit it a dozen times in a few seconds. The product runs
 * with its defaults: it is not told the window; it reads it from DRF's Retry-After (a second, here).
 */
const RATE = '40/s';
const VOTE = /^\/api\/v2\/status\/(\d+)\/vote\/$/;

describe('DOT: SelfCommunity under a real Django REST Framework throttle', function () {
  this.timeout(60_000);
  let dot: DotServer;
  let service: AccountService;
  let listed: Reaction[] = [];

  before(async function () {
    this.timeout(120_000);
    dot = await startDot({ DOT_DRF_RATE: RATE });
    this.test!.parent!.title += ` (DRF ${dot.drf!.versions.drf}, ${RATE})`;
    const options = { logger: new MemoryLogger() };
    const token = dot.drf!.token;
    const account = await selfCommunity.signIn({ baseUrl: dot.baseUrl, token }, options);
    assert.strictEqual(account.label, `alice @ ${new URL(dot.baseUrl).host}`);
    service = selfCommunity.connect(account, () => token, options);
  });
  after(async () => dot?.close());

  /** The requests the server saw from `mark` (an index into its log) on. */
  async function since(mark: number): Promise<LogEntry[]> {
    return (await dot.log()).slice(mark);
  }

  /** Every 429 is DRF's: a Retry-After in whole seconds, and the body our emulator sends for that wait. */
  function assertDrfRefusals(refused: LogEntry[]): void {
    for (const r of refused) {
      assert.match(r.retry_after ?? '', /^[1-9]\d*$/, 'Retry-After in whole seconds');
      assert.deepStrictEqual(r.body, selfCommunityRefusal(Number(r.retry_after) * 1000).json, 'the body DRF sends');
    }
  }

  it('a listing under the throttle is complete: every voted status, though DRF refused some pages', async () => {
    const mark = (await dot.log()).length;
    listed = (await collect(service.listReactions())).items;
    const seen = await since(mark);
    const refused = seen.filter((e) => e.status === 429);
    assert.ok(refused.length > 0, `DRF refused none of ${seen.length} listing requests: the test tests nothing`);
    assertDrfRefusals(refused);
    assert.deepStrictEqual(
      listed.map((r) => Number(r.target.id)).sort((a, b) => a - b),
      dot.drf!.voted,
      'the statuses the user voted, each once',
    );
  });

  /** Removes `reactions` through `via`; 0 failed, each vote POST applied once; returns what the server saw. */
  async function removeAll(reactions: Reaction[], via: AccountService): Promise<LogEntry[]> {
    const mark = (await dot.log()).length;
    const summary = await removeMany(reactions, () => via);
    const failures = summary.failed.map((f) => `${f.reaction.target.id} ${f.error.kind}: ${f.error.message}`);
    assert.deepStrictEqual(failures.slice(0, 3), [], `${summary.failed.length} failed`);
    assert.strictEqual(summary.removed.length, reactions.length, 'every vote removed');
    const state = await dot.drfState();
    const ids = new Set(reactions.map((r) => Number(r.target.id)));
    assert.deepStrictEqual(
      state.voted.filter((id) => ids.has(id)),
      [],
      'none of them is voted any more',
    );
    const twice = Object.entries(state.applied).filter(([, n]) => n !== 1);
    assert.deepStrictEqual(twice, [], 'the vote view ran once per status (a second POST would vote again)');
    const seen = await since(mark);
    assertDrfRefusals(seen.filter((e) => e.status === 429));
    return seen;
  }

  it('a pace that never learns the window (another client shares the limit): every refused vote POST is sent again after Retry-After, read first', async () => {
    assert.strictEqual(listed.length, dot.drf!.voted.length, 'the listing above found every vote');
    // Told a window of a minute, the pace finds no window that DRF's "1 second" fits: it only pauses.
    const options = { rateWindowMs: 60_000, logger: new MemoryLogger() };
    const token = dot.drf!.token;
    const account = await selfCommunity.signIn({ baseUrl: dot.baseUrl, token }, options);
    const seen = await removeAll(
      listed.slice(0, 75),
      selfCommunity.connect(account, () => token, options),
    );
    const posts = seen.filter((e) => e.method === 'POST' && VOTE.test(e.path));
    const refusedPosts = posts.filter((p) => p.status === 429);
    assert.ok(refusedPosts.length > 0, 'DRF refused no vote POST: the test tests nothing');
    for (const p of refusedPosts) {
      const after = seen.slice(seen.indexOf(p) + 1).filter((e) => e.path === p.path || `${e.path}vote/` === p.path);
      const again = after.findIndex((e) => e.method === 'POST');
      assert.ok(again >= 0, `the refused POST ${p.path} was sent again`);
      assert.ok(after[again].at - p.at >= Number(p.retry_after) * 1000 - 20, 'only after the Retry-After');
      assert.ok(
        after.slice(0, again).some((e) => e.method === 'GET' && e.status === 200),
        'the status was read again before its vote was sent again (a vote toggles)',
      );
    }
    console.log(
      `      ${seen.length} requests, ${seen.filter((e) => e.status === 429).length} refused by DRF (${refusedPosts.length} vote POSTs, sent again)`,
    );
  });

  it("with the product's defaults it reads DRF's window from Retry-After and keeps to it: the rest removed, ≤ 2 refusals per 100 requests", async () => {
    const seen = await removeAll(listed.slice(75), service);
    const state = await dot.drfState();
    assert.deepStrictEqual(state.voted, [], 'no status is voted any more');
    assert.deepStrictEqual(
      Object.keys(state.applied)
        .map(Number)
        .sort((a, b) => a - b),
      dot.drf!.voted,
      'every voted status got its one vote POST',
    );
    const refused = seen.filter((e) => e.status === 429).length;
    assert.ok(refused <= (2 * seen.length) / 100, `${refused} refusals in ${seen.length} requests`);
    console.log(`      ${seen.length} requests, ${refused} refused by DRF`);
  });
});
