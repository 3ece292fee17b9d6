/**
 * One write at a time per target, in this window and across every window of the machine: a keyed lock
 * in this process, then (when the client has a lock directory: the extension's global storage) the
 * target's lock file, held for one write (its read before, the write, its read after), never a run.
 * So a second window reads only after the first has written, and finds "already removed". After a lost
 * answer the lock is kept until that write would have landed (`writeSettleMs`): no window acts on a
 * state the lost write is about to change.
 */
import { KeyedLock } from '../../async';
import { fileLocksIn, type FileLocks } from '../../fileLock';
import type { Connection } from './account';
import { LostAnswers } from './safeWrite';

export class TargetLocks {
  private readonly local = new KeyedLock();
  /** The lock files (one FileLocks per directory and process: every account's writes share them). */
  private readonly files: FileLocks | undefined;
  readonly lost: LostAnswers;

  constructor(private readonly c: Connection) {
    this.lost = new LostAnswers(c.http.options.writeSettleMs);
    this.files = fileLocksIn(c.options.writeLockDir, { logger: c.options.logger });
  }

  /** Runs `task` alone on `key` (a target of this account), here and in every other window. */
  run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.local.run(key, async () => {
      await this.lost.settle(key, signal);
      const held = await this.files?.acquire(`${this.c.account.id}|${key}`, signal);
      try {
        return await task();
      } finally {
        // A write that lost its answer may still land: other windows wait until it would have (in the background).
        if (held && this.lost.pending(key)) void this.lost.settle(key).finally(() => held.release());
        else await held?.release();
      }
    });
  }
}
