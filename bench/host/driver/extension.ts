/**
 * The bench's hands inside the extension host: a tiny companion extension, installed from a .vsix next
 * to the product's by `npm run bench -- --host`, idle unless REACTIONS_BENCH_DRIVER names the harness's
 * loopback URL. It asks the harness for a job (POST /next with the previous job's result), runs it
 * with the product's public surface only — its commands and its exported API (accounts, reactions,
 * onDidChange), never `exports.testing` — and measures what only the host can see: the time from the
 * command to the last change, the event loop's longest block (perf_hooks), a CPU profile (inspector),
 * heap after a full GC.
 */
import * as inspector from 'inspector';
import * as fs from 'fs';
import { PerformanceObserver, monitorEventLoopDelay, constants as perf } from 'perf_hooks';
import * as v8 from 'v8';
import * as vscode from 'vscode';
import { listSelfCommunity, listTines } from '../lister';

const PRODUCT = 'reactions-dev.reactions-vscode';

interface ProductApi {
  accounts(): Array<{ id: string; service: string; label: string }>;
  reactions(accountId?: string): unknown[];
  onDidChange: vscode.Event<void>;
}

interface Job {
  op: 'hello' | 'add' | 'scan' | 'list' | 'heap' | 'remove' | 'exit';
  args?: Record<string, unknown>;
  accountIds?: string[];
  /** scan: reactions each account must end with (the lister's count). */
  expected?: Record<string, number>;
  /** scan: write a CPU profile here. */
  profile?: string;
  /** heap: write a heap snapshot here (after the GC). */
  snapshot?: string;
  timeoutMs?: number;
}

const now = () => performance.timeOrigin + performance.now();

function post(base: string, path: string, body: unknown): Promise<Job> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? null),
  }).then((r) => r.json() as Promise<Job>);
}

class Session {
  private session?: inspector.Session;
  private call<T>(method: string, params?: object): Promise<T> {
    this.session ??= (() => {
      const s = new inspector.Session();
      s.connect();
      return s;
    })();
    return new Promise((resolve, reject) =>
      this.session!.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))),
    );
  }
  async startProfile(): Promise<void> {
    await this.call('Profiler.enable');
    await this.call('Profiler.setSamplingInterval', { interval: 500 });
    await this.call('Profiler.start');
  }
  async stopProfile(file: string): Promise<void> {
    const { profile } = await this.call<{ profile: object }>('Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
  }
  async gc(): Promise<void> {
    await this.call('HeapProfiler.enable');
    await this.call('HeapProfiler.collectGarbage');
    await this.call('HeapProfiler.collectGarbage');
  }
}

async function waitFor(cond: () => boolean, api: ProductApi, timeoutMs: number): Promise<boolean> {
  if (cond()) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    const poll = setInterval(() => cond() && done(true), 250);
    const sub = api.onDidChange(() => void 0);
    function done(ok: boolean) {
      clearTimeout(timer);
      clearInterval(poll);
      sub.dispose();
      resolve(ok);
    }
  });
}

/**
 * When the event loop was blocked: a 5 ms interval that notes every gap over 30 ms (its length and when
 * it ended, from `t0`), so a long block can be matched to what the scan was doing then.
 */
function blockRecorder(): {
  stop(t0: number): {
    blocks: Array<{ ms: number; atMs: number }>;
    gc: Array<{ ms: number; atMs: number; kind: string }>;
  };
} {
  const blocks: Array<{ ms: number; at: number }> = [];
  let last = now();
  const timer = setInterval(() => {
    const t = now();
    if (t - last > 30) blocks.push({ ms: t - last - 5, at: t });
    last = t;
  }, 5);
  // The garbage collector's pauses over 20 ms, to tell a GC pause from a block of our own.
  const gc: Array<{ ms: number; at: number; kind: string }> = [];
  const kinds: Record<number, string> = {
    [perf.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [perf.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [perf.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [perf.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
  };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (e.duration > 20)
        gc.push({
          ms: e.duration,
          at: performance.timeOrigin + e.startTime + e.duration,
          kind: kinds[kind ?? 0] ?? '?',
        });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const top = <T extends { ms: number; at: number }>(xs: T[], t0: number) =>
    xs
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5)
      .map(({ at, ms, ...rest }) => ({ ...rest, ms: Math.round(ms), atMs: Math.round(at - t0) }));
  return {
    stop(t0) {
      clearInterval(timer);
      observer.disconnect();
      return { blocks: top(blocks, t0), gc: top(gc, t0) };
    },
  };
}

async function scan(api: ProductApi, job: Job, inspect: Session): Promise<unknown> {
  const ids = job.accountIds ?? api.accounts().map((a) => a.id);
  const expected = job.expected ?? {};
  let changes = 0;
  let lastChange = 0;
  const sub = api.onDidChange(() => {
    changes++;
    lastChange = now();
  });
  const eld = monitorEventLoopDelay({ resolution: 5 });
  if (job.profile) await inspect.startProfile();
  const cpu0 = process.cpuUsage();
  const mem0 = process.memoryUsage();
  eld.enable();
  const blocks = blockRecorder();
  const t0 = now();
  // The real command, with plain-object args (all accounts when none named): it resolves when the
  // listing has finished and the tree has been told.
  await vscode.commands.executeCommand('reactions.fullRescan', ids.length === 1 ? { accountId: ids[0] } : undefined);
  const commandDone = now();
  // Anything still trickling in after the command (it should be nothing): wait for 300 ms of quiet.
  while (now() - Math.max(lastChange, commandDone) < 300) await new Promise((r) => setTimeout(r, 50));
  eld.disable();
  const longest = blocks.stop(t0);
  const cpu = process.cpuUsage(cpu0);
  const mem = process.memoryUsage();
  if (job.profile) await inspect.stopProfile(job.profile);
  sub.dispose();
  const counts = Object.fromEntries(ids.map((id) => [id, api.reactions(id).length]));
  return {
    t0,
    commandDone,
    lastChange,
    changes,
    counts,
    ok: Object.entries(expected).every(([id, n]) => counts[id] === n),
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    eventLoop: {
      maxMs: eld.max / 1e6,
      p99Ms: eld.percentile(99) / 1e6,
      meanMs: eld.mean / 1e6,
      longest: longest.blocks,
      gcPauses: longest.gc,
    },
    rssBefore: mem0.rss,
    rssAfter: mem.rss,
    heapBefore: mem0.heapUsed,
    heapAfter: mem.heapUsed,
  };
}

/**
 * The bench's plain lister (bench/host/lister.ts) run here, in the extension host, with the host's own
 * fetch (which VS Code wraps for proxy support): what the same 40 lines pay in this process.
 */
async function list(job: Job): Promise<unknown> {
  const a = job.args as {
    concurrency: number;
    selfcommunity?: { baseUrl: string; token: string };
    tines?: { baseUrl: string; token: string; userId: string };
  };
  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  const cpu0 = process.cpuUsage();
  const t0 = now();
  const runs = await Promise.all([
    a.selfcommunity && listSelfCommunity(a.selfcommunity.baseUrl, a.selfcommunity.token, a.concurrency),
    a.tines && listTines(a.tines.baseUrl, a.tines.token, a.tines.userId, a.concurrency),
  ]);
  const ms = now() - t0;
  const cpu = process.cpuUsage(cpu0);
  eld.disable();
  const done = runs.filter((r) => r !== undefined);
  return {
    ms,
    reactions: done.reduce((n, r) => n + r.reactions, 0),
    requests: done.reduce((n, r) => n + r.requests, 0),
    eventLoopMaxMs: eld.max / 1e6,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

async function run(job: Job, api: ProductApi, inspect: Session): Promise<unknown> {
  switch (job.op) {
    case 'hello':
      return { pid: process.pid, node: process.version, vscode: vscode.version };
    case 'add': {
      const account = (await vscode.commands.executeCommand('reactions.addAccount', job.args)) as { id: string };
      // Adding lists at once; wait until that first listing has found what the lister found.
      const want = job.expected?.any ?? 0;
      const ok = await waitFor(() => api.reactions(account.id).length >= want, api, job.timeoutMs ?? 600_000);
      return { accountId: account.id, label: account, ok, found: api.reactions(account.id).length };
    }
    case 'scan':
      return scan(api, job, inspect);
    case 'list':
      return list(job);
    case 'heap': {
      await inspect.gc();
      const m = process.memoryUsage();
      if (job.snapshot) v8.writeHeapSnapshot(job.snapshot);
      return { heapUsed: m.heapUsed, rss: m.rss, reactions: api.reactions().length };
    }
    case 'remove':
      for (const id of job.accountIds ?? [])
        await vscode.commands.executeCommand('reactions.removeAccount', { accountId: id, confirm: false });
      return { accounts: api.accounts().length };
    default:
      return undefined;
  }
}

export async function activate(): Promise<void> {
  const base = process.env.REACTIONS_BENCH_DRIVER;
  if (!base) return;
  const product = vscode.extensions.getExtension<ProductApi>(PRODUCT);
  if (!product) throw new Error(`${PRODUCT} is not installed`);
  const api = await product.activate();
  const inspect = new Session();
  let result: unknown = undefined;
  for (;;) {
    const job = await post(base, '/next', result);
    if (!job || job.op === 'exit') return;
    try {
      result = { ok: true, ...((await run(job, api, inspect)) as object) };
    } catch (e) {
      result = { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }
}

export function deactivate(): void {}
