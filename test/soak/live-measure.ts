/**
 * The two measurements of issue 13, against the emulator, for any copy of `src/` (so that the code
 * before a change and after it can be measured the same way):
 *
 *   1. a community that changes during the scan (3,000 contributions, per list request 3 deleted and 1
 *      added): found / truth for Full Rescan and for Refresh after a clean listing, and a clean scan;
 *   2. a misbehaving server: each hostile mode in a child process of its own, stopped after 60 s —
 *      outcome, time, requests, the longest event-loop stall, peak RSS.
 *
 * Run: `npx tsx test/soak/live-measure.ts [--src DIR] [--comments N] [--churn-only | --hostile-only]` (DIR: a
 * `src` directory, default this tree's; N: average comments per contribution, default 0.6).
 * A copy of another commit's src: `git archive <commit> src | tar -x -C /tmp/before` and link
 * /tmp/before/node_modules to this tree's. Not part of `npm test`.
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { startEmulator, type Emulator, type HostileOptions } from '../emulator';

type Service = {
  signIn(input: { baseUrl: string; token: string }, options?: object): Promise<{ id: string }>;
  connect(account: unknown, getToken: () => string, options?: object): AccountService;
};
type Reaction = { id: string; target: { type: string; id: string } };
type AccountService = {
  listReactions(signal?: AbortSignal): AsyncIterable<Reaction[]>;
  refreshReactions(known: Reaction[], since: unknown): AsyncIterable<{ upsert: Reaction[]; remove: string[] }>;
  checkpoint: unknown;
};

const argv = process.argv.slice(2);
const opt = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const SRC = path.resolve(opt('--src') ?? path.join(__dirname, '../../src'));
const MB = 1024 * 1024;

async function connect(emu: Emulator): Promise<AccountService> {
  const mod = (await import(path.join(SRC, 'core/services/selfcommunity/index.ts'))) as { selfCommunity: Service };
  const a = emu.users[0];
  const options = { retryBaseMs: 10, timeoutMs: 5000, retries: 2, maxConcurrency: 8 };
  const account = await mod.selfCommunity.signIn({ baseUrl: emu.selfcommunityUrl, token: a.scToken }, options);
  return mod.selfCommunity.connect(account, () => a.scToken, options);
}

const keyOf = (r: Reaction) => `${r.target.type}:${r.target.id}`;
const votes = (emu: Emulator) =>
  new Set(
    emu.sc
      .votesOf('alice')
      .filter((v) => v.type !== 'comment')
      .map((v) => `${v.type}:${v.id}`),
  );

async function list(service: AccountService, failures?: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  try {
    for await (const batch of service.listReactions()) for (const r of batch) out.add(keyOf(r));
  } catch (e) {
    if (!failures) throw e;
    failures.push(`failed after ${out.size} found: ${(e as Error).message.slice(0, 120)}`);
  }
  return out;
}

function row(what: string, found: Set<string>, start: Set<string>, end: Set<string>): string {
  const throughout = [...start].filter((k) => end.has(k));
  const missing = throughout.filter((k) => !found.has(k) && !k.startsWith('comment:')).length;
  return `| ${what} | ${throughout.length - missing} / ${throughout.length} | ${missing} |`;
}

async function churn(): Promise<void> {
  const emu = await startEmulator({
    seed: 41,
    sc: { statuses: 1500, discussions: 900, posts: 600, commentsPerItem: Number(opt('--comments') ?? 0.6) },
  });
  try {
    const service = await connect(emu);
    console.log(`churn (src ${SRC}): 3,000 contributions; per contribution list request 3 deleted, 1 added`);
    console.log('| | found / truth (existing throughout) | missing |\n|---|---|---|');
    let start = votes(emu);
    const clean = await list(service);
    console.log(row('the same scan with no change during it', clean, start, votes(emu)));
    start = votes(emu);
    emu.setChurn({ seed: 5, deletes: 3, inserts: 1 });
    const failures: string[] = [];
    const full = await list(service, failures);
    emu.setChurn(undefined);
    console.log(row('Full Rescan', full, start, votes(emu)) + (failures.length ? ` ${failures[0]} |` : ''));
    // Refresh after a clean listing
    const known: Reaction[] = [];
    for await (const b of service.listReactions()) known.push(...b);
    const checkpoint = service.checkpoint;
    start = votes(emu);
    emu.setChurn({ seed: 9, deletes: 3, inserts: 1 });
    const map = new Map(known.map((r) => [r.id, r]));
    for await (const d of service.refreshReactions(known, checkpoint)) {
      for (const r of d.upsert) map.set(r.id, r);
      for (const id of d.remove) map.delete(id);
    }
    emu.setChurn(undefined);
    console.log(
      row('Refresh (incremental, after a clean listing)', new Set([...map.values()].map(keyOf)), start, votes(emu)),
    );
    console.log(`(churn deleted ${emu.churnLog.deleted.length}, added ${emu.churnLog.inserted.length} in all)`);
  } finally {
    await emu.close();
  }
}

const CASES: Record<string, HostileOptions> = {
  'count: 1000000000': { hugeCount: true },
  'next points back to the same page': { nextLoop: true },
  'one ~50 MB response': { hugeBodyMegabytes: 50 },
  "one item's text is 200k '<'": { pathologicalText: 200_000 },
};

/** One hostile case (in a child process): prints one JSON line. */
async function hostileCase(name: string): Promise<void> {
  const emu = await startEmulator({ seed: 13, sc: { statuses: 150, discussions: 40, posts: 30, commentsPerItem: 1 } });
  emu.sc.setVote('status', 150, 'alice', 1);
  const service = await connect(emu);
  emu.clearLog();
  emu.hostile = CASES[name];
  let stall = 0;
  let peak = 0;
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    stall = Math.max(stall, now - last - 10);
    last = now;
    peak = Math.max(peak, process.memoryUsage().rss);
    process.stdout.write(JSON.stringify({ progress: true, requests: emu.requests.length, stall, peak }) + '\n');
  }, 10);
  const started = Date.now();
  let outcome: string;
  try {
    const found = await list(service);
    outcome = `ok, ${found.size} listed (truth ${votes(emu).size + emu.sc.votesOf('alice').filter((v) => v.type === 'comment').length})`;
  } catch (e) {
    outcome = `error: ${(e as Error).message.slice(0, 160)}`;
  }
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  process.stdout.write(
    JSON.stringify({ done: true, outcome, ms: Date.now() - started, requests: emu.requests.length, stall, peak }) +
      '\n',
  );
  await emu.close();
  process.exit(0);
}

/** Runs each case in a child and stops it after 60 s. */
async function hostile(): Promise<void> {
  console.log(`\nhostile server (src ${SRC}), each case in its own process, stopped after 60 s`);
  console.log('| server does | outcome | time | requests | longest stall | peak RSS |\n|---|---|---|---|---|---|');
  for (const name of Object.keys(CASES)) {
    const child = spawn(process.execPath, [...process.execArgv, __filename, '--case', name, '--src', SRC], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let last: Record<string, unknown> = {};
    let buffer = '';
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const l of lines) if (l.startsWith('{')) last = JSON.parse(l);
    });
    const started = Date.now();
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await new Promise((r) => child.on('exit', r));
    clearTimeout(killer);
    const ms = last.done ? Number(last.ms) : Date.now() - started;
    const outcome = last.done ? String(last.outcome) : 'did not end within 60 s (killed)';
    const stall = last.stall !== undefined ? `${last.stall} ms` : '≥ 60 s (no timer ever fired)';
    console.log(
      `| ${name} | ${outcome} | ${(ms / 1000).toFixed(1)} s | ${last.requests ?? '?'} | ${stall} | ${last.peak ? `${Math.round(Number(last.peak) / MB)} MB` : '?'} |`,
    );
  }
}

async function main(): Promise<void> {
  const one = opt('--case');
  if (one) return hostileCase(one);
  if (!argv.includes('--hostile-only')) await churn();
  if (!argv.includes('--churn-only')) await hostile();
}

void main();
