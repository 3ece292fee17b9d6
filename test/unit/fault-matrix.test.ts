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
 *   5. 429: no request to the route within the Retry-After window; without Retry-After, a back-off.
 *
 * At the end, when every cell ran, the suite writes docs/fault-matrix.md (✓ per passing cell, ✗ per
 * failing one). It is part of the unit suite (`npx mocha`).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, type Emulator, type EmulatorUser, type FaultSpec, type LoggedRequest } from '../emulator';
import { MemoryLogger } from '../../src/core/log';
import { ReactionsError, type ErrorKind } from '../../src/core/errors';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import { tines, TINES_KINDS } from '../../src/core/services/tines';
import type { ClientOptions } from '../../src/core/services/service';
import type { Account, Reaction, ReactionKind } from '../../src/core/model';
import { removeMany, type BulkSummary } from '../../src/core/bulk';
import { assertNoToken, allTokens, collect, rejectsKind } from '../support';

// ---- the axes ------------------------------------------------------------------------------------

type ServiceName = 'selfcommunity' | 'tines';
type OperationName = 'sign-in' | 'list' | 'remove' | 'change' | 'undo' | 'bulk remove';
const OPERATIONS: readonly OperationName[] = ['sign-in', 'list', 'remove', 'change', 'undo', 'bulk remove'];
const SERVICES: readonly ServiceName[] = ['selfcommunity', 'tines'];

interface Fault {
  readonly id: string;
  readonly spec: Omit<FaultSpec, 'path' | 'method' | 'server'>;
  /** The error kind a read (or a write whose outcome is known) fails with. */
  readonly kind: ErrorKind;
  /** On a write, the outcome is unknown to the client (it must read to find out). */
  readonly unknownOnWrite?: boolean;
  /** The emulator applies the write before answering (malformed JSON). */
  readonly alwaysApplied?: boolean;
  /** Only meaningful on paginated reads. */
  readonly pagingOnly?: boolean;
}

const RETRY_AFTER_MS = 1000;

const FAULTS: readonly Fault[] = [
  { id: '401', spec: { status: 401 }, kind: 'auth' },
  { id: '403', spec: { status: 403 }, kind: 'forbidden' },
  { id: '404', spec: { status: 404 }, kind: 'not-found' },
  { id: '410', spec: { status: 410 }, kind: 'not-found' },
  { id: '422', spec: { status: 422 }, kind: 'client' },
  { id: '429 + Retry-After', spec: { status: 429, retryAfter: String(RETRY_AFTER_MS / 1000) }, kind: 'rate-limited' },
  { id: '429', spec: { status: 429 }, kind: 'rate-limited' },
  { id: '500', spec: { status: 500 }, kind: 'server', unknownOnWrite: true },
  { id: '502', spec: { status: 502 }, kind: 'server', unknownOnWrite: true },
  { id: '503', spec: { status: 503 }, kind: 'server', unknownOnWrite: true },
  { id: 'timeout', spec: { hang: true }, kind: 'timeout', unknownOnWrite: true },
  { id: 'reset', spec: { reset: true }, kind: 'network', unknownOnWrite: true },
  { id: 'malformed JSON', spec: { malformedJson: true }, kind: 'bad-response', alwaysApplied: true },
  { id: 'redirect off-origin', spec: { redirectTo: 'other-origin' }, kind: 'unsafe' },
  { id: 'next off-origin', spec: { crossOriginNext: true }, kind: 'unsafe', pagingOnly: true },
];
const fault = (id: string) => FAULTS.find((f) => f.id === id)!;

/** Client settings that keep the matrix fast: it is about behaviour, not waiting. */
const TIMEOUT_MS = 300;
const RETRY_BASE_MS = 10;
function clientOptions(logger: MemoryLogger): ClientOptions {
  return {
    timeoutMs: TIMEOUT_MS,
    retries: 1,
    retryBaseMs: RETRY_BASE_MS,
    maxRetryAfterMs: 2 * RETRY_AFTER_MS,
    maxConcurrency: 4,
    logger,
  };
}

// ---- what a cell expects --------------------------------------------------------------------------

/** How the user's reactions should look afterwards, relative to before the operation. */
type StateChange = 'unchanged' | 'changed' | 'partial';

type Expect =
  | { readonly ok: 'ok' | 'removed' | 'target-deleted'; readonly state: StateChange }
  | { readonly kind: ErrorKind; readonly state: StateChange; readonly message?: RegExp };

const ok = (outcome: 'ok' | 'removed' | 'target-deleted' = 'ok', state: StateChange = 'changed'): Expect => ({
  ok: outcome,
  state,
});
const fails = (kind: ErrorKind, state: StateChange = 'unchanged', message?: RegExp): Expect => ({
  kind,
  state,
  message,
});

/** What happened, per kind: every error message must say it. */
const WHAT: Partial<Record<ErrorKind, RegExp>> = {
  auth: /rejected|401/i,
  forbidden: /403|denied|not allowed/i,
  'not-found': /404|410|not found|gone|deleted/i,
  client: /refused|\b4\d\d\b/i,
  'rate-limited': /429|too many requests/i,
  server: /\b5\d\d\b|server failed/i,
  timeout: /no answer within/i,
  network: /connection|network/i,
  'bad-response': /not valid JSON|unexpected|without/i,
  unsafe: /another site/i,
  'unknown-outcome': /could not confirm|did not (answer|confirm)|still shows|not changed|could not be put back/i,
  conflict: /still shows|could not remove|meanwhile|already removed|not changed|does not show/i,
  'invalid-input': /no selfcommunity api|no tines api|no member/i,
};
/** What to do: every error message must say that too. */
const WHAT_TO_DO = /\b(try again|refresh|check|update|wait|remove .{1,40} again|enter)\b/i;

// ---- the world ------------------------------------------------------------------------------------

interface World {
  emu: Emulator;
  alice: EmulatorUser;
  scAccount: Account;
  tinesAccount: Account;
  /** Reactions the write cells work on, reset to their original state before each cell. */
  scPool: Reaction[];
  tinesPool: Reaction[];
  /** The kind each SelfCommunity pool reaction is changed to (active, different from the current). */
  scChangeTo: Map<string, ReactionKind>;
  tinesOriginal: Map<string, Set<string>>;
}

/** Per-cell hooks the emulator's onRequest calls (state snapshots of SelfCommunity item reads). */
let onRequest: ((entry: LoggedRequest) => void) | undefined;

const SC_ITEM = /^\/api\/v2\/(status|discussion|post|comment)\/(\d+)\/$/;
const SC_VOTE = /^\/api\/v2\/(status|discussion|post|comment)\/(\d+)\/vote\/$/;
const TINES_WRITE = /^\/api\/v2\/cases\/(\d+)\/comments\/(\d+)\/(add_reaction|remove_reaction)$/;

const scPath = (r: Reaction) => `/api/v2/${r.target.type}/${r.target.id}/`;
const tinesCommentPath = (r: Reaction) => `/api/v2/cases/${r.target.parent!.id}/comments/${r.target.id}`;

function scState(emu: Emulator, user: 'alice' | 'bob' | 'carol' = 'alice'): string[] {
  return emu.sc
    .votesOf(user)
    .map((v) => `${v.type}:${v.id}=${v.reactionId ?? 'none'}`)
    .sort();
}
function tinesState(emu: Emulator, user: 'alice' | 'bob' | 'carol' = 'alice'): string[] {
  return emu.tines
    .reactionsOf(user)
    .map((t) => `${t.caseId}/${t.commentId}/${t.value}`)
    .sort();
}
const scKey = (r: Reaction) => `${r.target.type}:${r.target.id}`;
const scEntry = (r: Reaction, kindId = r.kind.id) => `${scKey(r)}=${kindId === '' ? 'none' : kindId}`;
const tinesEntry = (r: Reaction, value = r.kind.id) => `${r.target.parent!.id}/${r.target.id}/${value}`;

function withEntry(state: readonly string[], entry: string, key = entry.split('=')[0]): string[] {
  return [...state.filter((e) => e.split('=')[0] !== key), entry].sort();
}
function withoutKey(state: readonly string[], key: string): string[] {
  return state.filter((e) => e.split('=')[0] !== key);
}

// ---- operations ------------------------------------------------------------------------------------

interface Observed {
  value?: unknown;
  error?: unknown;
  summary?: BulkSummary;
}

interface Prepared {
  run(): Promise<unknown>;
  /** The state after a success (from the state before). */
  intended(before: string[]): string[];
  /** The state after a half-done operation (Tines change: added, old not removed). */
  partial?(before: string[]): string[];
  /** Reactions written to, with the rule their SelfCommunity vote POST must follow. */
  writes: Array<{ reaction: Reaction; rule: 'remove' | 'change' | 'restore'; to?: ReactionKind }>;
  /** Checks a successful result beyond the state (e.g. the listing equals the server's truth). */
  checkValue?(value: unknown): void;
}

interface CellCtx {
  world: World;
  options: ClientOptions;
  /** Distinct index of the cell, to spread cells over the pool. */
  index: number;
}

interface Placement {
  /** Shown in the test name, e.g. "vote POST, applied first". */
  readonly id: string;
  applies(f: Fault): boolean;
  /** The fault specs to install; the first is the cell's fault (the rate checks look at its route). */
  specs(f: Fault, p: PreparedWithTargets, times?: number): FaultSpec[];
  expect(f: Fault): Expect;
}

type PreparedWithTargets = Prepared & { targets: Reaction[] };

interface OperationDef {
  readonly service: ServiceName;
  readonly operation: OperationName;
  prepare(ctx: CellCtx): Promise<PreparedWithTargets>;
  readonly placements: readonly Placement[];
}

const notPaging = (f: Fault) => !f.pagingOnly;
/**
 * Faults on the read that verifies a write. Not 404/410: right after a successful write that would be a real
 * deletion, which a fault cannot fake. Not 429 + Retry-After: the wait is covered on the reads before the
 * write, and here it would only slow the matrix down.
 */
const verifyApplies = (f: Fault) => notPaging(f) && f.id !== '404' && f.id !== '410' && f.id !== '429 + Retry-After';
const isUnknownWrite = (f: Fault) => !!f.unknownOnWrite;

/** A fault on the route(s) of a read the operation cannot do without. */
function readPlacement(
  id: string,
  route: (p: PreparedWithTargets) => Omit<FaultSpec, 'status'>,
  expect: (f: Fault) => Expect,
  applies = notPaging,
): Placement {
  return {
    id,
    applies,
    specs: (f, p, times) => [{ ...route(p), ...f.spec, times }],
    expect,
  };
}

/** Expectation for a write whose fault hit the POST and did not apply (unless malformed JSON, which always does). */
function writeExpect(f: Fault, success: Expect): Expect {
  if (f.alwaysApplied) return success;
  if (f.unknownOnWrite) return fails('unknown-outcome');
  return fails(f.kind);
}

function scOps(): OperationDef[] {
  const SERVER = 'selfcommunity' as const;
  const connect = (ctx: CellCtx) =>
    selfCommunity.connect(ctx.world.scAccount, () => ctx.world.alice.scToken, ctx.options);
  const poolItem = (ctx: CellCtx, offset = 0) => ctx.world.scPool[(ctx.index + offset) % ctx.world.scPool.length];

  const itemGet = (p: PreparedWithTargets): Omit<FaultSpec, 'status'> =>
    p.targets.length === 1
      ? { server: SERVER, method: 'GET', path: scPath(p.targets[0]) }
      : { server: SERVER, method: 'GET', path: SC_ITEM };
  const votePost = (p: PreparedWithTargets): Omit<FaultSpec, 'status'> =>
    p.targets.length === 1
      ? { server: SERVER, method: 'POST', path: `${scPath(p.targets[0])}vote/` }
      : { server: SERVER, method: 'POST', path: SC_VOTE };

  /** The placements every SelfCommunity write shares: the read before, the POST, the read after. */
  const writePlacements = (success: Expect, onItemGone: Expect, single = true): Placement[] => [
    readPlacement('item GET', itemGet, (f) => (f.id === '404' || f.id === '410' ? onItemGone : fails(f.kind))),
    readPlacement('vote POST', votePost, (f) => writeExpect(f, success)),
    {
      id: 'vote POST, applied first',
      applies: isUnknownWrite,
      specs: (f, p, times) => [{ ...votePost(p), ...f.spec, applyFirst: true, times }],
      expect: () => success,
    },
    ...(single
      ? [
          {
            id: 'verify GET',
            applies: verifyApplies,
            specs: (f: Fault, p: PreparedWithTargets, times?: number) => [{ ...itemGet(p), ...f.spec, skip: 1, times }],
            expect: (): Expect => fails('unknown-outcome', success.state, /could not confirm/i),
          } satisfies Placement,
        ]
      : []),
  ];

  return [
    {
      service: 'selfcommunity',
      operation: 'sign-in',
      async prepare(ctx) {
        return {
          targets: [],
          writes: [],
          intended: (s) => s,
          run: () =>
            selfCommunity.signIn(
              { baseUrl: ctx.world.emu.selfcommunityUrl, token: ctx.world.alice.scToken },
              ctx.options,
            ),
          checkValue: (v) => assert.strictEqual((v as Account).id, ctx.world.scAccount.id),
        };
      },
      placements: [
        readPlacement(
          'GET /user/me/',
          () => ({ server: SERVER, method: 'GET', path: '/api/v2/user/me/' }),
          (f) =>
            f.id === '401'
              ? fails('auth', 'unchanged', /rejected the token.*check that it is a current access token/i)
              : f.id === '404' || f.id === '410'
                ? fails('invalid-input', 'unchanged', /No SelfCommunity API/)
                : fails(f.kind),
        ),
      ],
    },
    {
      service: 'selfcommunity',
      operation: 'list',
      async prepare(ctx) {
        const service = connect(ctx);
        return {
          targets: [],
          writes: [],
          intended: (s) => s,
          run: async () => (await collect(service.listReactions())).items,
          checkValue: (v) =>
            assert.deepStrictEqual((v as Reaction[]).map((r) => scEntry(r)).sort(), scState(ctx.world.emu)),
        };
      },
      placements: [
        readPlacement(
          'list GETs',
          () => ({ server: SERVER, method: 'GET', path: /^\/api\/v2\/(status|discussion|post|comment)\/$/ }),
          (f) => fails(f.kind),
          () => true,
        ),
      ],
    },
    {
      service: 'selfcommunity',
      operation: 'remove',
      async prepare(ctx) {
        const r = poolItem(ctx);
        const service = connect(ctx);
        return {
          targets: [r],
          writes: [{ reaction: r, rule: 'remove' }],
          intended: (s) => withoutKey(s, scKey(r)),
          run: () => service.remove(r),
        };
      },
      placements: writePlacements(ok('removed'), ok('target-deleted', 'unchanged')),
    },
    {
      service: 'selfcommunity',
      operation: 'change',
      async prepare(ctx) {
        const r = poolItem(ctx);
        const to = ctx.world.scChangeTo.get(r.id)!;
        const service = connect(ctx);
        return {
          targets: [r],
          writes: [{ reaction: r, rule: 'change', to }],
          intended: (s) => withEntry(s, scEntry(r, to.id)),
          // what the UI does: pick from the catalog, then change
          run: async () => {
            const kinds = await service.reactionKinds();
            const picked = kinds.find((k) => k.id === to.id);
            assert.ok(picked, `the catalog offers ${to.label}`);
            return service.change(r, picked);
          },
          checkValue: (v) => assert.strictEqual((v as Reaction).kind.id, to.id),
        };
      },
      placements: [
        readPlacement(
          'catalog GET',
          () => ({ server: SERVER, method: 'GET', path: '/api/v2/reaction/' }),
          (f) => fails(f.kind),
          () => true,
        ),
        ...writePlacements(ok(), fails('not-found', 'unchanged', /deleted/)),
      ],
    },
    {
      service: 'selfcommunity',
      operation: 'undo',
      async prepare(ctx) {
        const r = poolItem(ctx);
        // the removal being undone (done without faults)
        ctx.world.emu.sc.setVote(r.target.type, r.target.id, 'alice', undefined);
        const service = connect(ctx);
        return {
          targets: [r],
          writes: [{ reaction: r, rule: 'restore' }],
          intended: (s) => withEntry(s, scEntry(r)),
          run: () => service.restore(r),
          checkValue: (v) => assert.strictEqual((v as Reaction).kind.id, r.kind.id),
        };
      },
      placements: writePlacements(ok(), fails('not-found', 'unchanged', /deleted/)),
    },
    {
      service: 'selfcommunity',
      operation: 'bulk remove',
      async prepare(ctx) {
        const items = [0, 1, 2].map((i) => poolItem(ctx, i));
        const service = connect(ctx);
        return {
          targets: items,
          writes: items.map((reaction) => ({ reaction, rule: 'remove' as const })),
          intended: (s) => items.reduce((acc, r) => withoutKey(acc, scKey(r)), s),
          run: () => removeMany(items, () => service, { concurrency: 3 }),
        };
      },
      placements: writePlacements(ok('removed'), ok('target-deleted', 'unchanged'), false),
    },
  ];
}

function tinesOps(): OperationDef[] {
  const BOTH = fails('conflict', 'partial', /Both reactions are on the comment now/);
  const SERVER = 'tines' as const;
  const connect = (ctx: CellCtx) =>
    tines.connect(ctx.world.tinesAccount, () => ctx.world.alice.tinesToken, ctx.options);
  const poolItem = (ctx: CellCtx, offset = 0) => ctx.world.tinesPool[(ctx.index + offset) % ctx.world.tinesPool.length];
  const post = (action: 'add_reaction' | 'remove_reaction'): Omit<FaultSpec, 'status'> => ({
    server: SERVER,
    method: 'POST',
    path: new RegExp(`/${action}$`),
  });

  /**
   * POST placements of one write (remove_reaction or add_reaction): not applied (`failure` says what a
   * known failure gives; an unknown outcome must be resolved by a read), and applied before the answer was lost.
   */
  const postPlacements = (
    action: 'add_reaction' | 'remove_reaction',
    label: string,
    success: Expect,
    failure: (f: Fault) => Expect,
    unknown: Expect = fails('unknown-outcome'),
  ): Placement[] => [
    readPlacement(
      `${label} POST`,
      () => post(action),
      (f) => (f.alwaysApplied ? success : f.unknownOnWrite ? unknown : failure(f)),
    ),
    {
      id: `${label} POST, applied first`,
      applies: isUnknownWrite,
      specs: (f, _p, times) => [{ ...post(action), ...f.spec, applyFirst: true, times }],
      expect: () => success,
    },
  ];
  /**
   * The write applied but its answer was lost, and then the read that should tell fails. (The first GET
   * is the read before the write: a put-back reads first, and so does a key's first removal.)
   */
  const verifyPlacement = (action: 'add_reaction' | 'remove_reaction', success: Expect): Placement => ({
    id: 'verify GET',
    applies: verifyApplies,
    specs: (f, p, times) => [
      { server: SERVER, method: 'GET', path: tinesCommentPath(p.targets[0]), ...f.spec, skip: 1, times },
      { ...post(action), reset: true, applyFirst: true, times: 1 },
    ],
    expect: () => fails('unknown-outcome', success.state, /could not confirm/i),
  });

  return [
    {
      service: 'tines',
      operation: 'sign-in',
      async prepare(ctx) {
        const { alice, emu } = ctx.world;
        return {
          targets: [],
          writes: [],
          intended: (s) => s,
          run: () => tines.signIn({ baseUrl: emu.tinesUrl, token: alice.tinesToken, email: alice.email }, ctx.options),
          checkValue: (v) => assert.strictEqual((v as Account).id, ctx.world.tinesAccount.id),
        };
      },
      placements: [
        readPlacement(
          'GET /api/v1/info',
          () => ({ server: SERVER, method: 'GET', path: '/api/v1/info' }),
          (f) =>
            f.id === '401'
              ? fails('auth', 'unchanged', /rejected the API key.*check that it is a current Personal API key/i)
              : f.id === '404' || f.id === '410'
                ? fails('invalid-input', 'unchanged', /No Tines API/)
                : fails(f.kind),
        ),
        readPlacement(
          'GET teams, members',
          () => ({ server: SERVER, method: 'GET', path: /^\/api\/v1\/teams/ }),
          (f) =>
            ['403', '404', '410'].includes(f.id)
              ? fails('invalid-input', 'unchanged', /No member with the email.*Personal API key/)
              : fails(f.kind),
          () => true,
        ),
      ],
    },
    {
      service: 'tines',
      operation: 'list',
      async prepare(ctx) {
        const service = connect(ctx);
        return {
          targets: [],
          writes: [],
          intended: (s) => s,
          run: async () => (await collect(service.listReactions())).items,
          checkValue: (v) =>
            assert.deepStrictEqual((v as Reaction[]).map((r) => tinesEntry(r)).sort(), tinesState(ctx.world.emu)),
        };
      },
      placements: [
        readPlacement(
          'cases, comments GETs',
          () => ({ server: SERVER, method: 'GET', path: /^\/api\/v2\/cases(\/\d+\/comments)?$/ }),
          (f) => fails(f.kind),
          () => true,
        ),
      ],
    },
    {
      service: 'tines',
      operation: 'remove',
      async prepare(ctx) {
        const r = poolItem(ctx);
        const service = connect(ctx);
        return {
          targets: [r],
          writes: [],
          intended: (s) => s.filter((e) => e !== tinesEntry(r)),
          run: () => service.remove(r),
        };
      },
      placements: [
        ...postPlacements('remove_reaction', 'remove', ok('removed'), (f) => fails(f.kind)),
        verifyPlacement('remove_reaction', ok('removed')),
      ],
    },
    {
      service: 'tines',
      operation: 'change',
      async prepare(ctx) {
        const r = poolItem(ctx);
        const mine = new Set(
          tinesState(ctx.world.emu)
            .filter((e) => e.startsWith(`${r.target.parent!.id}/${r.target.id}/`))
            .map((e) => e.split('/')[2]),
        );
        const to = TINES_KINDS.find((k) => !mine.has(k.id))!;
        const service = connect(ctx);
        return {
          targets: [r],
          writes: [],
          intended: (s) => [...s.filter((e) => e !== tinesEntry(r)), tinesEntry(r, to.id)].sort(),
          partial: (s) => [...s, tinesEntry(r, to.id)].sort(),
          run: () => service.change(r, to),
          checkValue: (v) => assert.strictEqual((v as Reaction).kind.id, to.id),
        };
      },
      placements: [
        // the read that checks the old reaction is still there (a change must never add to a removed one)
        readPlacement(
          'comment GET',
          (p) => ({ server: SERVER, method: 'GET', path: tinesCommentPath(p.targets[0]) }),
          (f) => (f.id === '404' || f.id === '410' ? fails('not-found', 'unchanged', /deleted/) : fails(f.kind)),
        ),
        // then add the new one: when it fails nothing changed
        ...postPlacements('add_reaction', 'add', ok(), (f) =>
          f.kind === 'not-found' ? fails('not-found', 'unchanged', /deleted/) : fails(f.kind),
        ),
        // then remove the old one: when that fails, both are on the comment and the message says so
        ...postPlacements('remove_reaction', 'remove', ok(), () => BOTH, BOTH),
        // the old one's removal applied but its answer was lost, and the read that should tell fails
        {
          id: 'verify GET',
          applies: verifyApplies,
          specs: (f, p, times) => [
            { server: SERVER, method: 'GET', path: tinesCommentPath(p.targets[0]), ...f.spec, skip: 1, times },
            { ...post('remove_reaction'), reset: true, applyFirst: true, times: 1 },
          ],
          expect: () => fails('unknown-outcome', 'changed', /could not confirm that .+ was removed.*may show both/i),
        },
      ],
    },
    {
      service: 'tines',
      operation: 'undo',
      async prepare(ctx) {
        const r = poolItem(ctx);
        ctx.world.emu.tines.removeReaction(r.target.parent!.id, r.target.id, 'alice', r.kind.id as never);
        const service = connect(ctx);
        return {
          targets: [r],
          writes: [],
          intended: (s) => [...s, tinesEntry(r)].sort(),
          run: () => service.restore(r),
          checkValue: (v) => assert.strictEqual((v as Reaction).kind.id, r.kind.id),
        };
      },
      placements: [
        ...postPlacements('add_reaction', 'add', ok(), (f) =>
          f.kind === 'not-found' ? fails('not-found', 'unchanged', /deleted/) : fails(f.kind),
        ),
        verifyPlacement('add_reaction', ok()),
      ],
    },
    {
      service: 'tines',
      operation: 'bulk remove',
      async prepare(ctx) {
        const items = [0, 1, 2].map((i) => poolItem(ctx, i));
        const service = connect(ctx);
        return {
          targets: items,
          writes: [],
          intended: (s) => s.filter((e) => !items.some((r) => e === tinesEntry(r))),
          run: () => removeMany(items, () => service, { concurrency: 3 }),
        };
      },
      placements: postPlacements('remove_reaction', 'remove', ok('removed'), (f) => fails(f.kind)),
    },
  ];
}

// ---- the cells -------------------------------------------------------------------------------------

interface Cell {
  readonly name: string;
  readonly def: OperationDef;
  readonly placement: Placement;
  readonly fault: Fault;
  /** Set for transient cells: the fault hits this many times, then the server recovers. */
  readonly times?: number;
  readonly index: number;
}

const OPS: readonly OperationDef[] = [...scOps(), ...tinesOps()];

/** Transient faults (once) on reads: the client retries and the operation must succeed. */
const TRANSIENT: ReadonlyArray<{
  service: ServiceName;
  operation: OperationName;
  placement: string;
  faults: string[];
  expect: Expect;
}> = [
  {
    service: 'selfcommunity',
    operation: 'sign-in',
    placement: 'GET /user/me/',
    faults: ['429 + Retry-After', '429', '503', 'timeout', 'reset'],
    expect: ok('ok', 'unchanged'),
  },
  {
    service: 'selfcommunity',
    operation: 'list',
    placement: 'list GETs',
    faults: ['429', '502', 'timeout', 'reset'],
    expect: ok('ok', 'unchanged'),
  },
  {
    service: 'selfcommunity',
    operation: 'remove',
    placement: 'item GET',
    faults: ['429', '500', 'timeout', 'reset'],
    expect: ok('removed'),
  },
  {
    service: 'selfcommunity',
    operation: 'remove',
    placement: 'verify GET',
    faults: ['503', 'timeout', 'reset'],
    expect: ok('removed'),
  },
  {
    service: 'selfcommunity',
    operation: 'bulk remove',
    placement: 'item GET',
    faults: ['429 + Retry-After', '503', 'reset'],
    expect: ok('removed'),
  },
  {
    service: 'tines',
    operation: 'sign-in',
    placement: 'GET teams, members',
    faults: ['429 + Retry-After', '429', '503', 'timeout', 'reset'],
    expect: ok('ok', 'unchanged'),
  },
  {
    service: 'tines',
    operation: 'list',
    placement: 'cases, comments GETs',
    faults: ['429', '502', 'timeout', 'reset'],
    expect: ok('ok', 'unchanged'),
  },
  {
    service: 'tines',
    operation: 'remove',
    placement: 'verify GET',
    faults: ['429', '503', 'timeout', 'reset'],
    expect: ok('removed'),
  },
  { service: 'tines', operation: 'undo', placement: 'verify GET', faults: ['500', 'reset'], expect: ok() },
];

function buildCells(): Cell[] {
  const cells: Cell[] = [];
  const add = (def: OperationDef, placement: Placement, f: Fault, times?: number) => {
    const single = def.placements.length === 1 && !times;
    const where = single ? '' : ` [${placement.id}${times ? `, ${times === 1 ? 'once' : `${times}×`}` : ''}]`;
    cells.push({
      name: `${def.service} ${def.operation} × ${f.id}${where}`,
      def,
      placement,
      fault: f,
      times,
      index: cells.length,
    });
  };
  for (const def of OPS)
    for (const f of FAULTS) for (const placement of def.placements) if (placement.applies(f)) add(def, placement, f);
  for (const t of TRANSIENT) {
    const def = OPS.find((d) => d.service === t.service && d.operation === t.operation)!;
    const base = def.placements.find((p) => p.id === t.placement)!;
    for (const id of t.faults) add(def, { ...base, expect: () => t.expect }, fault(id), 1);
  }
  return cells;
}

const CELLS = buildCells();

// ---- checks ----------------------------------------------------------------------------------------

function pathMatches(pattern: string | RegExp, p: string): boolean {
  if (pattern instanceof RegExp) {
    pattern.lastIndex = 0;
    return pattern.test(p);
  }
  return pattern.endsWith('*') ? p.startsWith(pattern.slice(0, -1)) : p === pattern;
}

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
    const mine = posts.filter((p) => p.path === `${item}vote/`);
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
const GRACE_MS = 50;
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
  // reads are retried after the pause (the back-off), writes never
  if (main.method === 'GET' && !main.times)
    assert.ok(route.length >= 2, 'a rate-limited read is retried (after the pause)');
  if (main.method === 'POST')
    assert.ok(
      route.every((e, i) => route.findIndex((x) => x.path === e.path) === i),
      'a rate-limited write is not retried',
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

const results = new Map<string, 'pass' | 'fail'>();

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
    if (results.size === CELLS.length) writeReport();
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

  afterEach(function () {
    onRequest = undefined;
    world?.emu.clearFaults();
    const t = this.currentTest;
    if (t && CELLS.some((c) => c.name === t.title)) results.set(t.title, t.state === 'passed' ? 'pass' : 'fail');
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
      await new Promise((r) => setTimeout(r, 5));

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

// ---- the report ----------------------------------------------------------------------------------

function writeReport(): void {
  const rows = SERVICES.flatMap((s) => OPERATIONS.map((o) => ({ service: s, operation: o })));
  const passed = [...results.values()].filter((r) => r === 'pass').length;
  const failed = CELLS.length - passed;
  const transient = CELLS.filter((c) => c.times).length;
  const head = `| operation | ${FAULTS.map((f) => f.id).join(' | ')} |`;
  const rule = `|---|${FAULTS.map(() => ':-:').join('|')}|`;
  const lines = rows.map(({ service, operation }) => {
    const entries = FAULTS.map((f) => {
      const mine = CELLS.filter(
        (c) => c.def.service === service && c.def.operation === operation && c.fault.id === f.id,
      );
      if (mine.length === 0) return '—';
      const bad = mine.filter((c) => results.get(c.name) !== 'pass').length;
      const mark = bad ? '✗' : '✓';
      return mine.length > 1 ? `${mark} ${mine.length - bad}/${mine.length}` : mark;
    });
    return `| ${service} ${operation} | ${entries.join(' | ')} |`;
  });
  const summary = `${CELLS.length} cells (${transient} of them transient faults that must recover), ${FAULTS.length} faults, ${OPERATIONS.length} operations × ${SERVICES.length} services: ${
    failed ? `**${failed} failing**` : 'all passing'
  }.`;
  const placements = OPS.map((d) => `- **${d.service} ${d.operation}**: ${d.placements.map((p) => p.id).join('; ')}`);
  const detail = CELLS.map((c) => `- ${results.get(c.name) === 'pass' ? '✓' : '✗'} ${c.name}`);
  const text = [
    '# Fault matrix',
    '',
    '<!-- Generated by test/unit/fault-matrix.test.ts when every cell ran; do not edit by hand. -->',
    '',
    `**${summary}**`,
    '',
    'Every fault the emulator injects, crossed with every operation a person can start, for both services.',
    'Each cell is one mocha test against the emulator (part of `npx mocha`), and checks from',
    'the request log and the final server state that:',
    '',
    '1. the operation either succeeds with the state verified, or throws a `ReactionsError` whose kind fits the fault',
    '   and whose message says what happened and what to do;',
    "2. the user's reactions afterwards equal the ones before with only the intended change (or none) — no vote is",
    "   added or changed unintentionally — and the other users' reactions are untouched;",
    '3. SelfCommunity: at most one vote POST per item, sent only after a clean read showing the expected state, with',
    '   the reaction that read showed; a POST with an unknown outcome is resolved by a read, never by a second POST.',
    '   Tines: at most one write per comment, value and action; an unknown outcome is resolved by a read;',
    '4. no token in errors (message, stack, properties), log lines or request URLs; no Authorization header reaches',
    '   another origin, and redirects and `next` links to another origin are not followed;',
    '5. after a 429 nothing is sent to that route within the Retry-After window (or the back-off without one).',
    '',
    'A cell with several placements of the fault (the routes an operation uses: the read before a write, the write,',
    'the write applied before the answer is lost, the read that verifies it) shows passing/total. "—": the fault',
    'does not apply (an off-origin `next` link needs a paginated read).',
    '',
    head,
    rule,
    ...lines,
    '',
    'Placements per operation:',
    '',
    ...placements,
    '',
    `Transient cells (the fault hits once, the operation must succeed) are named "[…, once]". Client settings in the`,
    `matrix: timeout ${TIMEOUT_MS} ms, 1 retry for reads, back-off base ${RETRY_BASE_MS} ms, Retry-After ${RETRY_AFTER_MS / 1000} s.`,
    '',
    '<details><summary>Every cell</summary>',
    '',
    ...detail,
    '',
    '</details>',
    '',
  ].join('\n');
  const file = path.resolve(__dirname, '../../docs/fault-matrix.md');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  // SECURITY.md quotes the summary line between markers: keep it current
  const security = path.resolve(__dirname, '../../SECURITY.md');
  if (!failed && fs.existsSync(security)) {
    const current = fs.readFileSync(security, 'utf8');
    const updated = current.replace(
      /(<!-- fault-matrix-summary -->)[\s\S]*?(<!-- \/fault-matrix-summary -->)/,
      `$1**${summary}**$2`,
    );
    if (updated !== current) fs.writeFileSync(security, updated);
  }
}

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
