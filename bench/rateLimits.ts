/**
 * The rate-limit rows of `npm run bench`: a listing and a bulk removal per service against emulators
 * that enforce the documented limits: SelfCommunity 600 requests a minute (429 + Retry-After,
 * as Django REST), Tines 5,000 a minute (429 without Retry-After). Both services run at once (separate
 * tokens), each signs in, waits for a window to pass, lists, waits again and removes what it found. Every
 * phase needs more than one window: 120,000 SelfCommunity statuses 0.3% voted (~1,220 listing requests,
 * ~1,080 for removing the ~360 votes), 6,000 Tines cases of one comment half reacted to (~6,010 listing
 * requests, ~7,800 for removing the ~3,900 reactions). About 5.5 minutes.
 *
 *   floor = floor((R − 1) / N) · W   (R requests the server accepted, N allowed per window W): the earliest
 *   the last request may start. Reported: the phase's time / its floor, and answers 429 per 100 requests.
 *
 * The floor holds for a client that sends a window's requests in no time. In a sliding window the last
 * request takes the place of the (R − k·N)-th (k = floor((R − 1) / N)): it may start only k windows after
 * that one did. The row prints that "tail" (when the (R − k·N)-th started: how fast the first window's
 * requests went out, which is this machine's speed, never held back by the pace) and what is left beyond
 * floor + tail: the pace's own cost (Retry-After rounded up, the 100 ms kept for clocks, round trips).
 *
 * `--rate-window S` scales the window to S seconds for a quick run (SelfCommunity's 600 per window kept,
 * Tines' rate and tenant scaled with it: see tinesScale; the client is told the window and Tines' limit).
 * `--product-dir DIR` runs the same scenario with the services and removeMany of another checkout (an
 * older product) against these emulators.
 *
 * Before/after (issue 24): CHANGELOG.md, "Under a documented limit". The before is the product at
 * 9885e0d (main before issue 24's branches) in a worktree of its own, with this emulator:
 *
 *   git worktree add --detach /tmp/before-24 9885e0d && cp -al node_modules /tmp/before-24/
 *   npx tsx bench/run.ts --rate-limits-only --product-dir /tmp/before-24
 */
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { CountingLogger } from './counting';
import { removeMany } from '../src/core/bulk';
import type { Reaction } from '../src/core/model';
import { selfCommunity } from '../src/core/services/selfcommunity';
import type { AccountService, ClientOptions, ServiceProvider } from '../src/core/services/service';
import { tines } from '../src/core/services/tines';

/** The documented limits: requests per window, the window 60 s. */
const SC_LIMIT = 600;
const TINES_LIMIT = 5000;
const TINES_CASES = 6000;

/**
 * Tines' limit and tenant in a window of `windowMs`: at the documented rate, with as many cases per
 * window (a scaled-down window cannot take 5,000 requests: this machine sends some 1,500 a second).
 * SelfCommunity keeps its 600 a window: its limit is learned from the first 429, and the requests in
 * flight then are refused once per run, so 429s per 100 mean something only at the real count.
 */
function tinesScale(windowMs: number): { limit: number; cases: number } {
  const f = windowMs / DOCUMENTED_WINDOW_MS;
  return { limit: Math.round(TINES_LIMIT * f), cases: Math.round(TINES_CASES * f) };
}
export const DOCUMENTED_WINDOW_MS = 60_000;

interface EmuInfo {
  selfcommunityUrl: string;
  tinesUrl: string;
  users: Array<{ name: string; scToken: string; tinesToken: string; email: string }>;
}

type Row = (metric: string, value: string, target: string, ok: boolean | undefined) => void;

/** What the scenario runs: the services and bulk removal of this checkout, or of another one. */
export interface Product {
  label: string;
  selfCommunity: ServiceProvider;
  tines: ServiceProvider;
  removeMany: typeof removeMany;
}

export interface RateLimitRun {
  windowMs: number;
  product: Product;
}

/** `--rate-window S` and `--product-dir DIR` from the command line. */
export async function rateLimitRun(argv: readonly string[]): Promise<RateLimitRun> {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const seconds = Number(value('--rate-window') ?? DOCUMENTED_WINDOW_MS / 1000);
  if (!(seconds > 0)) throw new Error(`--rate-window needs seconds, got ${value('--rate-window')}`);
  const dir = value('--product-dir');
  return { windowMs: seconds * 1000, product: dir ? await productFrom(dir) : thisProduct };
}

const thisProduct: Product = { label: 'this checkout', selfCommunity, tines, removeMany };

/** The services and removeMany of another checkout (its node_modules present, e.g. `cp -al`). */
async function productFrom(dir: string): Promise<Product> {
  const root = path.resolve(dir);
  const load = (file: string) => import(pathToFileURL(path.join(root, file)).href);
  const [sc, ti, bulk] = await Promise.all([
    load('src/core/services/selfcommunity/index.ts'),
    load('src/core/services/tines/index.ts'),
    load('src/core/bulk.ts'),
  ]);
  // a CommonJS module imported from ESM: its exports may sit under `default`
  const pick = <T>(m: Record<string, unknown>, name: string): T => (m[name] ?? (m.default as never)?.[name]) as T;
  return {
    label: root,
    selfCommunity: pick(sc, 'selfCommunity'),
    tines: pick(ti, 'tines'),
    removeMany: pick(bulk, 'removeMany'),
  };
}

/**
 * The two servers, each in an emulator process of its own (as the real ones are: one's busy moments do
 * not hold the other's answers back): SelfCommunity 120,000 contributions 0.3% voted (~360 votes); Tines
 * 6,000 cases of one comment, half reacted to (~3,900 reactions).
 */
export function rateLimitEmulators(windowMs: number): { sc: string[]; tines: string[] } {
  const s = windowMs / 1000;
  return {
    sc: [
      ...'--statuses 120000 --discussions 0 --posts 0 --comments 0 --vote-rate 0.003 --cases 0'.split(' '),
      ...['--rate-limit', `sc=${SC_LIMIT}/${s}`],
    ],
    tines: [
      ...'--statuses 0 --discussions 0 --posts 0 --case-comments 1 --reaction-rate 0.5'.split(' '),
      ...['--cases', String(tinesScale(windowMs).cases), '--rate-limit', `tines=${tinesScale(windowMs).limit}/${s}`],
    ],
  };
}

interface Phase<T> {
  value?: T;
  error?: string;
  ms: number;
  floor: number;
  /** When the request started whose place in the window the last one takes (ms into the phase). */
  tail: number;
  requests: number;
  refused: number;
}

async function phase<T>(counter: CountingLogger, limit: number, windowMs: number, run: () => Promise<T>) {
  counter.reset();
  const started = Date.now();
  let value: T | undefined;
  let error: string | undefined;
  try {
    value = await run();
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const ms = Date.now() - started;
  // a refused request was not counted by the server: the floor is that of the requests it accepted
  const accepted = counter.requests - counter.refused;
  const windows = Math.floor(Math.max(0, accepted - 1) / limit);
  const floor = windows * windowMs;
  // In a sliding window the last request may start only once the (R − k·N)-th has left it: when that
  // one started (in the first window, before any wait) is the time the floor leaves out.
  const starts = [...counter.starts].sort((a, b) => a - b);
  const tail = windows > 0 ? starts[accepted - windows * limit - 1] - started : 0;
  return { value, error, ms, floor, tail, requests: counter.requests, refused: counter.refused } satisfies Phase<T>;
}

async function oneService(info: EmuInfo, which: 'sc' | 'tines', run: RateLimitRun, row: Row): Promise<void> {
  const { windowMs, product } = run;
  const alice = info.users.find((u) => u.name === 'alice')!;
  const counter = new CountingLogger();
  const limit = which === 'sc' ? SC_LIMIT : tinesScale(windowMs).limit;
  // the client as the extension makes it; with a scaled window it is told the window (and Tines' limit)
  const scaled = windowMs !== DOCUMENTED_WINDOW_MS;
  const options: ClientOptions = {
    logger: counter,
    ...(scaled ? { rateWindowMs: windowMs } : {}),
    ...(scaled && which === 'tines' ? { rateLimit: { requests: limit, windowMs } } : {}),
  };
  const quiet: ClientOptions = { ...options, logger: undefined };
  let service: AccountService;
  if (which === 'sc') {
    const input = { baseUrl: info.selfcommunityUrl, token: alice.scToken };
    const account = await product.selfCommunity.signIn(input, quiet);
    service = product.selfCommunity.connect(account, () => alice.scToken, options);
  } else {
    const input = { baseUrl: info.tinesUrl, token: alice.tinesToken, email: alice.email };
    const account = await product.tines.signIn(input, quiet);
    service = product.tines.connect(account, () => alice.tinesToken, options);
  }
  // sign-in's requests leave the window before the listing starts
  await new Promise((r) => setTimeout(r, windowMs + 500));
  const name = which === 'sc' ? 'SelfCommunity' : 'Tines';
  const listing = await phase(counter, limit, windowMs, async () => {
    const items: Reaction[] = [];
    for await (const batch of service.listReactions()) items.push(...batch);
    return items;
  });
  const found = listing.value?.length ?? 0;
  report(row, `${name} listing under its limit (${listing.requests} requests, ${found} reactions)`, listing, 1.05);
  if (!listing.value) return;
  await new Promise((r) => setTimeout(r, windowMs + 500));
  const removal = await phase(counter, limit, windowMs, () =>
    product.removeMany(listing.value!, () => service, { concurrency: 4 }),
  );
  const failed = removal.value?.failed ?? [];
  const why = [...new Set(failed.map((f) => f.error.message.split(/[.:]/)[0]))].slice(0, 2).join('; ');
  report(
    row,
    `${name} bulk removal of ${found} under its limit (${removal.requests} requests, ${failed.length} failed${why ? `: ${why}` : ''})`,
    removal,
    1.15,
    failed.length === 0,
  );
}

function report<T>(row: Row, metric: string, p: Phase<T>, target: number, extraOk = true) {
  const ratio = p.ms / p.floor;
  const per100 = (100 * p.refused) / Math.max(1, p.requests);
  const time = `${(p.ms / 1000).toFixed(1)} s`;
  const against =
    p.floor > 0
      ? `${time} = ${ratio.toFixed(3)}x the floor (${p.floor / 1000} s; then ${(p.tail / 1000).toFixed(1)} s of tail, ${((p.ms - p.floor - p.tail) / 1000).toFixed(1)} s more)`
      : `${time}, no floor (fewer requests than one window allows)`;
  const value = p.error
    ? `FAILED after ${time}: ${p.error}`
    : `${against}, ${per100.toFixed(2)} answers 429 per 100 requests (${p.refused})`;
  const fast = p.floor === 0 || ratio <= target;
  row(metric, value, `≤ ${target}x, ≤ 2 per 100`, !p.error && fast && per100 <= 2 && extraOk);
}

/** Both services at once, each a listing then a bulk removal of what it found. */
export async function rateLimitScenario(
  info: { sc: EmuInfo; tines: EmuInfo },
  run: RateLimitRun,
  row: Row,
): Promise<void> {
  const s = run.windowMs / 1000;
  const scaled = run.windowMs === DOCUMENTED_WINDOW_MS ? 'the documented window' : 'SCALED from 60 s';
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  console.log(
    `\nUnder the rate limits (window ${s} s, ${scaled}; SelfCommunity ${SC_LIMIT}, Tines ${tinesScale(run.windowMs).limit} per window, ${tinesScale(run.windowMs).cases} cases; product: ${run.product.label}; load average ${load()})`,
  );
  await Promise.all([oneService(info.sc, 'sc', run, row), oneService(info.tines, 'tines', run, row)]);
  console.log(`  (load average at the end ${load()})`);
}
