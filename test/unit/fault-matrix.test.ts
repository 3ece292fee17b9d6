/**
 * The fault matrix: every fault the emulator can inject × every operation a person can start, for both
 * services, generated programmatically (one `it` per cell). Each cell proves, from the emulator's request
 * log and its final state:
 *
 *   1. the outcome: success with the state verified, or a ReactionsError whose kind matches the fault
 *      and whose message says what happened and what to do;
 *   2. no vote/reaction added or changed unintentionally: the user's reactions afterwards equal the ones
 *      before with only the intended change (or none), and the other users' are untouched;
 *   3. the SelfCommunity toggle protocol: at most ONE vote POST per item, only right after a read that
 *      showed the expected state, and an unknown outcome is resolved by reading, never by a second POST
 *      (Tines: at most one write per comment, value and action; an unknown outcome is resolved by a read);
 *   4. no token in errors (message, stack, properties), log lines or request URLs; no Authorization (and,
 *      for redirects and off-origin links, no request at all) reaches the other origin;
 *   5. 429: no request to the route within the Retry-After window; without Retry-After, a back-off. A 429
 *      is a refusal, not a failure: the server refuses REFUSALS times, then the operation must succeed,
 *      its refused write sent again after the wait (a SelfCommunity vote only after a fresh read) and
 *      applied exactly once.
 *
 * It is part of the unit suite (`npx mocha`). docs/fault-matrix.md lists its cells: written by
 * `npm run docs:generate` from the same definition (./faultMatrixCells.ts), checked by generated-docs.test.ts.
 */
import * as assert from 'assert';
import { startEmulator, type Emulator, type EmulatorUser, type FaultSpec, type LoggedRequest } from '../emulator';
import { pathMatches } from '../emulator/faults';
import { MemoryLogger } from '../../src/core/log';
import { ReactionsError, type ErrorKind } from '../../src/core/errors';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import { tines } from '../../src/core/services/tines';
import type { ClientOptions } from '../../src/core/services/service';
import type { Account, Reaction } from '../../src/core/model';
import type { BulkSummary } from '../../src/core/bulk';
import { assertNoToken, allTokens, collect, rejectsKind, sleep } from '../support';
import {
  RETRY_AFTER_MS,
  RETRY_BASE_MS,
  clientOptions,
  Expect,
  WHAT,
  WHAT_TO_DO,
  World,
  SC_ITEM,
  SC_VOTE,
  TINES_WRITE,
  scPath,
  scState,
  tinesState,
  Observed,
  CellCtx,
  PreparedWithTargets,
  Cell,
  CELLS,
} from './faultMatrixCells';

/** Per-cell hooks the emulator's onRequest calls (state snapshots of SelfCommunity item reads). */
let onRequest: ((entry: LoggedRequest) => void) | undefined;

// ---- checks ----------------------------------------------------------------------------------------

/** Mirrors the emulator's fault matching over the request log: which requests a fault hit. */
function faultedRequests(specs: readonly FaultSpec[], log: readonly LoggedRequest[]): Map<LoggedRequest, FaultSpec> {
  const state = specs.map((spec) => ({ spec, hits: 0, seen: 0 }));
  const out = new Map<LoggedRequest, FaultSpec>();
  for (const entry of log) {
    if (entry.server === 'other') continue;
    for (const x of state) {
      const { spec } = x;
      if (spec.times !== undefined && x.hits >= spec.times) continue;
      if (spec.server && spec.server !== entry.server) continue;
      if (spec.method && spec.method.toUpperCase() !== entry.method) continue;
      if (!pathMatches(spec.path, entry.path)) continue;
      x.seen++;
      if (x.seen <= (spec.skip ?? 0)) continue;
      x.hits++;
      out.set(entry, spec);
      break;
    }
  }
  return out;
}

function errorsOf(observed: Observed): ReactionsError[] {
  const out: ReactionsError[] = [];
  if (observed.error instanceof ReactionsError) out.push(observed.error);
  for (const f of observed.summary?.failed ?? []) out.push(f.error);
  return out;
}

function assertMessage(e: ReactionsError, extra?: RegExp): void {
  const what = WHAT[e.kind];
  assert.ok(what, `no message pattern for kind ${e.kind}`);
  assert.match(e.message, what, `a ${e.kind} error must say what happened: ${e.message}`);
  assert.match(e.message, WHAT_TO_DO, `a ${e.kind} error must say what to do: ${e.message}`);
  assert.ok(!/undefined|\[object Object\]|NaN/.test(e.message), `garbage in message: ${e.message}`);
  if (extra) assert.match(e.message, extra);
}

/** The outcome matches the expectation (for bulk: every item). */
function assertOutcome(cell: Cell, expect: Expect, observed: Observed, prepared: PreparedWithTargets): void {
  if (cell.def.operation === 'bulk remove') {
    const s = observed.summary;
    assert.ok(s, `bulk removal threw instead of summarising: ${observed.error}`);
    assert.strictEqual(s.requested, prepared.targets.length);
    const lists = {
      removed: s.removed,
      'already-removed': s.alreadyRemoved,
      'target-deleted': s.targetDeleted,
      failed: s.failed.map((f) => f.reaction),
      'not-attempted': s.notAttempted,
    };
    const all = Object.values(lists).flat();
    assert.strictEqual(all.length, prepared.targets.length, 'every reaction is in exactly one list');
    assert.deepStrictEqual(new Set(all.map((r) => r.id)), new Set(prepared.targets.map((r) => r.id)));
    assert.strictEqual(s.cancelled, false);
    if ('ok' in expect) {
      assert.deepStrictEqual(
        lists[expect.ok as 'removed' | 'target-deleted'].length,
        prepared.targets.length,
        `expected every item ${expect.ok}; failed: ${s.failed.map((f) => `${f.error.kind}: ${f.error.message}`).join(' | ')}`,
      );
    } else {
      assert.strictEqual(
        s.failed.length,
        prepared.targets.length,
        `expected every item to fail with ${expect.kind}; removed ${s.removed.length}, deleted ${s.targetDeleted.length}`,
      );
      for (const f of s.failed) {
        assert.strictEqual(
          f.error.kind,
          expect.kind,
          `item failed with ${f.error.kind}, expected ${expect.kind}: ${f.error.message}`,
        );
        assertMessage(f.error, expect.message);
      }
    }
    return;
  }
  if ('ok' in expect) {
    assert.ok(
      !observed.error,
      `expected success (${expect.ok}), got ${observed.error instanceof ReactionsError ? `${observed.error.kind}: ` : ''}${(observed.error as Error)?.message ?? observed.error}`,
    );
    if (expect.ok !== 'ok') assert.strictEqual((observed.value as { outcome: string }).outcome, expect.ok);
    prepared.checkValue?.(observed.value);
  } else {
    const e = observed.error;
    assert.ok(
      e,
      `expected a ${expect.kind} error, but it succeeded with ${JSON.stringify(observed.value)?.slice(0, 200)}`,
    );
    assert.ok(e instanceof ReactionsError, `expected a ReactionsError, got ${(e as Error)?.stack ?? e}`);
    assert.strictEqual(e.kind, expect.kind, `expected kind ${expect.kind}, got ${e.kind}: ${e.message}`);
    assertMessage(e, expect.message);
  }
}

/** Nothing added or changed that was not intended; the state is exactly the expected one. */
function assertState(expect: Expect, before: string[], after: string[], prepared: PreparedWithTargets): void {
  const intended = prepared.intended(before);
  const partial = prepared.partial?.(before);
  const allowed = [before, intended, ...(partial ? [partial] : [])].map((s) => JSON.stringify(s));
  assert.ok(allowed.includes(JSON.stringify(after)), `unintended change: before ${diff(before, after)}`);
  const expected = expect.state === 'unchanged' ? before : expect.state === 'changed' ? intended : partial!;
  assert.deepStrictEqual(after, expected, `state is not the expected (${expect.state}) one: ${diff(expected, after)}`);
}

function diff(expected: string[], actual: string[]): string {
  const missing = expected.filter((x) => !actual.includes(x));
  const extra = actual.filter((x) => !expected.includes(x));
  return `missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]`;
}

/** SelfCommunity: at most one vote POST per item, right after a clean read showing the expected state. */
function assertVoteProtocol(
  log: readonly LoggedRequest[],
  faulted: Map<LoggedRequest, FaultSpec>,
  prepared: PreparedWithTargets,
  snapshots: Map<LoggedRequest, number | null | undefined>,
): void {
  const posts = log.filter((e) => e.server === 'selfcommunity' && e.method === 'POST');
  for (const p of posts) assert.ok(SC_VOTE.test(p.path), `unexpected POST ${p.path}`);
  for (const w of prepared.writes) {
    const item = scPath(w.reaction);
    const all = posts.filter((p) => p.path === `${item}vote/`);
    // a refused POST (429) was not applied: it is sent again, but only after a fresh read of the item
    const refused = all.filter((p) => p.status === 429);
    for (const r of refused) {
      const next = all[all.indexOf(r) + 1];
      if (!next) continue;
      const between = log.slice(log.indexOf(r) + 1, log.indexOf(next));
      assert.ok(
        between.some((e) => e.method === 'GET' && e.path === item && e.status === 200),
        `a refused vote POST on ${item} was sent again without reading the item first`,
      );
    }
    const mine = all.filter((p) => p.status !== 429);
    assert.ok(mine.length <= 1, `${mine.length} vote POSTs on ${item}: a POST must never be repeated`);
    if (mine.length === 0) continue;
    const post = mine[0];
    const i = log.indexOf(post);
    const read = log
      .slice(0, i)
      .filter((e) => e.method === 'GET' && e.path === item)
      .at(-1);
    assert.ok(read, `vote POST on ${item} without a read before it`);
    assert.strictEqual(read.status, 200, `the read before the vote POST on ${item} failed (${read.status})`);
    assert.ok(!faulted.has(read), `the read before the vote POST on ${item} was a faulty answer`);
    assert.ok(snapshots.has(read), 'state snapshot of the read');
    const shown = snapshots.get(read);
    const param = post.query.reaction;
    if (w.rule === 'remove') {
      assert.ok(shown !== undefined, 'remove POSTed on an item the read showed as not voted (that ADDS a vote)');
      assert.strictEqual(param, shown === null ? undefined : String(shown), 'remove must POST the current reaction');
    } else if (w.rule === 'change') {
      assert.ok(shown !== undefined, 'change POSTed on an item the read showed as not voted (that ADDS a vote)');
      assert.notStrictEqual(
        String(shown),
        w.to!.id,
        'change POSTed the reaction the item already had (that REMOVES the vote)',
      );
      assert.strictEqual(param, w.to!.id);
    } else {
      assert.strictEqual(
        shown,
        undefined,
        'restore POSTed on an item the read showed as voted (that removes or changes it)',
      );
      assert.strictEqual(param ?? '', w.reaction.kind.id);
    }
    // an unknown outcome is resolved by a read after the POST
    const unknown = post.status === 0 || post.status >= 500 || (faulted.get(post)?.malformedJson ?? false);
    if (unknown)
      assert.ok(
        log.slice(i + 1).some((e) => e.method === 'GET' && e.path === item),
        'a vote POST with an unknown outcome must be followed by a read',
      );
  }
}

/** Tines: at most one write per comment, value and action; an unknown outcome is followed by a read. */
function assertTinesWrites(log: readonly LoggedRequest[], faulted: Map<LoggedRequest, FaultSpec>): void {
  const seen = new Set<string>();
  log.forEach((e, i) => {
    if (e.server !== 'tines' || e.method !== 'POST') return;
    const m = TINES_WRITE.exec(e.path);
    assert.ok(m, `unexpected POST ${e.path}`);
    if (e.status === 429) return; // refused, not applied: sent again after the wait
    const key = `${m[1]}/${m[2]}/${m[3]}/${e.body}`;
    assert.ok(!seen.has(key), `write repeated: ${e.path} ${e.body}`);
    seen.add(key);
    const unknown = e.status === 0 || e.status >= 500 || (faulted.get(e)?.malformedJson ?? false);
    if (unknown) {
      const comment = `/api/v2/cases/${m[1]}/comments/${m[2]}`;
      assert.ok(
        log.slice(i + 1).some((x) => x.method === 'GET' && x.path === comment),
        `a ${m[3]} with an unknown outcome must be followed by a read of the comment`,
      );
    }
  });
}

/**
 * After a 429: the same request is not repeated within the window (Retry-After, or the client's own
 * back-off without one), and nothing else is sent on that route within it either, apart from requests
 * that were already on their way when the 429 arrived (at most the client's concurrency, within GRACE_MS).
 */
/** Requests on their way when the 429 came may arrive this late (2 shared cores under load). */
const GRACE_MS = 150;
function assertRateRespected(log: readonly LoggedRequest[], main: FaultSpec, concurrency: number): void {
  if (main.status !== 429) return;
  const route = log.filter(
    (e) => e.server !== 'other' && (!main.method || e.method === main.method) && pathMatches(main.path, e.path),
  );
  const limited = route.filter((e) => e.status === 429);
  assert.ok(limited.length > 0, 'the 429 was served');
  const window = main.retryAfter ? RETRY_AFTER_MS : 2 * RETRY_BASE_MS;
  for (const e of limited) {
    const answered = e.time + e.ms;
    const after = route.filter((x) => x !== e && x.time >= answered);
    const again = after.find((x) => x.url === e.url);
    if (again)
      assert.ok(
        again.time - answered >= window - 5,
        `${e.method} ${e.path} repeated ${again.time - answered} ms after its 429 (window ${window} ms)`,
      );
    const inGrace = after.filter((x) => x.time - answered < Math.min(GRACE_MS, window - 5));
    assert.ok(
      inGrace.length <= concurrency,
      `${inGrace.length} requests right after a 429: more than were on their way`,
    );
    for (const x of after) {
      const gap = x.time - answered;
      assert.ok(
        gap < GRACE_MS || gap >= window - 5,
        `${x.method} ${x.path} ${gap} ms after a 429 (window ${window} ms)`,
      );
    }
  }
  // a refused request, read or write, is sent again after the pause until it is answered
  for (const e of limited)
    assert.ok(
      route.some((x) => x.url === e.url && x.time > e.time && x.status !== 429),
      `${e.method} ${e.path} refused (429) and never sent again`,
    );
}

function assertNoLeaks(emu: Emulator, observed: Observed, logger: MemoryLogger, cell: Cell): void {
  for (const e of errorsOf(observed)) assertNoToken(emu, e, String(e), e.bodyExcerpt ?? '', e.serverMessage ?? '');
  if (observed.error !== undefined && !(observed.error instanceof ReactionsError)) assertNoToken(emu, observed.error);
  assertNoToken(emu, logger.lines.join('\n'));
  const tokens = allTokens(emu);
  for (const r of [...emu.requests, ...emu.otherOrigin.requests]) {
    for (const t of tokens) assert.ok(!r.url.includes(t), `token in a request URL: ${r.method} ${r.path}`);
  }
  assert.ok(
    emu.otherOrigin.requests.every((r) => !r.headers.authorization),
    'an Authorization header reached the other origin',
  );
  if (cell.fault.spec.redirectTo || cell.fault.spec.crossOriginNext) {
    assert.strictEqual(emu.otherOrigin.requests.length, 0, 'nothing is sent to the other origin');
  }
}

// ---- the suite -------------------------------------------------------------------------------------

describe('fault matrix', function () {
  this.timeout(15_000);
  let world: World;

  before(async () => {
    const emu = await startEmulator({
      seed: 31,
      sc: { statuses: 12, discussions: 5, posts: 5, commentsPerItem: 1, replyRate: 0.3, maxLimit: 5 },
      tines: { cases: 6, commentsPerCase: 4, maxPerPage: 3, teams: 2 },
      onRequest: (e) => onRequest?.(e),
    });
    const alice = emu.users.find((u) => u.name === 'alice')!;
    const quiet: ClientOptions = { retryBaseMs: RETRY_BASE_MS };
    const scAccount = await selfCommunity.signIn({ baseUrl: emu.selfcommunityUrl, token: alice.scToken }, quiet);
    const tinesAccount = await tines.signIn(
      { baseUrl: emu.tinesUrl, token: alice.tinesToken, email: alice.email },
      quiet,
    );
    const scService = selfCommunity.connect(scAccount, () => alice.scToken, quiet);
    const scAll = (await collect(scService.listReactions())).items;
    const kinds = await scService.reactionKinds();
    // a spread over the item types, reactions with an id (so change and undo have something to send)
    const scPool: Reaction[] = [];
    for (const type of ['status', 'comment', 'discussion', 'post', 'status', 'comment']) {
      const r = scAll.find((x) => x.target.type === type && x.kind.id !== '' && !scPool.includes(x));
      if (r) scPool.push(r);
    }
    const tinesService = tines.connect(tinesAccount, () => alice.tinesToken, quiet);
    const tinesAll = (await collect(tinesService.listReactions())).items;
    const tinesPool: Reaction[] = [];
    for (const r of tinesAll)
      if (tinesPool.length < 6 && !tinesPool.some((x) => x.target.id === r.target.id)) tinesPool.push(r);
    assert.strictEqual(scPool.length, 6, 'the seed gives six SelfCommunity reactions to work on');
    assert.strictEqual(tinesPool.length, 6, 'the seed gives six Tines reactions to work on');
    const scChangeTo = new Map(scPool.map((r) => [r.id, kinds.find((k) => k.id !== r.kind.id)!] as const));
    const tinesOriginal = new Map(
      tinesPool.map(
        (r) =>
          [
            r.id,
            new Set(tinesState(emu).filter((e) => e.startsWith(`${r.target.parent!.id}/${r.target.id}/`))),
          ] as const,
      ),
    );
    world = { emu, alice, scAccount, tinesAccount, scPool, tinesPool, scChangeTo, tinesOriginal };
  });

  after(async () => {
    await world?.emu.close();
  });

  /** Puts every pool reaction back to how the seed had it. */
  function resetPool(): void {
    const { emu } = world;
    for (const r of world.scPool)
      emu.sc.setVote(r.target.type, r.target.id, 'alice', r.kind.id === '' ? null : Number(r.kind.id));
    for (const r of world.tinesPool) {
      const prefix = `${r.target.parent!.id}/${r.target.id}/`;
      const want = world.tinesOriginal.get(r.id)!;
      const have = new Set(tinesState(emu).filter((e) => e.startsWith(prefix)));
      for (const e of have)
        if (!want.has(e)) emu.tines.removeReaction(r.target.parent!.id, r.target.id, 'alice', e.split('/')[2] as never);
      for (const e of want)
        if (!have.has(e)) emu.tines.addReaction(r.target.parent!.id, r.target.id, 'alice', e.split('/')[2] as never);
    }
  }

  afterEach(() => {
    onRequest = undefined;
    world?.emu.clearFaults();
  });

  for (const cell of CELLS) {
    it(cell.name, async () => {
      const { emu } = world;
      resetPool();
      const logger = new MemoryLogger();
      const ctx: CellCtx = { world, options: clientOptions(logger), index: cell.index };
      const prepared = await cell.def.prepare(ctx);
      const stateOf = cell.def.service === 'selfcommunity' ? scState : tinesState;
      const before = stateOf(emu);
      const othersBefore = [
        scState(emu, 'bob'),
        scState(emu, 'carol'),
        tinesState(emu, 'bob'),
        tinesState(emu, 'carol'),
      ];
      emu.clearLog();

      // what each SelfCommunity item read showed (the state the answer was built from)
      const snapshots = new Map<LoggedRequest, number | null | undefined>();
      onRequest = (entry) => {
        const m = entry.server === 'selfcommunity' && entry.method === 'GET' ? SC_ITEM.exec(entry.path) : null;
        if (m) snapshots.set(entry, emu.sc.voteOf(m[1], m[2], 'alice')?.reactionId);
      };

      const specs = cell.placement.specs(cell.fault, prepared, cell.times);
      for (const spec of specs) emu.fault(spec);
      const observed: Observed = {};
      try {
        const value = await prepared.run();
        if (cell.def.operation === 'bulk remove') observed.summary = value as BulkSummary;
        else observed.value = value;
      } catch (e) {
        observed.error = e;
      }
      emu.clearFaults();
      // let aborted (hanging) requests be logged as given up
      await sleep(5);

      const expect = cell.placement.expect(cell.fault);
      if (process.env.FAULT_MATRIX_VERBOSE) {
        const e = observed.error as ReactionsError | undefined;
        const shown = e
          ? `${e.kind}: ${e.message}`
          : observed.summary
            ? JSON.stringify({
                removed: observed.summary.removed.length,
                failed: observed.summary.failed.map((f) => `${f.error.kind}: ${f.error.message}`),
              })
            : 'ok';
        console.log(`      ${cell.name} → ${shown}`);
      }
      const log = [...emu.requests];
      const faulted = faultedRequests(specs, log);
      assert.ok(faulted.size > 0, 'the fault was hit (the cell tests what it says)');

      assertNoLeaks(emu, observed, logger, cell);
      assertOutcome(cell, expect, observed, prepared);
      assertState(expect, before, stateOf(emu), prepared);
      assert.deepStrictEqual(
        [scState(emu, 'bob'), scState(emu, 'carol'), tinesState(emu, 'bob'), tinesState(emu, 'carol')],
        othersBefore,
        "other users' reactions are untouched",
      );
      if (cell.def.service === 'selfcommunity') assertVoteProtocol(log, faulted, prepared, snapshots);
      else assertTinesWrites(log, faulted);
      if (cell.def.operation === 'sign-in' || cell.def.operation === 'list')
        assert.ok(
          log.every((e) => e.method === 'GET'),
          'reads only',
        );
      assertRateRespected(log, specs[0], ctx.options.maxConcurrency!);
    });
  }
});

// ---- bad input at sign-in ----------------------------------------------------------------------------

describe('bad input at sign-in', () => {
  let emu: Emulator;
  let alice: EmulatorUser;
  before(async () => {
    emu = await startEmulator({
      seed: 2,
      sc: { statuses: 3, discussions: 1, posts: 1, commentsPerItem: 0 },
      tines: { cases: 1, commentsPerCase: 1 },
    });
    alice = emu.users.find((u) => u.name === 'alice')!;
  });
  after(() => emu.close());
  beforeEach(() => emu.clearLog());

  /** Both services' sign-in, with the input a person typed. */
  const signIns = () => [
    {
      name: 'SelfCommunity',
      signIn: (baseUrl: string, token = alice.scToken) =>
        selfCommunity.signIn({ baseUrl, token }, clientOptions(new MemoryLogger())),
    },
    {
      name: 'Tines',
      signIn: (baseUrl: string, token = alice.tinesToken) =>
        tines.signIn({ baseUrl, token, email: alice.email }, clientOptions(new MemoryLogger())),
    },
  ];

  /** Expects a rejection before any request: the promise rejects (so no Account is returned) and the log is empty. */
  async function refusedBeforeAnyRequest(fn: () => Promise<Account>, kind: ErrorKind, message: RegExp): Promise<void> {
    const e = await rejectsKind(fn, kind);
    assert.match(e.message, message);
    assertNoToken(emu, e);
    assert.strictEqual(
      emu.requests.length + emu.otherOrigin.requests.length,
      0,
      `no request for a refused input (${e.message})`,
    );
  }

  const malformed: Array<[string, RegExp]> = [
    ['', /Enter the URL/],
    ['   ', /Enter the URL/],
    ['https://exa mple.com', /contains a space/],
    ['https://', /not a valid URL/],
    ['http://[::1', /not a valid URL/],
    ['ftp://community.example.com', /"ftp:" is not supported/],
    ['file:///etc/passwd', /"file:" is not supported/],
    ['javascript:alert(1)', /"javascript:" must be followed by "\/\/"/],
    ['htp:/community.example.com', /"htp:" must be followed by "\/\/"/],
    ['http//community.example.com', /a colon is missing/],
  ];
  for (const [url, message] of malformed) {
    it(`a malformed URL ${JSON.stringify(url)} is refused with a clear message and no request`, async () => {
      for (const s of signIns()) await refusedBeforeAnyRequest(() => s.signIn(url), 'invalid-input', message);
    });
  }

  for (const url of [
    'http://community.example.com',
    'http://10.0.0.5:8080',
    'http://127.0.0.1.nip.io',
    'http://localhost.evil.example',
    'http://0.0.0.0:3000',
  ]) {
    it(`plain http to a non-loopback host (${url}) is refused: tokens only travel over https`, async () => {
      for (const s of signIns()) await refusedBeforeAnyRequest(() => s.signIn(url), 'unsafe', /only sent over https/);
    });
  }

  it('http to a loopback host is allowed (the emulator), https is the default for a bare host name', async () => {
    for (const s of signIns()) {
      const base = s.name === 'Tines' ? emu.tinesUrl : emu.selfcommunityUrl;
      const account = await s.signIn(base.replace('127.0.0.1', 'localhost'));
      assert.ok(account.baseUrl.startsWith('http://localhost:'));
    }
  });

  for (const [label, url] of [
    ['user and password', 'https://alice:pw-Zx81@community.example.com'],
    ['a token as user name', 'https://sc-demo-alice-Q7x2@community.example.com'],
  ]) {
    it(`a URL with credentials (${label}) is refused without echoing them`, async () => {
      for (const s of signIns()) {
        await refusedBeforeAnyRequest(() => s.signIn(url), 'unsafe', /must not contain a user name or password/);
        const e = await s.signIn(url).catch((x: Error) => x);
        assert.ok(!String((e as Error).message).includes('pw-Zx81'), 'the password is not echoed');
      }
    });
  }

  for (const url of [
    'https://community.example.com/?token=abc',
    'https://community.example.com/api/v2?x=1',
    'https://community.example.com/#access_token=abc',
  ]) {
    it(`a URL with a query or fragment (${url}) is refused`, async () => {
      for (const s of signIns())
        await refusedBeforeAnyRequest(() => s.signIn(url), 'invalid-input', /must not contain a query/);
    });
  }

  for (const token of ['', '   ', '\t\n']) {
    it(`an empty or blank token (${JSON.stringify(token)}) is refused before any request`, async () => {
      await refusedBeforeAnyRequest(
        () => signIns()[0].signIn(emu.selfcommunityUrl, token),
        'invalid-input',
        /Enter an access token/,
      );
      await refusedBeforeAnyRequest(
        () => signIns()[1].signIn(emu.tinesUrl, token),
        'invalid-input',
        /Enter an API key/,
      );
    });
  }

  it('a token with spaces inside (two pasted together, "Bearer x") is refused before any request', async () => {
    await refusedBeforeAnyRequest(
      () => signIns()[0].signIn(emu.selfcommunityUrl, `Bearer ${alice.scToken}`),
      'invalid-input',
      /contains spaces/,
    );
    await refusedBeforeAnyRequest(
      () => signIns()[1].signIn(emu.tinesUrl, `${alice.tinesToken} ${alice.tinesToken}`),
      'invalid-input',
      /contains spaces/,
    );
  });

  it('a SelfCommunity token on the Tines URL: one request, rejected, the key is not echoed', async () => {
    const logger = new MemoryLogger();
    const e = await rejectsKind(
      () => tines.signIn({ baseUrl: emu.tinesUrl, token: alice.scToken, email: alice.email }, clientOptions(logger)),
      'auth',
    );
    assert.match(e.message, /rejected the API key.*Personal API key/);
    assert.strictEqual(emu.requests.length, 1, 'a 401 is not retried');
    assertNoToken(emu, e, logger.lines.join('\n'));
  });

  it('a Tines key on the SelfCommunity URL: one request, rejected, the token is not echoed', async () => {
    const logger = new MemoryLogger();
    const e = await rejectsKind(
      () => selfCommunity.signIn({ baseUrl: emu.selfcommunityUrl, token: alice.tinesToken }, clientOptions(logger)),
      'auth',
    );
    assert.match(e.message, /rejected the token.*access token for this community/);
    assert.strictEqual(emu.requests.length, 1);
    assertNoToken(emu, e, logger.lines.join('\n'));
  });

  it("the right token on the other service's URL says the URL is wrong", async () => {
    // each server answers the other's route with an HTML 404
    const sc = await rejectsKind(
      () => selfCommunity.signIn({ baseUrl: emu.tinesUrl, token: alice.scToken }, clientOptions(new MemoryLogger())),
      'invalid-input',
    );
    assert.match(sc.message, /No SelfCommunity API at .*Check the community URL/);
    const t = await rejectsKind(
      () =>
        tines.signIn(
          { baseUrl: emu.selfcommunityUrl, token: alice.tinesToken, email: alice.email },
          clientOptions(new MemoryLogger()),
        ),
      'invalid-input',
    );
    assert.match(t.message, /No Tines API at .*Check the tenant URL/);
    assertNoToken(emu, sc, t);
  });

  it('a Tines key that is not personal (service key, its own identity) is refused with a message about Personal keys', async () => {
    const e = await rejectsKind(
      () =>
        tines.signIn(
          { baseUrl: emu.tinesUrl, token: emu.tinesServiceKey, email: 'automation-service@tines.invalid' },
          clientOptions(new MemoryLogger()),
        ),
      'invalid-input',
    );
    assert.match(e.message, /Personal API key/);
    assert.match(e.message, /service account/);
    assertNoToken(emu, e);
    assert.ok(
      emu.requests.every((r) => r.method === 'GET'),
      'sign-in never writes (no probing by adding a reaction)',
    );
  });
});
