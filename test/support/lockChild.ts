/**
 * A second process for the cross-process lock tests (child_process.fork with tsx): waits for "go",
 * takes the lock, proves it is alone by creating a marker file with O_EXCL, holds it a while, lets go.
 */
import { promises as fs } from 'fs';
import { FileLocks } from '../../src/core/fileLock';

interface Job {
  dir: string;
  key: string;
  leaseMs: number;
  holdMs: number;
  marker: string;
  rounds: number;
}

process.on('message', (msg: { go?: Job }) => {
  if (!msg.go) return;
  void work(msg.go).then(
    (r) => process.send!({ done: r }),
    (e: unknown) => process.send!({ error: String(e) }),
  );
});
process.send!({ ready: true });

async function work(job: Job): Promise<{ held: number; overlaps: number }> {
  const locks = new FileLocks(job.dir, { leaseMs: job.leaseMs, pollMs: 5 });
  let held = 0;
  let overlaps = 0;
  for (let i = 0; i < job.rounds; i++) {
    await locks.run(job.key, async () => {
      held++;
      try {
        await (await fs.open(job.marker, 'wx')).close();
      } catch {
        overlaps++; // someone else holds the lock at the same time
        return;
      }
      await new Promise((r) => setTimeout(r, job.holdMs));
      await fs.unlink(job.marker);
    });
  }
  return { held, overlaps };
}
