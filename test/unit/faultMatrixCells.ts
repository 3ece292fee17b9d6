/**
 * The fault matrix's definition, shared by its suite (test/unit/fault-matrix.test.ts) and by the script that
 * writes docs/fault-matrix.md (scripts/fault-matrix.ts): the axes (faults × operations × services), what each
 * cell expects, the operations and where each places its fault, and the cells. Nothing runs on import.
 */
import * as assert from 'assert';
import type { Emulator, EmulatorUser, FaultSpec } from '../emulator';
import type { MemoryLogger } from '../../src/core/log';
import type { ErrorKind } from '../../src/core/errors';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import { tines, TINES_KINDS } from '../../src/core/services/tines';
import type { ClientOptions } from '../../src/core/services/service';
import type { Account, Reaction, ReactionKind } from '../../src/core/model';
import { removeMany, type BulkSummary } from '../../src/core/bulk';
import { collect } from '../support';

// ---- the axes ------------------------------------------------------------------------------------

export type ServiceName = 'selfcommunity' | 'tines';
export type OperationName = 'sign-in' | 'list' | 'remove' | 'change' | 'undo' | 'bulk remove';
export const OPERATIONS: readonly OperationName[] = ['sign-in', 'list', 'remove', 'change', 'undo', 'bulk remove'];
export const SERVICES: readonly ServiceName[] = ['selfcommunity', 'tines'];

export interface Fault {
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

export const RETRY_AFTER_MS = 1000;

export const FAULTS: readonly Fault[] = [
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
export const fault = (id: string) => FAULTS.find((f) => f.id === id)!;

/** Client settings that keep the matrix fast: it is about behaviour, not waiting. */
export const TIMEOUT_MS = 300;
export const RETRY_BASE_MS = 10;
export function clientOptions(logger: MemoryLogger): ClientOptions {
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
export type StateChange = 'unchanged' | 'changed' | 'partial';

export type Expect =
  | { readonly ok: 'ok' | 'removed' | 'target-deleted'; readonly state: StateChange }
  | { readonly kind: ErrorKind; readonly state: StateChange; readonly message?: RegExp };

export const ok = (outcome: 'ok' | 'removed' | 'target-deleted' = 'ok', state: StateChange = 'changed'): Expect => ({
  ok: outcome,
  state,
});
export const fails = (kind: ErrorKind, state: StateChange = 'unchanged', message?: RegExp): Expect => ({
  kind,
  state,
  message,
});

/** What happened, per kind: every error message must say it. */
export const WHAT: Partial<Record<ErrorKind, RegExp>> = {
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
export const WHAT_TO_DO = /\b(try again|refresh|check|update|wait|remove .{1,40} again|enter)\b/i;

// ---- the world ------------------------------------------------------------------------------------

export interface World {
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

export const SC_ITEM = /^\/api\/v2\/(status|discussion|post|comment)\/(\d+)\/$/;
export const SC_VOTE = /^\/api\/v2\/(status|discussion|post|comment)\/(\d+)\/vote\/$/;
export const TINES_WRITE = /^\/api\/v2\/cases\/(\d+)\/comments\/(\d+)\/(add_reaction|remove_reaction)$/;

export const scPath = (r: Reaction) => `/api/v2/${r.target.type}/${r.target.id}/`;
export const tinesCommentPath = (r: Reaction) => `/api/v2/cases/${r.target.parent!.id}/comments/${r.target.id}`;

export function scState(emu: Emulator, user: 'alice' | 'bob' | 'carol' = 'alice'): string[] {
  return emu.sc
    .votesOf(user)
    .map((v) => `${v.type}:${v.id}=${v.reactionId ?? 'none'}`)
    .sort();
}
export function tinesState(emu: Emulator, user: 'alice' | 'bob' | 'carol' = 'alice'): string[] {
  return emu.tines
    .reactionsOf(user)
    .map((t) => `${t.caseId}/${t.commentId}/${t.value}`)
    .sort();
}
export const scKey = (r: Reaction) => `${r.target.type}:${r.target.id}`;
export const scEntry = (r: Reaction, kindId = r.kind.id) => `${scKey(r)}=${kindId === '' ? 'none' : kindId}`;
export const tinesEntry = (r: Reaction, value = r.kind.id) => `${r.target.parent!.id}/${r.target.id}/${value}`;

export function withEntry(state: readonly string[], entry: string, key = entry.split('=')[0]): string[] {
  return [...state.filter((e) => e.split('=')[0] !== key), entry].sort();
}
export function withoutKey(state: readonly string[], key: string): string[] {
  return state.filter((e) => e.split('=')[0] !== key);
}

// ---- operations ------------------------------------------------------------------------------------

export interface Observed {
  value?: unknown;
  error?: unknown;
  summary?: BulkSummary;
}

export interface Prepared {
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

export interface CellCtx {
  world: World;
  options: ClientOptions;
  /** Distinct index of the cell, to spread cells over the pool. */
  index: number;
}

export interface Placement {
  /** Shown in the test name, e.g. "vote POST, applied first". */
  readonly id: string;
  applies(f: Fault): boolean;
  /** The fault specs to install; the first is the cell's fault (the rate checks look at its route). */
  specs(f: Fault, p: PreparedWithTargets, times?: number): FaultSpec[];
  expect(f: Fault): Expect;
}

export type PreparedWithTargets = Prepared & { targets: Reaction[] };

export interface OperationDef {
  readonly service: ServiceName;
  readonly operation: OperationName;
  prepare(ctx: CellCtx): Promise<PreparedWithTargets>;
  readonly placements: readonly Placement[];
}

export const notPaging = (f: Fault) => !f.pagingOnly;
/**
 * Faults on the read that verifies a write. Not 404/410: right after a successful write that would be a real
 * deletion, which a fault cannot fake. Not 429 + Retry-After: the wait is covered on the reads before the
 * write, and here it would only slow the matrix down.
 */
export const verifyApplies = (f: Fault) =>
  notPaging(f) && f.id !== '404' && f.id !== '410' && f.id !== '429 + Retry-After';
export const isUnknownWrite = (f: Fault) => !!f.unknownOnWrite;

/** A fault on the route(s) of a read the operation cannot do without. */
export function readPlacement(
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
export function writeExpect(f: Fault, success: Expect): Expect {
  if (f.alwaysApplied) return success;
  if (f.unknownOnWrite) return fails('unknown-outcome');
  return fails(f.kind);
}

export function scOps(): OperationDef[] {
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

export function tinesOps(): OperationDef[] {
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

export interface Cell {
  readonly name: string;
  readonly def: OperationDef;
  readonly placement: Placement;
  readonly fault: Fault;
  /** Set for transient cells: the fault hits this many times, then the server recovers. */
  readonly times?: number;
  readonly index: number;
}

export const OPS: readonly OperationDef[] = [...scOps(), ...tinesOps()];

/** Transient faults (once) on reads: the client retries and the operation must succeed. */
export const TRANSIENT: ReadonlyArray<{
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

export function buildCells(): Cell[] {
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

export const CELLS = buildCells();
