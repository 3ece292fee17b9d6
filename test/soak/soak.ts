/**
 * Soak test: a bounded loop of scan / remove / bulk remove / undo / change against the emulator, for both
 * services, with random faults (seeded PRNG) and now and then a change made "on another device" (straight
 * in the emulator's state). After every step it checks that:
 *
 *   - no vote or reaction was added or changed unintentionally (only the operation's targets changed, and
 *     only in the way the operation intends);
 *   - nothing was lost or misreported: what the client reported removed is gone, what it reported failed
 *     (with a known outcome) or did not attempt is still there, a successful scan equals the server;
 *   - SelfCommunity: at most one vote POST per item per operation; Tines: no write repeated;
 *   - no token appears in an error (message, stack, properties), a log line or a request URL, and no
 *     Authorization header reaches the other origin.
 *
 * With `--oauth`, the SelfCommunity account signs in through the OAuth code flow instead of a pasted
 * token: access tokens live 2 s, the server now and then ends them early, faults also hit the token
 * endpoint, and a sign-in that cannot be renewed is redone (as a person pressing "Sign In Again"
 * would). On top of the checks above: a vote POST refused with 401 does not count as a write (it is
 * resent once after renewal), and no issued OAuth token may leak either.
 *
 * With `--churn`, the community changes while SelfCommunity scans run (the emulator's churn mode: per
 * contribution list request one contribution deleted anywhere and one added at the head, some voted):
 * a successful scan must then list every reaction that existed from its start to its end, with its
 * reaction, and nothing that existed at neither; what churn deleted or added is no violation.
 *
 * Not part of `npm test`. Run: `npx tsx test/soak/soak.ts [--minutes 3] [--seed 1] [--max-iterations 20000] [--oauth] [--churn]`.
 * Prints a summary and exits 1 on any violation.
 */
import { startEmulator, type Emulator, type FaultSpec, type LoggedRequest, type TinesValue } from '../emulator';
import { signInWithBrowser, sleep } from '../support';
import { TokenSource, parseCredentials, secretsOf, serializeCredentials } from '../../src/core/auth/credentials';
import { OAuthClient } from '../../src/core/auth/oauth';
import { Rng } from '../emulator/seed';
import { removeMany, restoreMany, type BulkSummary } from '../../src/core/bulk';
import { ReactionsError, isReactionsError } from '../../src/core/errors';
import { MemoryLogger } from '../../src/core/log';
import type { Account, Reaction, ReactionKind } from '../../src/core/model';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import type { AccountService, ClientOptions } from '../../src/core/services/service';
import { TINES_KINDS, tines } from '../../src/core/services/tines';

// ---- arguments ------------------------------------------------------------------------------------

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`--${name} needs a number`);
    process.exit(2);
  }
  return v;
}
const MINUTES = arg('minutes', 3);
const SEED = Math.floor(arg('seed', 1));
const MAX_ITERATIONS = Math.floor(arg('max-iterations', 20_000));
const VERBOSE = process.argv.includes('--verbose');
const OAUTH = process.argv.includes('--oauth');
const CHURN = process.argv.includes('--churn');

// ---- seeded randomness ----------------------------------------------------------------------------

/** The emulator's seeded PRNG, plus sampling: the same seed replays the same run. */
class Prng extends Rng {
  /** Up to n distinct elements. */
  sample<T>(list: readonly T[], n: number): T[] {
    const copy = [...list];
    const out: T[] = [];
    while (out.length < n && copy.length) out.push(copy.splice(Math.floor(this.next() * copy.length), 1)[0]);
    return out;
  }
}

// ---- faults ---------------------------------------------------------------------------------------

const FAULTS: ReadonlyArray<{ id: string; spec: Omit<FaultSpec, 'path'>; unknownOnWrite?: boolean }> = [
  { id: '401', spec: { status: 401 } },
  { id: '403', spec: { status: 403 } },
  { id: '404', spec: { status: 404 } },
  { id: '410', spec: { status: 410 } },
  { id: '422', spec: { status: 422 } },
  { id: '429+RA', spec: { status: 429, retryAfter: '1' } },
  { id: '429', spec: { status: 429 } },
  { id: '500', spec: { status: 500 }, unknownOnWrite: true },
  { id: '502', spec: { status: 502 }, unknownOnWrite: true },
  { id: '503', spec: { status: 503 }, unknownOnWrite: true },
  { id: 'timeout', spec: { hang: true }, unknownOnWrite: true },
  { id: 'reset', spec: { reset: true }, unknownOnWrite: true },
  { id: 'malformed', spec: { malformedJson: true } },
  { id: 'redirect', spec: { redirectTo: 'other-origin' } },
  { id: 'next', spec: { crossOriginNext: true } },
];

const ROUTES: Record<Service, ReadonlyArray<{ method: 'GET' | 'POST'; path: RegExp }>> = {
  selfcommunity: [
    { method: 'GET', path: /^\/api\/v2\/(status|discussion|post|comment)\/\d+\/$/ },
    { method: 'POST', path: /\/vote\/$/ },
    { method: 'GET', path: /^\/api\/v2\/(status|discussion|post|comment)\/$/ },
    { method: 'GET', path: /^\/api\/v2\/reaction\/$/ },
  ],
  tines: [
    { method: 'POST', path: /\/(add|remove)_reaction$/ },
    { method: 'POST', path: /\/remove_reaction$/ },
    { method: 'GET', path: /^\/api\/v2\/cases\/\d+\/comments\/\d+$/ },
    { method: 'GET', path: /^\/api\/v2\/cases(\/\d+\/comments)?$/ },
  ],
};

// ---- state of the world ----------------------------------------------------------------------------

type Service = 'selfcommunity' | 'tines';
type Op = 'scan' | 'remove' | 'bulk remove' | 'undo' | 'change';

interface Side {
  service: Service;
  account: Account;
  client: AccountService;
  logger: MemoryLogger;
  /** What the client believes (from its scans and its own operations). */
  known: Map<string, Reaction>;
  /** Removed reactions, newest last (what Undo would put back). */
  undo: Reaction[];
  /** Every target ever seen, to put reactions back when the pool runs low. */
  seen: Map<string, Reaction>;
}

/** The server's truth for alice, keyed like the client's reaction ids (value: the kind id, '' for none). */
function truth(emu: Emulator, side: Side): Map<string, string> {
  const out = new Map<string, string>();
  if (side.service === 'selfcommunity') {
    for (const v of emu.sc.votesOf('alice'))
      out.set(`${side.account.id}|${v.type}:${v.id}`, v.reactionId === null ? '' : String(v.reactionId));
  } else {
    for (const t of emu.tines.reactionsOf('alice'))
      out.set(`${side.account.id}|case_comment:${t.commentId}|${t.value}`, t.value);
  }
  return out;
}

function others(emu: Emulator): string {
  return JSON.stringify([
    emu.sc.votesOf('bob'),
    emu.sc.votesOf('carol'),
    emu.tines.reactionsOf('bob'),
    emu.tines.reactionsOf('carol'),
  ]);
}

// ---- counters ---------------------------------------------------------------------------------------

const stats = {
  iterations: 0,
  operations: new Map<string, number>(),
  faults: new Map<string, number>(),
  faultsHit: 0,
  outOfBand: 0,
  outcomes: new Map<string, number>(),
  accidental: 0,
  lost: 0,
  falseReports: 0,
  repeatedWrites: 0,
  leaks: 0,
  violations: [] as string[],
  /** --oauth: early expiries by the server, renewals sent, sign-ins redone. */
  expiries: 0,
  renewals: 0,
  reauths: 0,
  /** --churn: contributions deleted or added during scans. */
  churned: 0,
};
/** --oauth: every token the soak's sign-ins and renewals were given (none may leak). */
const issued = new Set<string>();
const bump = (m: Map<string, number>, k: string, n = 1) => m.set(k, (m.get(k) ?? 0) + n);

function violation(counter: 'accidental' | 'lost' | 'falseReports' | 'repeatedWrites' | 'leaks', text: string): void {
  stats[counter]++;
  if (stats.violations.length < 40) stats.violations.push(`[${counter}] iteration ${stats.iterations}: ${text}`);
}

// ---- the checks --------------------------------------------------------------------------------------

/** What one target may look like afterwards, and what it must look like given the client's report. */
interface Expectation {
  id: string;
  /** Values the target may have afterwards (undefined = absent). */
  allowed: Array<string | undefined>;
  /** The value it must have, when the client reported a definite outcome. */
  required?: string | undefined | 'unchanged';
  /** Set when `required` is set: which counter a mismatch counts against. */
  kind?: 'lost' | 'falseReports';
  note: string;
}

/** An error after which the client cannot (or does not claim to) know the state of the target. */
function uncertain(e: unknown): boolean {
  return e instanceof ReactionsError && (e.kind === 'unknown-outcome' || /deleted/i.test(e.message));
}

function checkState(
  emu: Emulator,
  side: Side,
  before: Map<string, string>,
  expectations: Expectation[],
  othersBefore: string,
): void {
  const after = truth(emu, side);
  const targets = new Map(expectations.map((x) => [x.id, x]));
  const ids = new Set([...before.keys(), ...after.keys()]);
  for (const id of ids) {
    const was = before.get(id);
    const now = after.get(id);
    const x = targets.get(id);
    if (!x) {
      if (was !== now) {
        if (now !== undefined)
          violation('accidental', `${id}: ${was ?? 'absent'} → ${now} (not a target of the operation)`);
        else violation('lost', `${id}: ${was} → absent (not a target of the operation)`);
      }
      continue;
    }
    if (!x.allowed.includes(now)) {
      if (now !== undefined)
        violation(
          'accidental',
          `${id}: ${was ?? 'absent'} → ${now}; allowed ${x.allowed.map((a) => a ?? 'absent').join('/')} (${x.note})`,
        );
      else
        violation(
          'lost',
          `${id}: ${was} → absent; allowed ${x.allowed.map((a) => a ?? 'absent').join('/')} (${x.note})`,
        );
      continue;
    }
    if (x.required !== undefined || 'required' in x) {
      const want = x.required === 'unchanged' ? was : x.required;
      if (want !== now)
        violation(
          x.kind ?? 'falseReports',
          `${id}: is ${now ?? 'absent'}, the client's report means ${want ?? 'absent'} (${x.note})`,
        );
    }
  }
  // the new ids of a Tines change (the added reaction) are targets too; anything else new is accidental
  // (--churn deletes contributions others voted on too: a churned scan writes nothing, checkWrites says)
  if (others(emu) !== othersBefore && !expectations.some((x) => x.note === 'churn'))
    violation('accidental', "another user's reactions changed");
}

function checkWrites(side: Side, log: readonly LoggedRequest[]): void {
  if (side.service === 'selfcommunity') {
    // A vote POST answered 401 was refused before the vote was looked at (it is resent after renewal).
    const posts = log.filter(
      (e) => e.server === 'selfcommunity' && e.method === 'POST' && /\/vote\/$/.test(e.path) && e.status !== 401,
    );
    const per = new Map<string, number>();
    for (const p of posts) per.set(p.path, (per.get(p.path) ?? 0) + 1);
    for (const [path, n] of per) if (n > 1) violation('repeatedWrites', `${n} vote POSTs on ${path} in one operation`);
  } else {
    const seen = new Set<string>();
    for (const e of log) {
      if (e.server !== 'tines' || e.method !== 'POST') continue;
      const key = `${e.path} ${e.body}`;
      if (seen.has(key)) violation('repeatedWrites', `write repeated: ${key}`);
      seen.add(key);
    }
  }
}

function checkLeaks(emu: Emulator, errors: unknown[], loggers: MemoryLogger[], log: readonly LoggedRequest[]): void {
  const tokens = [...emu.users.flatMap((u) => [u.scToken, u.tinesToken]), emu.tinesServiceKey, ...issued];
  const texts: string[] = [];
  for (const e of errors) {
    if (e instanceof Error) texts.push(e.message, e.stack ?? '', JSON.stringify({ ...e }), String(e));
    else texts.push(String(e));
  }
  for (const l of loggers) texts.push(...l.lines.splice(0));
  for (const r of log) texts.push(r.url);
  for (const t of texts)
    for (const token of tokens) if (t.includes(token)) violation('leaks', `token in: ${t.slice(0, 160)}`);
  for (const r of emu.otherOrigin.requests)
    if (r.headers.authorization) violation('leaks', `Authorization sent to the other origin: ${r.method} ${r.path}`);
}

// ---- operations ----------------------------------------------------------------------------------------

/**
 * --churn: a scan during which contributions were deleted and added lists every reaction that existed
 * from its start to its end (with its reaction), and nothing that existed at neither (or was added
 * during the scan).
 */
function checkChurnedScan(
  emu: Emulator,
  side: Side,
  before: Map<string, string>,
  got: Map<string, string>,
  churned: { deleted: number; inserted: number },
): void {
  const after = truth(emu, side);
  for (const [id, v] of before) {
    if (after.get(id) === v && got.get(id) !== v)
      violation(
        'lost',
        `${id}: existed throughout a scan under churn (${v}) but was listed as ${got.get(id) ?? 'absent'}`,
      );
  }
  const added = new Set(
    emu.churnLog.inserted.slice(churned.inserted).map((c) => `${side.account.id}|${c.type}:${c.id}`),
  );
  for (const id of got.keys())
    if (!before.has(id) && !after.has(id) && !added.has(id))
      violation('falseReports', `${id}: listed under churn but never existed`);
}

/** --churn: a scan writes nothing (checkWrites holds it to that), so every change during it is churn's doing. */
function allowChurn(
  emu: Emulator,
  side: Side,
  before: Map<string, string>,
  churned: { deleted: number; inserted: number },
  expectations: Expectation[],
): void {
  const after = truth(emu, side);
  for (const id of new Set([...before.keys(), ...after.keys()]))
    if (before.get(id) !== after.get(id))
      expectations.push({ id, allowed: [before.get(id), after.get(id)], note: 'churn' });
  // a marker even when alice's votes did not change: others' votes on deleted contributions went with them
  expectations.push({ id: '(churn)', allowed: [undefined], note: 'churn' });
  stats.churned += emu.churnLog.deleted.length - churned.deleted + emu.churnLog.inserted.length - churned.inserted;
}

async function scan(side: Side): Promise<Reaction[]> {
  const items: Reaction[] = [];
  for await (const batch of side.client.listReactions()) items.push(...batch);
  return items;
}

function valueOf(r: Reaction): string {
  return r.kind.id;
}

async function main(): Promise<void> {
  const rng = new Prng(SEED);
  const emu = await startEmulator({
    seed: SEED,
    sc: { statuses: 40, discussions: 10, posts: 10, commentsPerItem: 1, maxLimit: 10 },
    tines: { cases: 8, commentsPerCase: 5, maxPerPage: 4 },
    ...(OAUTH ? { oauth: { accessTokenLifetimeSeconds: 2 } } : {}),
  });
  const alice = emu.users.find((u) => u.name === 'alice')!;
  const options = (logger: MemoryLogger): ClientOptions => ({
    timeoutMs: 300,
    retries: 2,
    retryBaseMs: 10,
    maxRetryAfterMs: 2000,
    maxConcurrency: 4,
    // the emulator never applies a write after its answer was lost: no need to wait long before the next
    writeSettleMs: 200,
    logger,
  });

  const sides: Side[] = [];
  {
    const logger = new MemoryLogger();
    if (OAUTH) {
      const account = await oauthSignIn(emu, options(logger));
      const source = new TokenSource(account.id, secretStore, {
        label: account.label,
        logger,
        refresh: (c) => new OAuthClient(emu.selfcommunityUrl, c.clientId, options(logger)).refresh(c.refreshToken),
      });
      renewalsOf = () => emu.oauth.stats().refreshes;
      const client = selfCommunity.connect(account, () => source.token(), {
        ...options(logger),
        onUnauthorized: (t) => source.unauthorized(t),
      });
      sides.push({ service: 'selfcommunity', account, client, logger, known: new Map(), undo: [], seen: new Map() });
    } else {
      const account = await selfCommunity.signIn(
        { baseUrl: emu.selfcommunityUrl, token: alice.scToken },
        options(logger),
      );
      sides.push({
        service: 'selfcommunity',
        account,
        client: selfCommunity.connect(account, () => alice.scToken, options(logger)),
        logger,
        known: new Map(),
        undo: [],
        seen: new Map(),
      });
    }
  }
  {
    const logger = new MemoryLogger();
    const account = await tines.signIn(
      { baseUrl: emu.tinesUrl, token: alice.tinesToken, email: alice.email },
      options(logger),
    );
    sides.push({
      service: 'tines',
      account,
      client: tines.connect(account, () => alice.tinesToken, options(logger)),
      logger,
      known: new Map(),
      undo: [],
      seen: new Map(),
    });
  }
  for (const side of sides) {
    for (const r of await scan(side)) {
      side.known.set(r.id, r);
      side.seen.set(r.id, r);
    }
  }
  const scKinds = await sides[0].client.reactionKinds();

  const started = Date.now();
  const deadline = started + MINUTES * 60_000;
  console.log(
    `soak${OAUTH ? ' (SelfCommunity via OAuth, 2 s access tokens)' : ''}: seed ${SEED}, ${MINUTES} min or ${MAX_ITERATIONS} iterations, SelfCommunity ${sides[0].known.size} and Tines ${sides[1].known.size} reactions to start with`,
  );

  while (Date.now() < deadline && stats.iterations < MAX_ITERATIONS) {
    stats.iterations++;
    const side = rng.pick(sides);

    // keep enough reactions around: put back some the soak removed, straight in the server's state
    const present = truth(emu, side);
    if (present.size < 12) {
      for (const r of rng.sample(
        [...side.seen.values()].filter((x) => !present.has(x.id)),
        8,
      ))
        putBack(emu, r);
    }

    // another device changes something now and then (the client's knowledge goes stale)
    if (rng.chance(0.08) && side.known.size) {
      const r = rng.pick([...side.known.values()]);
      stats.outOfBand++;
      if (side.service === 'selfcommunity') {
        const change = rng.chance(0.5) ? undefined : Number(rng.pick(scKinds).id);
        // (--churn may have deleted it)
        if (emu.sc.get(r.target.type, r.target.id)) emu.sc.setVote(r.target.type, r.target.id, 'alice', change);
      } else if (rng.chance(0.5)) {
        emu.tines.removeReaction(r.target.parent!.id, r.target.id, 'alice', valueOf(r) as TinesValue);
      } else {
        emu.tines.addReaction(r.target.parent!.id, r.target.id, 'alice', rng.pick(TINES_KINDS).id as TinesValue);
      }
    }

    // --oauth: the community ends the access token early now and then; only a 401 tells the client.
    if (OAUTH && side.service === 'selfcommunity' && rng.chance(0.1)) {
      emu.oauth.expireAccessTokens('alice');
      stats.expiries++;
    }

    const op: Op = rng.pick<Op>(
      side.undo.length
        ? ['scan', 'remove', 'remove', 'bulk remove', 'undo', 'change', 'change']
        : ['scan', 'remove', 'remove', 'bulk remove', 'change'],
    );
    bump(stats.operations, `${side.service} ${op}`);

    const before = truth(emu, side);
    const othersBefore = others(emu);
    emu.clearLog();

    // a fault on one of the routes, half of the time
    const specs: FaultSpec[] = [];
    if (rng.chance(0.5)) {
      const f = rng.pick(FAULTS);
      const route = rng.pick(
        OAUTH && side.service === 'selfcommunity' ? [...ROUTES.selfcommunity, TOKEN_ROUTE] : ROUTES[side.service],
      );
      const times = rng.pick([1, 1, 2, undefined]);
      const spec: FaultSpec = {
        server: side.service,
        method: route.method,
        path: route.path,
        ...f.spec,
        times,
        skip: rng.pick([0, 0, 0, 1]),
      };
      if (route.method === 'POST' && f.unknownOnWrite && rng.chance(0.5)) spec.applyFirst = true;
      specs.push(spec);
      bump(stats.faults, `${f.id}${spec.applyFirst ? ' (applied)' : ''}`);
    }
    const handles = specs.map((s) => emu.fault(s));

    const errors: unknown[] = [];
    const expectations: Expectation[] = [];
    try {
      await runOp(emu, side, op, rng, scKinds, errors, expectations, before);
    } catch (e) {
      // runOp reports operation errors itself; anything here is a bug of the soak or the core
      errors.push(e);
      violation('falseReports', `unexpected throw: ${(e as Error)?.stack ?? e}`);
    }
    if (handles.some((h) => h.hits > 0)) stats.faultsHit++;
    emu.clearFaults();
    // --oauth: a renewal the community refused for good (e.g. its answer was lost after the refresh
    // token rotated) asks the person to sign in again; do what they would.
    if (
      OAUTH &&
      side.service === 'selfcommunity' &&
      errors.some((e) => isReactionsError(e, 'auth') && /Sign in again/.test(e.message))
    ) {
      await oauthSignIn(emu, options(side.logger));
      stats.reauths++;
    }
    await sleep(2);

    const log = [...emu.requests];
    checkState(emu, side, before, expectations, othersBefore);
    checkWrites(side, log);
    checkLeaks(
      emu,
      errors,
      sides.map((s) => s.logger),
      log,
    );
    if (VERBOSE)
      console.log(
        `${stats.iterations} ${side.service} ${op} ${specs.map((s) => JSON.stringify({ ...s, path: String(s.path) })).join(' ')} → ${errors.map((e) => (e as ReactionsError).kind ?? e).join(', ') || 'ok'}`,
      );
    if (stats.iterations % 100 === 0) {
      process.stdout.write(
        `  … ${stats.iterations} iterations, ${Math.round((Date.now() - started) / 1000)} s, violations ${stats.violations.length}\n`,
      );
    }
  }

  stats.renewals = renewalsOf();
  await emu.close();
  report(Date.now() - started);
}

// ---- --oauth: the browser sign-in and the secret store ------------------------------------------------

const TOKEN_ROUTE = { method: 'POST' as const, path: /\/oauth\/token\/$/ };
const secrets = new Map<string, string>();
const secretStore = {
  get: async (key: string) => secrets.get(key),
  store: async (key: string, value: string) => {
    for (const s of secretsOf(parseCredentials(value))) issued.add(s);
    secrets.set(key, value);
  },
};
let renewalsOf = (): number => 0;

/** The code flow as the extension runs it (consent approved as alice); the tokens go to the store. */
async function oauthSignIn(emu: Emulator, options: ClientOptions): Promise<Account> {
  const { tokens, account } = await signInWithBrowser(emu, 'alice', options);
  await secretStore.store(account.id, serializeCredentials({ type: 'oauth', clientId: emu.oauth.clientId, ...tokens }));
  return account;
}

function putBack(emu: Emulator, r: Reaction): void {
  if (r.target.type === 'case_comment')
    emu.tines.addReaction(r.target.parent!.id, r.target.id, 'alice', r.kind.id as TinesValue);
  // --churn may have deleted it (or its contribution) meanwhile
  else if (emu.sc.get(r.target.type, r.target.id))
    emu.sc.setVote(r.target.type, r.target.id, 'alice', r.kind.id === '' ? null : Number(r.kind.id));
}

async function runOp(
  emu: Emulator,
  side: Side,
  op: Op,
  rng: Prng,
  scKinds: ReactionKind[],
  errors: unknown[],
  expectations: Expectation[],
  before: Map<string, string>,
): Promise<void> {
  const known = [...side.known.values()];
  const outcome = (name: string) => bump(stats.outcomes, name);

  if (op === 'scan') {
    const churning = CHURN && side.service === 'selfcommunity';
    const churned = { deleted: emu.churnLog.deleted.length, inserted: emu.churnLog.inserted.length };
    if (churning) emu.setChurn({ seed: stats.iterations, deletes: 1, inserts: 1 });
    try {
      const items = await scan(side).finally(() => {
        emu.setChurn(undefined);
        if (churning) allowChurn(emu, side, before, churned, expectations);
      });
      outcome('scan ok');
      const got = new Map(items.map((r) => [r.id, valueOf(r)]));
      if (churning) {
        checkChurnedScan(emu, side, before, got, churned);
      } else if (got.size !== before.size || [...before].some(([id, v]) => got.get(id) !== v)) {
        // the scan must equal the server's truth (nothing changes while it runs)
        violation(
          'falseReports',
          `a successful scan differs from the server: ${got.size} listed, ${before.size} on the server`,
        );
      }
      side.known = new Map(items.map((r) => [r.id, r]));
      for (const r of items) side.seen.set(r.id, r);
    } catch (e) {
      errors.push(e);
      outcome(`scan ${(e as ReactionsError).kind ?? 'bug'}`);
    }
    return;
  }

  if (op === 'remove' || op === 'bulk remove') {
    if (!known.length) return;
    const items = op === 'remove' ? [rng.pick(known)] : rng.sample(known, rng.int(2, 6));
    if (op === 'bulk remove' && rng.chance(0.2)) items.push(items[0]); // a duplicate now and then
    let summary: BulkSummary;
    if (op === 'remove') {
      const r = items[0];
      try {
        const res = await side.client.remove(r);
        summary = {
          requested: 1,
          removed: [],
          alreadyRemoved: [],
          targetDeleted: [],
          failed: [],
          notAttempted: [],
          cancelled: false,
        };
        (res.outcome === 'removed'
          ? summary.removed
          : res.outcome === 'already-removed'
            ? summary.alreadyRemoved
            : summary.targetDeleted
        ).push(res.reaction);
      } catch (e) {
        errors.push(e);
        summary = {
          requested: 1,
          removed: [],
          alreadyRemoved: [],
          targetDeleted: [],
          failed: [{ reaction: r, error: e as ReactionsError }],
          notAttempted: [],
          cancelled: false,
        };
      }
    } else {
      summary = await removeMany(items, () => side.client, { concurrency: 4 });
      for (const f of summary.failed) errors.push(f.error);
    }
    const listed =
      summary.removed.length +
      summary.alreadyRemoved.length +
      summary.targetDeleted.length +
      summary.failed.length +
      summary.notAttempted.length;
    if (listed !== items.length) violation('falseReports', `bulk summary lists ${listed} of ${items.length} reactions`);
    for (const r of summary.removed) {
      outcome('remove removed');
      side.known.delete(r.id);
      // as removed: with the kind the server had (another device may have changed it since the scan)
      side.undo.push(r);
      if (r.target.type !== 'case_comment' && (before.get(r.id) ?? '') !== r.kind.id)
        violation('falseReports', `${r.id}: removed ${before.get(r.id)}, reported ${r.kind.id}`);
    }
    for (const r of summary.alreadyRemoved) {
      outcome('remove already-removed');
      side.known.delete(r.id);
    }
    if (summary.targetDeleted.length) bump(stats.outcomes, 'remove target-deleted', summary.targetDeleted.length);
    for (const f of summary.failed) outcome(`remove ${f.error.kind}`);
    const uniq = new Map(items.map((r) => [r.id, r]));
    for (const r of uniq.values()) {
      const was = before.get(r.id);
      const allowed = [was, undefined];
      if (summary.removed.some((x) => x.id === r.id) || summary.alreadyRemoved.some((x) => x.id === r.id)) {
        expectations.push({ id: r.id, allowed, required: undefined, kind: 'falseReports', note: 'reported removed' });
      } else if (summary.targetDeleted.some((x) => x.id === r.id)) {
        expectations.push({ id: r.id, allowed, note: 'reported target deleted (a 404 is all the client can go by)' });
      } else {
        const f = summary.failed.find((x) => x.reaction.id === r.id);
        if (f && uncertain(f.error)) expectations.push({ id: r.id, allowed, note: `failed: ${f.error.kind}` });
        else
          expectations.push({
            id: r.id,
            allowed,
            required: 'unchanged',
            kind: 'lost',
            note: f ? `failed: ${f.error.kind}` : 'not attempted',
          });
      }
    }
    return;
  }

  if (op === 'undo') {
    const batch = side.undo.splice(-rng.int(1, 3));
    const summary = await restoreMany(batch, () => side.client, { concurrency: 4 });
    for (const f of summary.failed) errors.push(f.error);
    for (const r of summary.restored) {
      outcome('undo restored');
      side.known.set(r.id, r);
    }
    for (const f of summary.failed) outcome(`undo ${f.error.kind}`);
    // the ones that failed stay undoable
    side.undo.push(
      ...summary.failed.filter((f) => !uncertain(f.error) && f.error.kind !== 'conflict').map((f) => f.reaction),
    );
    for (const r of new Map(batch.map((x) => [x.id, x])).values()) {
      const was = before.get(r.id);
      // the same target can be in the batch twice (removed, re-added elsewhere with another kind, removed
      // again): the first restore wins and the other one is a conflict, so any of its kinds is allowed
      const allowed = [was, ...batch.filter((x) => x.id === r.id).map(valueOf)];
      const back = summary.restored.find((x) => x.id === r.id);
      if (back) {
        // restored, or it was already there with that kind; a SelfCommunity vote re-added meanwhile with another kind is a conflict
        expectations.push({
          id: r.id,
          allowed,
          required: was ?? valueOf(back),
          kind: 'falseReports',
          note: 'reported restored',
        });
      } else {
        const f = summary.failed.find((x) => x.reaction.id === r.id)!;
        if (uncertain(f.error)) expectations.push({ id: r.id, allowed, note: `failed: ${f.error.kind}` });
        else
          expectations.push({
            id: r.id,
            allowed,
            required: 'unchanged',
            kind: 'lost',
            note: `failed: ${f.error.kind}`,
          });
      }
    }
    return;
  }

  // change
  if (!known.length) return;
  const r = rng.pick(known);
  const kinds = side.service === 'selfcommunity' ? scKinds : TINES_KINDS;
  const to = rng.pick(kinds.filter((k) => k.id !== r.kind.id));
  const was = before.get(r.id);
  try {
    const changed = await side.client.change(r, to);
    outcome('change ok');
    // a change of a reaction that was gone must refuse: going on would ADD one (a vote, a notification)
    if (was === undefined)
      violation('accidental', `${r.id}: changed to ${to.id} although the reaction was already removed`);
    side.known.delete(r.id);
    side.known.set(changed.id, changed);
    if (side.service === 'selfcommunity') {
      expectations.push({
        id: r.id,
        allowed: [was, to.id],
        required: to.id,
        kind: 'falseReports',
        note: 'reported changed',
      });
    } else {
      expectations.push({
        id: r.id,
        allowed: [was, undefined],
        required: undefined,
        kind: 'falseReports',
        note: 'reported changed (old removed)',
      });
      expectations.push({
        id: changed.id,
        allowed: [before.get(changed.id), to.id],
        required: to.id,
        kind: 'falseReports',
        note: 'reported changed (new added)',
      });
    }
  } catch (e) {
    errors.push(e);
    const err = e as ReactionsError;
    outcome(`change ${err.kind ?? 'bug'}`);
    if (side.service === 'selfcommunity') {
      expectations.push(
        uncertain(e)
          ? { id: r.id, allowed: [was, to.id], note: `failed: ${err.kind}` }
          : { id: r.id, allowed: [was], required: 'unchanged', kind: 'lost', note: `failed: ${err.kind}` },
      );
    } else {
      const newId = `${r.accountId}|case_comment:${r.target.id}|${to.id}`;
      const note = `failed: ${err.kind}`;
      if (err.kind === 'conflict' && /Both reactions are on the comment now/.test(err.message)) {
        // half done, and it says so: the new one was added, the old one is still there
        expectations.push({ id: r.id, allowed: [was], required: 'unchanged', kind: 'lost', note });
        expectations.push({
          id: newId,
          allowed: [before.get(newId), to.id],
          required: to.id,
          kind: 'falseReports',
          note,
        });
      } else if (uncertain(e)) {
        expectations.push({ id: r.id, allowed: [was, undefined], note });
        expectations.push({ id: newId, allowed: [before.get(newId), to.id], note });
      } else {
        expectations.push({ id: r.id, allowed: [was], required: 'unchanged', kind: 'lost', note });
        expectations.push({
          id: newId,
          allowed: [before.get(newId)],
          required: 'unchanged',
          kind: 'falseReports',
          note,
        });
      }
    }
  }
}

function report(ms: number): void {
  const ops = [...stats.operations.values()].reduce((a, b) => a + b, 0);
  const faults = [...stats.faults.values()].reduce((a, b) => a + b, 0);
  const fmt = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  const violations = stats.accidental + stats.lost + stats.falseReports + stats.repeatedWrites + stats.leaks;
  console.log('');
  console.log(`soak summary (seed ${SEED}, ${(ms / 1000).toFixed(0)} s)`);
  console.log(`  iterations          ${stats.iterations}`);
  console.log(`  operations          ${ops}  (${fmt(stats.operations)})`);
  console.log(`  faults injected     ${faults}, of which ${stats.faultsHit} hit a request  (${fmt(stats.faults)})`);
  console.log(`  out-of-band changes ${stats.outOfBand}`);
  console.log(`  outcomes            ${fmt(stats.outcomes)}`);
  console.log(`  accidental votes    ${stats.accidental}`);
  console.log(`  lost reactions      ${stats.lost}`);
  console.log(`  false reports       ${stats.falseReports}`);
  console.log(`  repeated writes     ${stats.repeatedWrites}`);
  console.log(`  leaks               ${stats.leaks}`);
  if (OAUTH)
    console.log(
      `  oauth               ${stats.expiries} early expiries, ${stats.renewals} renewals, ${stats.reauths} sign-ins redone`,
    );
  if (CHURN) console.log(`  churn               ${stats.churned} contributions deleted or added during scans`);
  if (violations) {
    console.log(`\n${violations} violation(s):`);
    for (const v of stats.violations) console.log(`  ${v}`);
    process.exitCode = 1;
  } else {
    console.log('  result              OK (no violation)');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
