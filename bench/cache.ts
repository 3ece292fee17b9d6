/**
 * `npm run bench:cache`: how long the persisted cache takes for 10k reactions — save (JSON + temp
 * file + rename), load (read + validate) and restore into the store — and the file's size. Printed,
 * never asserted (timings on shared machines are noisy); the ratio to a bare JSON round trip of the
 * same data says what the cache adds on top of the floor.
 */
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ReactionCache } from '../src/core/cache';
import type { Reaction } from '../src/core/model';
import { scReaction } from '../test/support/builders';
import { ReactionStore } from '../src/core/store';

const SC = 'selfcommunity:community.example.com:7';
const COUNT = 10_000;

const reaction = (i: number): Reaction =>
  scReaction('post', String(i), 'Like', {
    account: SC,
    target: {
      excerpt: `A fairly typical excerpt of a post, number ${i}, about as long as the tree shows it…`.padEnd(140, '.'),
      createdAt: Date.parse('2024-01-02T00:00:00Z'),
      url: `https://community.example.com/post/${i}`,
      author: 'Ann',
    },
    kind: { active: true },
  });

async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { value, ms: Number(process.hrtime.bigint() - t) / 1e6 };
}

async function main(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reactions-bench-cache-'));
  try {
    const cache = new ReactionCache(dir);
    const many = Array.from({ length: COUNT }, (_, i) => reaction(i));
    const floor = await timed(async () => {
      const file = path.join(dir, 'floor.json');
      await fs.writeFile(file, JSON.stringify(many));
      return JSON.parse(await fs.readFile(file, 'utf8')) as unknown[];
    });
    const save = await timed(() => cache.save(SC, many, true));
    const bytes = (await fs.stat(cache.fileOf(SC))).size;
    const load = await timed(() => cache.load(SC));
    const entry = load.value;
    if (entry?.reactions.length !== COUNT) throw new Error(`loaded ${entry?.reactions.length} of ${COUNT} reactions`);
    const store = new ReactionStore();
    const restore = await timed(() =>
      store.restore({ version: 1, savedAt: entry.savedAt, accounts: { [SC]: entry.reactions } }, [SC]),
    );
    const total = save.ms + load.ms + restore.ms;
    console.log(`cache, ${COUNT} reactions (${(bytes / 1024 / 1024).toFixed(2)} MB on disk):`);
    console.log(`  save            ${save.ms.toFixed(1)} ms`);
    console.log(`  load            ${load.ms.toFixed(1)} ms`);
    console.log(`  into the store  ${restore.ms.toFixed(1)} ms`);
    console.log(
      `  all three       ${total.toFixed(1)} ms = ${(total / floor.ms).toFixed(1)}× a bare JSON write + read of the same data (${floor.ms.toFixed(1)} ms)`,
    );
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
