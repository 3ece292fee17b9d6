/**
 * The rate-limit rows of `npm run bench`: a listing and a bulk removal against an emulator that enforces
 * the documented limits per token, scaled down in time so a run takes about two minutes: a window of 10 s
 * instead of 60 s, with the documented number of requests per window — SelfCommunity 600 (429 +
 * Retry-After, as Django REST), Tines 833 (5,000/min scaled to the same rate: 429 without Retry-After).
 * SelfCommunity keeps its 600 per window (not 100 at the same rate) because its limit is learned from
 * the first 429, and the requests in flight then are refused once per run: "429s per 100 requests"
 * means something only with as many requests per window as the real server allows. Both services run at
 * once (separate tokens).
 *
 *   floor = floor((R − 1) / N) · W   (R requests, N allowed per window W): the earliest the last request
 *   may start. Reported: the time of the phase / its floor, and answers 429 per 100 requests.
 */
import { CountingLogger } from './counting';
import { removeMany } from '../src/core/bulk';
import type { Reaction } from '../src/core/model';
import { selfCommunity } from '../src/core/services/selfcommunity';
import type { AccountService, ClientOptions } from '../src/core/services/service';
import { tines } from '../src/core/services/tines';

const WINDOW_MS = 10_000;
const SC_LIMIT = 600;
const TINES_LIMIT = 833;

interface EmuInfo {
  selfcommunityUrl: string;
  tinesUrl: string;
  users: Array<{ name: string; scToken: string; tinesToken: string; email: string }>;
}

type Row = (metric: string, value: string, target: string, ok: boolean | undefined) => void;

/** 120,000 contributions, 0.3% voted (~360 votes); 1,700 cases of one comment, half reacted to. */
export const RATE_LIMIT_EMULATOR_ARGS = [
  ...'--statuses 120000 --discussions 0 --posts 0 --comments 0 --vote-rate 0.003'.split(' '),
  ...'--cases 1700 --case-comments 1 --reaction-rate 0.5'.split(' '),
  '--rate-limit',
  `sc=${SC_LIMIT}/${WINDOW_MS / 1000},tines=${TINES_LIMIT}/${WINDOW_MS / 1000}`,
];

async function phase<T>(counter: CountingLogger, limit: number, run: () => Promise<T>) {
  counter.reset();
  const started = Date.now();
  const value = await run();
  const ms = Date.now() - started;
  const floor = Math.floor(Math.max(0, counter.requests - 1) / limit) * WINDOW_MS;
  return { value, ms, floor, requests: counter.requests, refused: counter.refused };
}

async function oneService(info: EmuInfo, which: 'sc' | 'tines', row: Row): Promise<void> {
  const alice = info.users.find((u) => u.name === 'alice')!;
  const counter = new CountingLogger();
  const limit = which === 'sc' ? SC_LIMIT : TINES_LIMIT;
  // the client as the extension makes it; Tines' documented limit scaled like the server's
  const options: ClientOptions = {
    logger: counter,
    rateWindowMs: WINDOW_MS,
    ...(which === 'tines' ? { rateLimit: { requests: TINES_LIMIT, windowMs: WINDOW_MS } } : {}),
  };
  const quiet: ClientOptions = { ...options, logger: undefined };
  let service: AccountService;
  if (which === 'sc') {
    const account = await selfCommunity.signIn({ baseUrl: info.selfcommunityUrl, token: alice.scToken }, quiet);
    service = selfCommunity.connect(account, () => alice.scToken, options);
  } else {
    const account = await tines.signIn({ baseUrl: info.tinesUrl, token: alice.tinesToken, email: alice.email }, quiet);
    service = tines.connect(account, () => alice.tinesToken, options);
  }
  // sign-in's requests leave the window before the listing starts
  await new Promise((r) => setTimeout(r, WINDOW_MS + 500));
  const name = which === 'sc' ? 'SelfCommunity' : 'Tines';
  const listing = await phase(counter, limit, async () => {
    const items: Reaction[] = [];
    for await (const batch of service.listReactions()) items.push(...batch);
    return items;
  });
  report(row, `${name} listing under its limit (${listing.requests} requests)`, listing, 1.05);
  await new Promise((r) => setTimeout(r, WINDOW_MS + 500));
  const removal = await phase(counter, limit, () => removeMany(listing.value, () => service, { concurrency: 4 }));
  const failed = removal.value.failed.length;
  report(
    row,
    `${name} bulk removal of ${listing.value.length} under its limit (${removal.requests} requests, ${failed} failed)`,
    removal,
    1.15,
    failed === 0,
  );
}

function report(
  row: Row,
  metric: string,
  p: { ms: number; floor: number; requests: number; refused: number },
  target: number,
  extraOk = true,
) {
  const ratio = p.floor > 0 ? p.ms / p.floor : Number.NaN;
  const per100 = (100 * p.refused) / Math.max(1, p.requests);
  row(
    metric,
    `${(p.ms / 1000).toFixed(1)} s = ${ratio.toFixed(2)}x the floor (${p.floor / 1000} s), ${per100.toFixed(1)} answers 429 per 100 requests`,
    `≤ ${target}x, ≤ 2 per 100`,
    ratio <= target && per100 <= 2 && extraOk,
  );
}

/** Both services at once, each a listing then a bulk removal of what it found. */
export async function rateLimitScenario(info: EmuInfo, row: Row): Promise<void> {
  console.log(
    `\nUnder the rate limits (scaled: window ${WINDOW_MS / 1000} s; SelfCommunity ${SC_LIMIT}, Tines ${TINES_LIMIT} per window)`,
  );
  await Promise.all([oneService(info, 'sc', row), oneService(info, 'tines', row)]);
}
