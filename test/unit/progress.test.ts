/**
 * Scan progress (src/core/progress.ts) fed by real listings against the emulator: the percent never goes
 * back and is 100 exactly when the listing ends, the totals are the emulator's, the requests counted are
 * the requests the emulator received, and the time left after 20% of a 10k-item scan at fixed latency is
 * within 30% of the time it then took.
 */
import * as assert from 'assert';
import { ScanProgress, type ProgressSnapshot } from '../../src/core/progress';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import type { Reaction } from '../../src/core/model';
import type { AccountService } from '../../src/core/services/service';
import { tines } from '../../src/core/services/tines';
import type { Emulator } from '../emulator';
import { fastOptions, useEmulator } from '../support';

const SC = { statuses: 230, discussions: 140, posts: 90, commentsPerItem: 2, replyRate: 0.3 };
const TINES = { cases: 260, commentsPerCase: 3 };

async function scAlice(emu: Emulator, extra = {}): Promise<AccountService> {
  const alice = emu.users.find((u) => u.name === 'alice')!;
  const options = fastOptions(undefined, extra);
  const account = await selfCommunity.signIn({ baseUrl: emu.selfcommunityUrl, token: alice.scToken }, options);
  return selfCommunity.connect(account, () => alice.scToken, options);
}

async function tinesAlice(emu: Emulator): Promise<AccountService> {
  const alice = emu.users.find((u) => u.name === 'alice')!;
  const options = fastOptions();
  const account = await tines.signIn({ baseUrl: emu.tinesUrl, token: alice.tinesToken, email: alice.email }, options);
  return tines.connect(account, () => alice.tinesToken, options);
}

/** The server's comments (replies included), counted through the state API: ids run from 1. */
function scComments(emu: Emulator): number {
  let n = 0;
  while (emu.sc.get('comment', n + 1)) n++;
  return n;
}

function tinesComments(emu: Emulator, cases: number): number {
  let id = 5001;
  for (let c = 1; c <= cases; c++) while (emu.tines.getComment(c, id)) id++;
  return id - 5001;
}

/** Lists with a progress, snapshotting after every change; `ended` is the snapshot taken right after the stream ended. */
async function listWithProgress(
  service: AccountService,
): Promise<{ snapshots: ProgressSnapshot[]; ended: ProgressSnapshot; found: Reaction[] }> {
  const progress = new ScanProgress();
  const snapshots: ProgressSnapshot[] = [];
  progress.onChange(() => snapshots.push(progress.snapshot()));
  const found: Reaction[] = [];
  for await (const batch of service.listReactions(undefined, progress)) {
    assert.notStrictEqual(progress.snapshot().percent, 100, 'said 100% while the listing still streamed');
    found.push(...batch);
    progress.addFound(batch.length);
  }
  return { snapshots, ended: progress.snapshot(), found };
}

function assertMonotonic(snapshots: readonly ProgressSnapshot[]): void {
  for (let i = 1; i < snapshots.length; i++) {
    const [a, b] = [snapshots[i - 1], snapshots[i]];
    assert.ok(b.percent >= a.percent, `percent went back from ${a.percent} to ${b.percent} (snapshot ${i})`);
    assert.ok(b.requestsDone >= a.requestsDone, 'requests done went back');
    for (const s of b.sources) {
      const before = a.sources.find((x) => x.source === s.source);
      if (before) assert.ok(s.scanned >= before.scanned, `${s.source}: scanned went back`);
    }
  }
  const last = snapshots.at(-1)!;
  assert.ok(
    snapshots.slice(0, -1).every((s) => s.percent < 100 && !s.done),
    'a snapshot before the last one said 100%',
  );
  assert.strictEqual(last.percent, 100);
  assert.ok(last.done);
}

describe('Scan progress: SelfCommunity', () => {
  const emu = useEmulator({ seed: 11, sc: SC });

  it('is monotonic, 100% exactly at the end, with the emulator totals and request count', async () => {
    const service = await scAlice(emu());
    emu().clearLog();
    const { snapshots, ended, found } = await listWithProgress(service);
    assertMonotonic(snapshots);
    const by = new Map(ended.sources.map((s) => [s.source, s]));
    const truth = { status: SC.statuses, discussion: SC.discussions, post: SC.posts, comment: scComments(emu()) };
    assert.ok(truth.comment > 500, `the seed has ${truth.comment} comments`);
    for (const [source, n] of Object.entries(truth)) {
      assert.strictEqual(by.get(source as never)?.known, n, `${source}: known`);
      assert.strictEqual(by.get(source as never)?.scanned, n, `${source}: scanned`);
    }
    const lists = emu().requests.filter(
      (r) => r.method === 'GET' && /\/api\/v2\/(status|discussion|post|comment)\/$/.test(r.path),
    );
    assert.strictEqual(ended.requestsDone, lists.length, 'requests done = list requests the emulator answered');
    assert.strictEqual(ended.requestsPlanned, ended.requestsDone);
    assert.strictEqual(ended.requestsEstimated, ended.requestsDone);
    assert.strictEqual(ended.found, found.length);
    assert.strictEqual(found.length, emu().sc.votesOf('alice').length);
  });

  it('a refresh (few requests) also ends at exactly 100% and never goes back', async () => {
    const service = await scAlice(emu());
    const first = await listWithProgress(service);
    assert.strictEqual(first.ended.percent, 100);
    const progress = new ScanProgress();
    const snapshots: ProgressSnapshot[] = [];
    progress.onChange(() => snapshots.push(progress.snapshot()));
    for await (const delta of service.refreshReactions(first.found, service.checkpoint!, undefined, progress))
      void delta;
    assertMonotonic(snapshots);
  });

  it('an aborted listing never reaches 100%', async () => {
    const service = await scAlice(emu());
    const progress = new ScanProgress();
    const controller = new AbortController();
    let pages = 0;
    progress.onChange(() => {
      if (progress.snapshot().requestsDone >= 5 && pages++ === 0) controller.abort();
    });
    await assert.rejects(async () => {
      for await (const batch of service.listReactions(controller.signal, progress)) void batch;
    });
    const s = progress.snapshot();
    assert.ok(!s.done && s.percent < 100, `aborted at ${s.percent}%`);
  });
});

describe('Scan progress: Tines', () => {
  const emu = useEmulator({ seed: 5, tines: TINES });

  it('counts cases from meta and comments from each case page, ending at exactly 100%', async () => {
    const service = await tinesAlice(emu());
    emu().clearLog();
    const { snapshots, ended } = await listWithProgress(service);
    assertMonotonic(snapshots);
    const by = new Map(ended.sources.map((s) => [s.source, s]));
    assert.strictEqual(by.get('case')?.known, TINES.cases);
    assert.strictEqual(by.get('case')?.scanned, TINES.cases);
    const comments = tinesComments(emu(), TINES.cases);
    assert.ok(comments > 300);
    assert.strictEqual(by.get('case_comment')?.known, comments);
    assert.strictEqual(by.get('case_comment')?.scanned, comments);
    const lists = emu().requests.filter(
      (r) => r.method === 'GET' && /\/api\/v2\/cases(\/\d+\/comments)?$/.test(r.path),
    );
    assert.strictEqual(ended.requestsDone, lists.length);
    assert.strictEqual(ended.requestsEstimated, ended.requestsDone);
  });
});

describe('Scan progress: the time left', function () {
  // A deterministic clock: every request the emulator answers takes LATENCY_MS, CONCURRENCY at a time, so
  // time advances by LATENCY_MS / CONCURRENCY per answered request whatever the load of this machine.
  const LATENCY_MS = 40;
  const CONCURRENCY = 4;
  let clock = 0;
  // ~10k items: 2,400 contributions, ~4,800 comments, ~2,900 replies; ~3,400 requests.
  const emu = useEmulator({
    seed: 3,
    onRequest: () => (clock += LATENCY_MS / CONCURRENCY),
    sc: { statuses: 1200, discussions: 700, posts: 500, commentsPerItem: 2, replyRate: 0.3 },
  });

  it('after 20% of a 10k-item scan at fixed latency, is within 30% of the time it then took', async function () {
    this.timeout(120_000);
    const service = await scAlice(emu(), { maxConcurrency: CONCURRENCY });
    const progress = new ScanProgress(() => clock);
    let at20: { t: number; eta: number | undefined; percent: number } | undefined;
    let etaTooEarly = false;
    progress.onChange(() => {
      if (at20) return;
      const s = progress.snapshot();
      if (s.requestsDone <= 20 && s.remainingMs !== undefined) etaTooEarly = true;
      if (s.percent >= 20) at20 = { t: clock, eta: s.remainingMs, percent: s.percent };
    });
    let items = 0;
    for await (const batch of service.listReactions(undefined, progress)) items += batch.length;
    const actual = clock - at20!.t;
    const ended = progress.snapshot();
    const scanned = ended.sources.reduce((a, s) => a + s.scanned, 0);
    assert.ok(scanned >= 9000 && scanned <= 11000, `a 10k-item scan: ${scanned} items`);
    assert.ok(!etaTooEarly, 'showed a time left before it had seen enough');
    assert.ok(at20?.eta !== undefined, 'still "estimating" at 20%');
    const error = Math.abs(at20.eta - actual) / actual;
    console.log(
      `      at ${at20.percent}%: estimated ${(at20.eta / 1000).toFixed(1)} s left, took ${(actual / 1000).toFixed(1)} s ` +
        `(${(error * 100).toFixed(0)}% off; ${ended.requestsDone} requests, ${items} reactions)`,
    );
    assert.ok(error <= 0.3, `estimate ${at20.eta} ms vs actual ${actual} ms`);
  });
});
