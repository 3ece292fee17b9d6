/**
 * `npx tsx bench/cleanup.ts [--n 10000] [--remove 1000]`: how a clean-up rule behaves on a large account,
 * against the emulator (in this process): the time to compute the preview over every reaction (with a
 * keep list), the removal throughput (each removal is read → POST → read on SelfCommunity), and the
 * journal's write and cold-read times for the removed batch. Prints numbers, judges nothing (timings on
 * shared machines are noisy).
 */
import { mkdtempSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { removeMany } from '../src/core/bulk';
import { RestoreJournal } from '../src/core/cleanup/journal';
import { KeepList } from '../src/core/cleanup/keepList';
import { parseRule, previewCleanup } from '../src/core/cleanup/rule';
import { groupByTime } from '../src/core/cleanup/timeGroups';
import { MemoryLogger } from '../src/core/log';
import type { Reaction } from '../src/core/model';
import { selfCommunity } from '../src/core/services/selfcommunity';
import { startEmulator } from '../test/emulator';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '10000' }, remove: { type: 'string', default: '1000' } },
});
const N = Number(values.n);
const REMOVE = Number(values.remove);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const emu = await startEmulator({
    seed: 9,
    sc: { statuses: N, discussions: 0, posts: 0, commentsPerItem: 0, voteRate: 1 },
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'reactions-bench-cleanup-'));
  try {
    const alice = emu.users.find((u) => u.name === 'alice')!;
    const options = { logger: new MemoryLogger(), maxConcurrency: 8, retryBaseMs: 10 };
    const account = await selfCommunity.signIn({ baseUrl: emu.selfcommunityUrl, token: alice.scToken }, options);
    const service = selfCommunity.connect(account, () => alice.scToken, options);
    let t = performance.now();
    const all: Reaction[] = [];
    for await (const batch of service.listReactions()) all.push(...batch);
    console.log(`listed ${all.length} reactions in ${(performance.now() - t).toFixed(0)} ms`);

    const state = new Map<string, unknown>();
    const keep = new KeepList({ get: (k) => state.get(k) as never, update: async (k, v) => void state.set(k, v) });
    await keep.add(all.filter((_, i) => i % 50 === 0)); // 2% kept
    const ages = all.map((r) => Date.now() - (r.target.createdAt ?? 0)).sort((a, b) => a - b);
    const days = Math.floor(ages[Math.floor(ages.length / 2)] / 86_400_000); // the older half matches
    const rule = parseRule({ olderThanDays: days });
    const times: number[] = [];
    let preview = previewCleanup(all, rule, (id) => keep.has(id));
    for (let i = 0; i < 7; i++) {
      t = performance.now();
      preview = previewCleanup(all, rule, (id) => keep.has(id));
      times.push(performance.now() - t);
    }
    console.log(
      `preview over ${all.length}: ${preview.toRemove.length} match, ${preview.kept.length} kept — median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)})`,
    );
    const g: number[] = [];
    for (let i = 0; i < 7; i++) {
      t = performance.now();
      groupByTime(all, new Date(), 'newest');
      g.push(performance.now() - t);
    }
    console.log(`group by when over ${all.length}: median ${median(g).toFixed(1)} ms`);

    const batch = preview.toRemove.slice(0, REMOVE);
    emu.clearLog();
    t = performance.now();
    const summary = await removeMany(batch, () => service, { concurrency: 4 });
    const ms = performance.now() - t;
    console.log(
      `removed ${summary.removed.length} of ${batch.length} (concurrency 4) in ${(ms / 1000).toFixed(1)} s: ${(summary.removed.length / (ms / 1000)).toFixed(0)} removals/s, ${emu.requests.length} requests (${(emu.requests.length / summary.removed.length).toFixed(1)} per removal)`,
    );

    const journal = RestoreJournal.inFolder(dir);
    t = performance.now();
    await journal.record('cleanup', summary.removed);
    await journal.flush();
    const writeMs = performance.now() - t;
    t = performance.now();
    const fresh = await RestoreJournal.inFolder(dir).list();
    console.log(
      `journal: ${summary.removed.length} reactions, ${(statSync(journal.file).size / 1024).toFixed(0)} KiB, written in ${writeMs.toFixed(0)} ms, read cold in ${(performance.now() - t).toFixed(0)} ms (${fresh[0].reactions.length} back)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await emu.close();
  }
}

void main();
