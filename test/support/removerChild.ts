/**
 * One "window" for the cross-window test (child_process.fork with tsx): the core removal code of one
 * extension host — sign in, list, and on "go" remove the given reactions four at a time — with the
 * lock directory the test gives (one global storage for both), then list again.
 */
import { removeMany } from '../../src/core/bulk';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import { collect } from './client';
import { reactionKeys } from './truth';

interface Job {
  baseUrl: string;
  token: string;
  writeLockDir?: string;
  count: number;
}

process.on('message', (msg: { job?: Job; go?: true }) => {
  if (msg.job) void prepare(msg.job).catch((e: unknown) => process.send!({ error: String(e) }));
  if (msg.go) void go?.().catch((e: unknown) => process.send!({ error: String(e) }));
});

let go: (() => Promise<void>) | undefined;

async function prepare(job: Job): Promise<void> {
  const options = { timeoutMs: 10_000, writeLockDir: job.writeLockDir };
  const account = await selfCommunity.signIn({ baseUrl: job.baseUrl, token: job.token }, options);
  const service = selfCommunity.connect(account, () => job.token, options);
  const listed = (await collect(service.listReactions())).items;
  const targets = [...listed].sort((a, b) => a.id.localeCompare(b.id)).slice(0, job.count);
  go = async () => {
    const summary = await removeMany(targets, () => service, { concurrency: 4 });
    const after = (await collect(service.listReactions())).items;
    process.send!({
      done: {
        removed: summary.removed.length,
        alreadyRemoved: summary.alreadyRemoved.length,
        failed: summary.failed.map((f) => f.error.message),
        after: reactionKeys('selfcommunity', after),
        targets: targets.map((r) => `${r.target.type}:${r.target.id}`),
      },
    });
  };
  process.send!({ ready: true });
}
