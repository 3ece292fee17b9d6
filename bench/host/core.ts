/**
 * The core listing loop alone, in plain Node (no VS Code): the product's SelfCommunity service feeds
 * a ReactionStore scan exactly as src/ui/loader.ts does, against the emulator in a child process. It
 * separates core costs from host costs: run it under `--cpu-prof` for a profile, and it prints the
 * event loop's longest block, RSS growth and the heap retained per kept reaction.
 *
 *   node --expose-gc [--cpu-prof --cpu-prof-dir DIR] --import tsx bench/host/core.ts \
 *        [--scale 100000] [--vote-rate 0.05] [--latency 0] [--comments 1]
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { monitorEventLoopDelay } from 'perf_hooks';
import { createInterface } from 'readline';
import { parseArgs } from 'util';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import { ReactionStore } from '../../src/core/store';

const { values: opt } = parseArgs({
  options: {
    scale: { type: 'string', default: '100000' },
    'vote-rate': { type: 'string', default: '0.45' },
    latency: { type: 'string', default: '0' },
    comments: { type: 'string', default: '1' },
  },
});
const ROOT = path.resolve(__dirname, '..', '..');
const SCALE = Number(opt.scale);

async function main(): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(ROOT, 'test/emulator/cli.ts'),
      '--json',
      '--quiet',
      '--statuses',
      String(SCALE * 0.6),
      '--discussions',
      String(SCALE * 0.3),
      '--posts',
      String(SCALE * 0.1),
      '--comments',
      opt.comments!,
      '--vote-rate',
      opt['vote-rate']!,
      '--cases',
      '0',
      '--latency',
      opt.latency!,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
    });
    const info = JSON.parse(line) as { selfcommunityUrl: string; users: Array<{ name: string; scToken: string }> };
    const alice = info.users.find((u) => u.name === 'alice')!;
    const account = await selfCommunity.signIn({ baseUrl: info.selfcommunityUrl, token: alice.scToken });
    const service = selfCommunity.connect(account, () => alice.scToken, { maxConcurrency: 8, timeoutMs: 120_000 });
    const store = new ReactionStore();
    global.gc?.();
    const rss0 = process.memoryUsage().rss;
    const heap0 = process.memoryUsage().heapUsed;
    let peak = rss0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
    const eld = monitorEventLoopDelay({ resolution: 5 });
    eld.enable();
    const t0 = performance.now();
    const scan = store.beginScan(account.id);
    let n = 0;
    let batches = 0;
    for await (const batch of service.listReactions()) {
      scan.add(batch);
      n += batch.length;
      batches++;
    }
    scan.finish();
    const ms = performance.now() - t0;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    eld.disable();
    global.gc?.();
    const heap = process.memoryUsage().heapUsed - heap0;
    console.log(
      `core: ${SCALE} contributions at vote rate ${opt['vote-rate']}, latency ${opt.latency} ms: ${n} reactions in ${batches} batches, ${(ms / 1000).toFixed(2)} s; event loop max ${(eld.max / 1e6).toFixed(0)} ms (p99 ${(eld.percentile(99) / 1e6).toFixed(0)} ms); RSS +${((peak - rss0) / 1048576).toFixed(1)} MB at peak; heap retained ${(heap / 1048576).toFixed(1)} MB = ${(heap / Math.max(1, n)).toFixed(0)} bytes per kept reaction${global.gc ? '' : ' (no --expose-gc: not collected)'}`,
    );
    if (store.count(account.id) !== n) throw new Error(`store has ${store.count(account.id)}, listed ${n}`);
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
