/**
 * Bulk removal and restore (src/core/bulk.ts), and what happens when operations race or a bulk removal is
 * cut short: the server must end up consistent with the summary (every `removed` reaction gone, every
 * failed or not attempted one still there), with at most one vote POST per item.
 */
import * as assert from 'assert';
import { removeMany, restoreMany, type BulkItemResult, type BulkSummary } from '../../src/core/bulk';
import { ReactionsError } from '../../src/core/errors';
import { MemoryLogger } from '../../src/core/log';
import type { Account, Reaction, ReactionKind } from '../../src/core/model';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import type { AccountService, RemoveResult } from '../../src/core/services/service';
import { TINES_KINDS, tines } from '../../src/core/services/tines';
import type { Emulator } from '../emulator';
import { assertNoToken, collect, fastOptions, requestsTo, scReaction, sleep, useEmulator } from '../support';

const VOTE_POST = /\/vote\/$/;

// ---- unit: the worker pool, with a fake service -----------------------------------------------------

const fakeReaction = (i: number, account = 'fake:acct:1'): Reaction =>
  scReaction('status', String(i), 'Like', { account, target: { excerpt: `status ${i}` } });

/** A service whose removals take `ms`, recording how many run at once; `fail` decides per reaction. */
function fakeService(
  opts: { ms?: number; fail?: (r: Reaction) => unknown; outcome?: (r: Reaction) => RemoveResult['outcome'] } = {},
) {
  const stats = { active: 0, maxActive: 0, started: [] as string[], restored: [] as string[] };
  const run = async <T>(r: Reaction, done: () => T): Promise<T> => {
    stats.started.push(r.id);
    stats.active++;
    stats.maxActive = Math.max(stats.maxActive, stats.active);
    try {
      await new Promise((res) => setTimeout(res, opts.ms ?? 5));
      const failure = opts.fail?.(r);
      if (failure !== undefined) throw failure;
      return done();
    } finally {
      stats.active--;
    }
  };
  const service = {
    account: { id: 'fake:acct:1' } as Account,
    reactionKinds: async () => [],
    listReactions: () => (async function* () {})(),
    checkpoint: undefined,
    refreshReactions: () => (async function* () {})(),
    remove: (r: Reaction) => run(r, () => ({ outcome: opts.outcome?.(r) ?? 'removed', reaction: r }) as RemoveResult),
    restore: (r: Reaction) =>
      run(r, () => {
        stats.restored.push(r.id);
        return { ...r, reactedAt: Date.parse('2026-01-01T00:00:00Z') };
      }),
    change: async (r: Reaction) => r,
    check: async (r: Reaction) => ({ outcome: 'absent' as const, reaction: r }),
    webUrl: () => undefined,
  } as AccountService;
  return { service, stats };
}

function assertPartition(summary: BulkSummary, items: readonly Reaction[]): void {
  const lists = [
    summary.removed,
    summary.alreadyRemoved,
    summary.targetDeleted,
    summary.failed.map((f) => f.reaction),
    summary.notAttempted,
  ];
  assert.strictEqual(summary.requested, items.length);
  assert.strictEqual(
    lists.reduce((n, l) => n + l.length, 0),
    items.length,
    'every input reaction is in exactly one list',
  );
}

describe('bulk: removeMany / restoreMany (worker pool)', () => {
  const items = Array.from({ length: 13 }, (_, i) => fakeReaction(i + 1));

  it('runs at most 4 removals at once by default, and the given concurrency otherwise', async () => {
    const a = fakeService();
    const s = await removeMany(items, () => a.service);
    assert.strictEqual(a.stats.maxActive, 4);
    assert.strictEqual(s.removed.length, 13);
    assertPartition(s, items);
    const b = fakeService();
    await removeMany(items, () => b.service, { concurrency: 2 });
    assert.strictEqual(b.stats.maxActive, 2);
    const c = fakeService();
    await removeMany(items, () => c.service, { concurrency: 0 });
    assert.strictEqual(c.stats.maxActive, 1, 'a nonsense concurrency becomes 1, not "unbounded"');
  });

  it('a removal of 40,000 reactions starts at once: the list is not copied once per reaction first (a frozen window)', async () => {
    // the yardstick, measured here: making the 40,000 reactions, work linear in their number
    const made = performance.now();
    const many = Array.from({ length: 40_000 }, (_, i) => fakeReaction(i + 1));
    const makeMs = performance.now() - made;
    const { service, stats } = fakeService({ ms: 0 });
    const controller = new AbortController();
    const started = performance.now();
    let firstMs = Number.NaN;
    const run = removeMany(many, () => service, {
      signal: controller.signal,
      onResult: () => {
        if (Number.isNaN(firstMs)) firstMs = performance.now() - started;
        controller.abort();
      },
    });
    const summary = await run;
    assert.ok(stats.started.length > 0 && summary.notAttempted.length > 0, 'cancelled after the first removals');
    assert.ok(
      firstMs < 5 * makeMs + 50,
      `the first removal ended after ${firstMs.toFixed(0)} ms (making the list took ${makeMs.toFixed(0)} ms)`,
    );
  });

  it('sorts every reaction into exactly one list, in input order, and reports each once through onResult', async () => {
    const outcomes: RemoveResult['outcome'][] = ['removed', 'already-removed', 'target-deleted'];
    const { service } = fakeService({
      ms: 1,
      outcome: (r) => outcomes[Number(r.target.id) % 3],
      fail: (r) =>
        Number(r.target.id) % 5 === 0
          ? new ReactionsError(
              'forbidden',
              'Access denied (403 Forbidden). Check that this account is allowed to do this.',
            )
          : undefined,
    });
    const seen: BulkItemResult[] = [];
    const s = await removeMany(items, () => service, { onResult: (x) => seen.push(x) });
    assertPartition(s, items);
    assert.deepStrictEqual(
      s.failed.map((f) => f.reaction.target.id),
      ['5', '10'],
    );
    assert.ok(s.failed.every((f) => f.error.kind === 'forbidden'));
    const order = (list: Reaction[]) => list.map((r) => Number(r.target.id));
    for (const list of [s.removed, s.alreadyRemoved, s.targetDeleted])
      assert.deepStrictEqual(
        order(list),
        [...order(list)].sort((x, y) => x - y),
        'input order',
      );
    assert.strictEqual(seen.length, items.length);
    assert.deepStrictEqual(new Set(seen.map((x) => x.index)).size, items.length);
    assert.strictEqual(s.cancelled, false);
    assert.strictEqual(s.notAttempted.length, 0);
  });

  it('a non-ReactionsError (a bug) is reported as a failure, not thrown or lost; a throwing onResult changes nothing', async () => {
    const { service } = fakeService({ fail: (r) => (r.target.id === '3' ? new TypeError('boom') : undefined) });
    const s = await removeMany(items.slice(0, 4), () => service, {
      onResult: () => {
        throw new Error('listener bug');
      },
    });
    assert.strictEqual(s.failed.length, 1);
    assert.ok(s.failed[0].error instanceof ReactionsError);
    assert.strictEqual(s.failed[0].error.kind, 'unknown-outcome');
    assert.match(s.failed[0].error.message, /boom.*Refresh/);
    assert.strictEqual(s.removed.length, 3);
  });

  it('an account that is gone fails its reactions with a clear message, the others go on', async () => {
    const { service } = fakeService();
    const mixed = [fakeReaction(1), fakeReaction(2, 'fake:gone:9'), fakeReaction(3)];
    const s = await removeMany(mixed, (id) => {
      if (id === 'fake:gone:9') throw new Error('no such account');
      return service;
    });
    assert.strictEqual(s.removed.length, 2);
    assert.strictEqual(s.failed.length, 1);
    assert.strictEqual(s.failed[0].error.kind, 'invalid-input');
    assert.match(s.failed[0].error.message, /nothing was sent/);
  });

  it('cancel: starts nothing new, lets the running ones finish and reports them, the rest are not attempted', async () => {
    const { service, stats } = fakeService({ ms: 20 });
    const controller = new AbortController();
    const s = await removeMany(items, () => service, {
      concurrency: 3,
      signal: controller.signal,
      onResult: (x) => {
        if (x.index === 0) controller.abort();
      },
    });
    assert.strictEqual(s.cancelled, true);
    assertPartition(s, items);
    // the three running when the first finished: that one and the two others in flight
    assert.strictEqual(s.removed.length, 3, `removed ${s.removed.length}`);
    assert.strictEqual(stats.started.length, 3, 'nothing started after the cancel');
    assert.strictEqual(s.notAttempted.length, items.length - 3);
    assert.ok(s.notAttempted.every((r) => !stats.started.includes(r.id)));
  });

  it('an already-aborted signal attempts nothing', async () => {
    const { service, stats } = fakeService();
    const controller = new AbortController();
    controller.abort();
    const s = await removeMany(items, () => service, { signal: controller.signal });
    assert.strictEqual(stats.started.length, 0);
    assert.strictEqual(s.notAttempted.length, items.length);
    assert.strictEqual(s.cancelled, true);
  });

  it('duplicates are worked on once; the copies are reported too (already removed), nothing dropped', async () => {
    const { service, stats } = fakeService();
    const input = [items[0], items[1], items[0], items[0]];
    const seen: BulkItemResult[] = [];
    const s = await removeMany(input, () => service, { onResult: (x) => seen.push(x) });
    assert.deepStrictEqual(stats.started, [items[0].id, items[1].id]);
    assert.strictEqual(s.removed.length, 2);
    assert.strictEqual(s.alreadyRemoved.length, 2);
    assertPartition(s, input);
    assert.deepStrictEqual(seen.map((x) => x.index).sort(), [0, 1, 2, 3]);
  });

  it('restoreMany: same pool; restored reactions come back as the service shows them; failures and cancel are reported', async () => {
    const { service, stats } = fakeService({
      fail: (r) =>
        r.target.id === '2'
          ? new ReactionsError(
              'not-found',
              'The status was deleted; the reaction cannot be put back. Refresh the list.',
            )
          : undefined,
    });
    const s = await restoreMany(items.slice(0, 5), () => service, { concurrency: 2 });
    assert.strictEqual(s.requested, 5);
    assert.strictEqual(s.restored.length, 4);
    assert.ok(s.restored.every((r) => r.reactedAt === Date.parse('2026-01-01T00:00:00Z')));
    assert.deepStrictEqual(
      s.failed.map((f) => [f.reaction.target.id, f.error.kind]),
      [['2', 'not-found']],
    );
    assert.strictEqual(stats.maxActive, 2);
    const controller = new AbortController();
    controller.abort();
    const none = await restoreMany(items.slice(0, 5), () => service, { signal: controller.signal });
    assert.strictEqual(none.notAttempted.length, 5);
    assert.ok(none.cancelled);
  });
});

// ---- against the emulator: races and interrupted bulk removals -----------------------------------------

const aliceOf = (emu: Emulator) => emu.users.find((u) => u.name === 'alice')!;

async function scService(
  emu: Emulator,
  logger = new MemoryLogger(),
  extra = {},
): Promise<{ service: AccountService; all: Reaction[] }> {
  const alice = aliceOf(emu);
  const options = fastOptions(logger, { timeoutMs: 400, ...extra });
  const account = await selfCommunity.signIn({ baseUrl: emu.selfcommunityUrl, token: alice.scToken }, options);
  const service = selfCommunity.connect(account, () => alice.scToken, options);
  return { service, all: (await collect(service.listReactions())).items };
}

async function tinesService(
  emu: Emulator,
  logger = new MemoryLogger(),
): Promise<{ service: AccountService; all: Reaction[] }> {
  const alice = aliceOf(emu);
  const options = fastOptions(logger, { timeoutMs: 400 });
  const account = await tines.signIn({ baseUrl: emu.tinesUrl, token: alice.tinesToken, email: alice.email }, options);
  const service = tines.connect(account, () => alice.tinesToken, options);
  return { service, all: (await collect(service.listReactions())).items };
}

const scHas = (emu: Emulator, r: Reaction) => emu.sc.voteOf(r.target.type, r.target.id, 'alice') !== undefined;
const tinesHas = (emu: Emulator, r: Reaction, value = r.kind.id) =>
  emu.tines
    .reactionsOf('alice')
    .some((t) => String(t.caseId) === r.target.parent!.id && String(t.commentId) === r.target.id && t.value === value);

/** The server agrees with the summary: removed ⇒ gone; failed (known outcome) or not attempted ⇒ still there. */
function assertConsistent(summary: BulkSummary, has: (r: Reaction) => boolean): void {
  for (const r of summary.removed) assert.ok(!has(r), `${r.id} reported removed but still on the server`);
  for (const r of summary.alreadyRemoved) assert.ok(!has(r), `${r.id} reported already removed but on the server`);
  for (const r of summary.notAttempted) assert.ok(has(r), `${r.id} not attempted but gone from the server`);
  for (const f of summary.failed) {
    if (f.error.kind === 'unknown-outcome') {
      // the one case where the client cannot know; it must say so, and ask for a refresh
      assert.match(f.error.message, /could not confirm|did not (answer|confirm)/i);
      assert.match(f.error.message, /refresh|try again/i);
    } else {
      assert.ok(has(f.reaction), `${f.reaction.id} failed (${f.error.kind}) but is gone from the server`);
    }
  }
}

describe('bulk against SelfCommunity: duplicates, races, cancel, network loss', () => {
  const emu = useEmulator({ seed: 13, sc: { statuses: 60, discussions: 10, posts: 10, commentsPerItem: 1 } });
  let service: AccountService;
  let pool: Reaction[];
  let logger: MemoryLogger;
  const take = (n: number) => {
    const out = pool.splice(0, n);
    assert.strictEqual(out.length, n, 'seed has enough votes');
    return out;
  };

  before(async () => {
    logger = new MemoryLogger();
    ({ service, all: pool } = await scService(emu(), logger));
    pool = pool.filter((r) => r.kind.id !== '');
  });
  afterEach(() => assertNoToken(emu(), logger.lines.join('\n')));

  it('a bulk removal with duplicates sends exactly one vote POST per item and reports every copy', async () => {
    const [a, b, c] = take(3);
    const input = [a, b, a, c, b, a];
    emu().clearLog();
    const s = await removeMany(input, () => service, { concurrency: 4 });
    assertPartition(s, input);
    assert.deepStrictEqual(
      s.removed.map((r) => r.id),
      [a.id, b.id, c.id],
    );
    assert.strictEqual(s.alreadyRemoved.length, 3);
    for (const r of [a, b, c])
      assert.strictEqual(
        requestsTo(emu(), 'POST', new RegExp(`/${r.target.type}/${r.target.id}/vote/$`)).length,
        1,
        `one POST on ${r.id}`,
      );
    assertConsistent(s, (r) => scHas(emu(), r));
  });

  it('two bulk removals of the same reactions at once: one vote POST per item, the second sees them removed', async () => {
    const items = take(4);
    emu().clearLog();
    const [s1, s2] = await Promise.all([
      removeMany(items, () => service),
      removeMany([...items].reverse(), () => service),
    ]);
    assert.strictEqual(requestsTo(emu(), 'POST', VOTE_POST).length, 4);
    assert.strictEqual(s1.removed.length + s2.removed.length, 4);
    assert.strictEqual(s1.alreadyRemoved.length + s2.alreadyRemoved.length, 4);
    assertConsistent(s1, (r) => scHas(emu(), r));
    assertConsistent(s2, (r) => scHas(emu(), r));
  });

  it('remove and change racing on one item: one vote POST, the change refuses, the vote is gone (no vote re-added)', async () => {
    const [r] = take(1);
    const kinds = await service.reactionKinds();
    const other = kinds.find((k) => k.id !== r.kind.id)!;
    emu().clearLog();
    const [removed, changed] = await Promise.allSettled([service.remove(r), service.change(r, other)]);
    assert.strictEqual(removed.status === 'fulfilled' && removed.value.outcome, 'removed');
    assert.strictEqual(changed.status, 'rejected');
    assert.strictEqual((changed as PromiseRejectedResult).reason.kind, 'conflict');
    assert.match((changed as PromiseRejectedResult).reason.message, /already removed; nothing was changed/);
    assert.strictEqual(requestsTo(emu(), 'POST', VOTE_POST).length, 1);
    assert.ok(!scHas(emu(), r));
  });

  it('change and remove racing the other way round: change applies, then remove removes the changed vote (two POSTs, never a toggle back)', async () => {
    const [r] = take(1);
    const kinds = await service.reactionKinds();
    const other = kinds.find((k) => k.id !== r.kind.id)!;
    emu().clearLog();
    const [changed, removed] = await Promise.all([service.change(r, other), service.remove(r)]);
    assert.strictEqual(changed.kind.id, other.id);
    assert.strictEqual(removed.outcome, 'removed');
    const posts = requestsTo(emu(), 'POST', VOTE_POST);
    assert.deepStrictEqual(
      posts.map((p) => p.query.reaction),
      [other.id, other.id],
      'the removal POSTs the CURRENT reaction (the changed one), so it removes instead of toggling back',
    );
    assert.ok(!scHas(emu(), r));
  });

  it('a bulk removal racing a change of one of its items ends with that item removed and nothing re-added', async () => {
    const items = take(3);
    const kinds = await service.reactionKinds();
    const other = kinds.find((k) => k.id !== items[1].kind.id)!;
    emu().clearLog();
    const [s, change] = await Promise.allSettled([removeMany(items, () => service), service.change(items[1], other)]);
    assert.strictEqual(s.status, 'fulfilled');
    const summary = (s as PromiseFulfilledResult<BulkSummary>).value;
    assert.strictEqual(summary.removed.length, 3);
    assertConsistent(summary, (r) => scHas(emu(), r));
    for (const r of items)
      assert.ok(requestsTo(emu(), 'POST', new RegExp(`/${r.target.type}/${r.target.id}/vote/$`)).length <= 2);
    // whatever the order, the item is not voted at the end
    assert.ok(!scHas(emu(), items[1]), `change ${change.status}: the vote must not come back`);
  });

  it('cancelled midway: the server matches the summary (removed gone, not attempted untouched)', async () => {
    const items = take(12);
    const controller = new AbortController();
    emu().setLatency(5);
    let s: BulkSummary;
    try {
      s = await removeMany(items, () => service, {
        concurrency: 3,
        signal: controller.signal,
        onResult: () => {
          if (!controller.signal.aborted) controller.abort();
        },
      });
    } finally {
      emu().setLatency(0);
    }
    assert.ok(s.cancelled);
    assertPartition(s, items);
    assert.ok(
      s.removed.length >= 1 && s.removed.length <= 3,
      `removed ${s.removed.length}: only those in flight finish`,
    );
    assert.strictEqual(s.notAttempted.length, items.length - s.removed.length - s.failed.length);
    assertConsistent(s, (r) => scHas(emu(), r));
    await sleep(50);
    for (const r of s.notAttempted)
      assert.strictEqual(
        requestsTo(emu(), 'POST', new RegExp(`/${r.target.type}/${r.target.id}/vote/$`)).length,
        0,
        'nothing sent for a not-attempted item',
      );
  });

  for (const concurrency of [1, 4]) {
    it(`the network lost after 3 removals (concurrency ${concurrency}): the server matches the summary, one POST per item at most`, async () => {
      const items = take(10);
      emu().clearLog();
      let done = 0;
      const s = await removeMany(items, () => service, {
        concurrency,
        onResult: () => {
          if (++done === 3) emu().fault({ server: 'selfcommunity', path: '/*', reset: true });
        },
      });
      emu().clearFaults();
      assertPartition(s, items);
      assert.ok(s.removed.length >= 3, `removed ${s.removed.length}`);
      assert.ok(s.failed.length >= items.length - s.removed.length - (concurrency - 1), `failed ${s.failed.length}`);
      for (const f of s.failed) {
        assert.ok(['network', 'unknown-outcome'].includes(f.error.kind), `${f.error.kind}: ${f.error.message}`);
        assertNoToken(emu(), f.error);
      }
      if (concurrency === 1) {
        // nothing was in flight when the network went: every failure happened at the read, before any POST
        assert.ok(s.failed.every((f) => f.error.kind === 'network'));
        assert.strictEqual(s.removed.length, 3);
      }
      assertConsistent(s, (r) => scHas(emu(), r));
      for (const r of items)
        assert.ok(requestsTo(emu(), 'POST', new RegExp(`/${r.target.type}/${r.target.id}/vote/$`)).length <= 1);
    });
  }

  it('a reaction changed on another device since listing: the removal reports the kind it removed, and undo puts that back', async () => {
    const [r] = take(1);
    const kinds = await service.reactionKinds();
    const other = kinds.find((k) => k.id !== r.kind.id)!;
    emu().sc.setVote(r.target.type, r.target.id, 'alice', Number(other.id));
    const s = await removeMany([r], () => service);
    assert.strictEqual(s.removed.length, 1);
    assert.strictEqual(s.removed[0].id, r.id);
    assert.strictEqual(s.removed[0].kind.id, other.id, 'the kind actually removed, not the stale one');
    const back = await restoreMany(s.removed, () => service);
    assert.strictEqual(back.restored.length, 1);
    assert.strictEqual(
      emu().sc.voteOf(r.target.type, r.target.id, 'alice')?.reactionId,
      Number(other.id),
      'undo restores what the user had',
    );
  });

  it('undo of a bulk removal (restoreMany) puts back exactly what was removed', async () => {
    const items = take(5);
    const before = items.map((r) => emu().sc.voteOf(r.target.type, r.target.id, 'alice'));
    const removed = await removeMany(items, () => service);
    assert.strictEqual(removed.removed.length, 5);
    emu().clearLog();
    const restored = await restoreMany(removed.removed, () => service);
    assert.strictEqual(restored.restored.length, 5);
    assert.deepStrictEqual(
      items.map((r) => emu().sc.voteOf(r.target.type, r.target.id, 'alice')),
      before,
    );
    assert.strictEqual(requestsTo(emu(), 'POST', VOTE_POST).length, 5);
  });
});

describe('bulk against Tines: duplicates, races, network loss', () => {
  const emu = useEmulator({ seed: 17, tines: { cases: 10, commentsPerCase: 6 } });
  let service: AccountService;
  let pool: Reaction[];
  const used = new Set<string>();
  /** Reactions on comments no earlier test touched. */
  const take = (n: number) => {
    const out: Reaction[] = [];
    for (const r of pool) {
      if (out.length === n) break;
      if (used.has(r.target.id)) continue;
      used.add(r.target.id);
      out.push(r);
    }
    assert.strictEqual(out.length, n, 'seed has enough reactions');
    return out;
  };

  before(async () => {
    ({ service, all: pool } = await tinesService(emu()));
  });

  it('a bulk removal with duplicates sends one remove_reaction per reaction', async () => {
    const [a, b] = take(2);
    emu().clearLog();
    const s = await removeMany([a, b, a, a], () => service);
    assertPartition(s, [a, b, a, a]);
    assert.strictEqual(requestsTo(emu(), 'POST', /\/remove_reaction$/).length, 2);
    assert.strictEqual(s.removed.length, 2);
    assertConsistent(s, (r) => tinesHas(emu(), r));
  });

  it('remove and change racing on one reaction: the change does not add a reaction the user just removed', async () => {
    const [r] = take(1);
    const to: ReactionKind = TINES_KINDS.find((k) => !tinesHas(emu(), r, k.id))!;
    emu().clearLog();
    const [removed, changed] = await Promise.allSettled([service.remove(r), service.change(r, to)]);
    assert.strictEqual(removed.status === 'fulfilled' && removed.value.outcome, 'removed');
    assert.strictEqual(changed.status, 'rejected', 'the change must refuse: its reaction was removed meanwhile');
    assert.strictEqual((changed as PromiseRejectedResult).reason.kind, 'conflict');
    assert.ok(!tinesHas(emu(), r));
    assert.ok(!tinesHas(emu(), r, to.id), 'no reaction added (it would notify people)');
    assert.strictEqual(requestsTo(emu(), 'POST', /\/add_reaction$/).length, 0);
  });

  for (const concurrency of [1, 4]) {
    it(`the network lost after 2 removals (concurrency ${concurrency}): the server matches the summary`, async () => {
      const items = take(8);
      emu().clearLog();
      let done = 0;
      const s = await removeMany(items, () => service, {
        concurrency,
        onResult: () => {
          if (++done === 2) emu().fault({ server: 'tines', path: '/*', reset: true });
        },
      });
      emu().clearFaults();
      assertPartition(s, items);
      assert.ok(s.removed.length >= 2);
      for (const f of s.failed)
        assert.ok(['network', 'unknown-outcome'].includes(f.error.kind), `${f.error.kind}: ${f.error.message}`);
      if (concurrency === 1) assert.strictEqual(s.failed.length, items.length - 2);
      assertConsistent(s, (r) => tinesHas(emu(), r));
      const posts = requestsTo(emu(), 'POST', /\/remove_reaction$/);
      assert.strictEqual(new Set(posts.map((p) => `${p.path} ${p.body}`)).size, posts.length, 'no write repeated');
    });
  }
});
