/**
 * `npm run bench:locks`: what the cross-window write lock costs. Removes the same SelfCommunity
 * reactions (read, vote POST, read) against the emulator four at a time, without a lock directory and
 * with one (each write holds its target's lock file), at two emulator latencies, and times a bare
 * acquire + release. Printed, never asserted (timings on a shared machine are noisy).
 *   options: --count N (reactions per run, default 300), --rounds N (default 3)
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { removeMany } from '../src/core/bulk';
import { FileLocks } from '../src/core/fileLock';
import type { Reaction } from '../src/core/model';
import { selfCommunity } from '../src/core/services/selfcommunity';
import { startEmulator } from '../test/emulator';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const COUNT = arg('count', 300);
const ROUNDS = arg('rounds', 3);

async function main(): Promise<void> {
  const emu = await startEmulator({ seed: 3, sc: { statuses: 400, discussions: 80, posts: 80, voteRate: 0.8 } });
  const dir = mkdtempSync(join(tmpdir(), 'reactions-bench-locks-'));
  try {
    const alice = emu.users[0];
    const base = { timeoutMs: 10_000, maxConcurrency: 8 };
    const account = await selfCommunity.signIn({ baseUrl: emu.selfcommunityUrl, token: alice.scToken }, base);
    const listed: Reaction[] = [];
    for await (const batch of selfCommunity.connect(account, () => alice.scToken, base).listReactions())
      listed.push(...batch);
    const targets = listed.filter((r) => r.kind.id !== '').slice(0, COUNT);
    const putBack = () => {
      for (const r of targets) emu.sc.setVote(r.target.type as 'status', r.target.id, 'alice', Number(r.kind.id));
    };
    console.log(`${targets.length} removals per run (read, vote POST, read), 4 at a time; best of ${ROUNDS}`);
    for (const latencyMs of [0, 5]) {
      emu.setLatency(latencyMs);
      for (const [name, writeLockDir] of [
        ['no lock', undefined],
        ['lock file per write', join(dir, `locks-${latencyMs}`)],
      ] as const) {
        let best = Infinity;
        for (let i = 0; i < ROUNDS; i++) {
          putBack();
          const service = selfCommunity.connect(account, () => alice.scToken, { ...base, writeLockDir });
          const t = performance.now();
          const s = await removeMany(targets, () => service, { concurrency: 4 });
          best = Math.min(best, performance.now() - t);
          if (s.removed.length !== targets.length) throw new Error(`removed ${s.removed.length} of ${targets.length}`);
        }
        console.log(
          `latency ${latencyMs} ms, ${name.padEnd(20)} ${((targets.length / best) * 1000).toFixed(0).padStart(5)} writes/s (${best.toFixed(0)} ms)`,
        );
      }
    }
    const locks = new FileLocks(join(dir, 'bare'));
    const n = 2000;
    const t = performance.now();
    for (let i = 0; i < n; i++) await locks.run(`k${i % 50}`, async () => undefined);
    console.log(`bare acquire + release: ${(((performance.now() - t) / n) * 1000).toFixed(0)} µs each`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await emu.close();
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
