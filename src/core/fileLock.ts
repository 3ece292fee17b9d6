/**
 * A lock shared by every process of the machine (every VS Code window runs its own extension host):
 * one file per key in a directory (the extension's global storage). Plain Node, no `vscode`.
 *
 * - Taking it: `open(path, 'wx')` (O_CREAT|O_EXCL), atomic: one process creates the file, the others
 *   wait (polling with jitter) and try again. The file says who holds it: pid and host.
 * - Holding it: a heartbeat touches the file's times through the holder's own open handle every
 *   `heartbeatMs`, so it can only ever touch its own file, never one a taker made after it.
 * - A crashed holder cannot keep it: the lock is stale when its pid is gone (same host) or when its
 *   heartbeat is older than `leaseMs` (a frozen or remote holder).
 * - Taking over a stale lock happens under a short guard file (O_EXCL too) and only when the file is
 *   still the one judged stale (same inode and ctime: a heartbeat or a new lock changes them); the
 *   stale file is removed and the taker competes with everyone else for the O_EXCL create. So two
 *   racing takers never both hold it: only one removes the stale file, and only one creates the next.
 * - Letting go: the holder removes the file only while it is still its own (inode of its open handle);
 *   when its lease may have run out (a frozen event loop) it checks and removes under the guard.
 */
import { createHash } from 'crypto';
import { promises as fs, type Stats } from 'fs';
import { hostname } from 'os';
import { join } from 'path';
import { sleep } from './async';
import { cancelled } from './errors';
import { silentLogger, type Logger } from './log';

export interface FileLockOptions {
  /** How long a holder that stopped its heartbeat keeps the lock (default 30 s). */
  readonly leaseMs?: number;
  /** How often a holder touches its lock (default a quarter of the lease). */
  readonly heartbeatMs?: number;
  /** The longest wait between two tries while another process holds the lock (default 25 ms). */
  readonly pollMs?: number;
  /** A guard file older than this was left by a crash inside the guard (which lasts microseconds). */
  readonly guardStaleMs?: number;
  readonly logger?: Logger;
  /** Whether a process of this host runs (tests replace it). */
  readonly isAlive?: (pid: number) => boolean;
}

interface Owner {
  pid?: number;
  host?: string;
}

/** Whether a process with this id runs on this machine (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const code = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

export class FileLocks {
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly pollMs: number;
  private readonly guardStaleMs: number;
  private readonly logger: Logger;
  private readonly isAlive: (pid: number) => boolean;
  private made: Promise<unknown> | undefined;

  constructor(
    readonly dir: string,
    options: FileLockOptions = {},
  ) {
    this.leaseMs = Math.max(50, options.leaseMs ?? 30_000);
    this.heartbeatMs = Math.max(10, Math.min(options.heartbeatMs ?? this.leaseMs / 4, this.leaseMs / 3));
    this.pollMs = Math.max(1, options.pollMs ?? 25);
    this.guardStaleMs = options.guardStaleMs ?? 5_000;
    this.logger = options.logger ?? silentLogger;
    this.isAlive = options.isAlive ?? processAlive;
  }

  /** The lock file of a key (its name is a hash: keys may hold ids and slashes). */
  pathOf(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.lock`);
  }

  /** Runs `task` while holding the lock of `key` in every process that uses this directory. */
  async run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const held = await this.acquire(key, signal);
    try {
      return await task();
    } finally {
      await held.release();
    }
  }

  /** Waits until this process holds the lock of `key`. */
  async acquire(key: string, signal?: AbortSignal): Promise<{ release(): Promise<void> }> {
    const path = this.pathOf(key);
    this.made ??= fs.mkdir(this.dir, { recursive: true }).catch((e) => {
      this.made = undefined;
      throw e;
    });
    await this.made;
    let wait = 1;
    for (;;) {
      if (signal?.aborted) throw cancelled();
      const handle = await this.create(path);
      if (handle) return this.hold(path, handle);
      const seen = await fs.stat(path).catch((e) => (code(e) === 'ENOENT' ? undefined : Promise.reject(e)));
      if (!seen) continue; // let go meanwhile: try again at once
      if (await this.isStale(path, seen)) {
        await this.removeStale(path, seen);
        continue;
      }
      await sleep(wait * (0.5 + Math.random()), signal);
      wait = Math.min(this.pollMs, wait * 2);
    }
  }

  /** O_EXCL create; undefined when the file exists. */
  private async create(path: string): Promise<fs.FileHandle | undefined> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, 'wx');
    } catch (e) {
      if (code(e) === 'EEXIST') return undefined;
      throw e;
    }
    await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
    return handle;
  }

  private hold(path: string, handle: fs.FileHandle): { release(): Promise<void> } {
    let beat = Date.now();
    const timer = setInterval(() => {
      const now = new Date();
      handle.utimes(now, now).then(
        () => (beat = now.getTime()),
        () => undefined,
      );
    }, this.heartbeatMs);
    timer.unref?.();
    return {
      release: async () => {
        clearInterval(timer);
        try {
          const mine = (await handle.stat()).ino;
          // While the lease is surely ours nobody may take it over: remove it directly. Else check under the guard.
          const safe = Date.now() - beat < (this.leaseMs * 2) / 3;
          const remove = () => this.removeIfMine(path, mine);
          if (safe) await remove();
          else await this.guarded(path, remove);
        } finally {
          await handle.close().catch(() => undefined);
        }
      },
    };
  }

  private async removeIfMine(path: string, ino: number): Promise<void> {
    const now = await fs.stat(path).catch(() => undefined);
    if (now?.ino === ino) await fs.unlink(path).catch(() => undefined);
    else this.logger.warn(`write lock ${path}: taken over while held (the lease ran out)`);
  }

  /** Dead holder (same host), or a heartbeat older than the lease. */
  private async isStale(path: string, seen: Stats): Promise<boolean> {
    if (Date.now() - seen.mtimeMs > this.leaseMs) return true;
    let owner: Owner;
    try {
      owner = JSON.parse(await fs.readFile(path, 'utf8')) as Owner;
    } catch {
      return false; // being written, or gone: not stale by its pid
    }
    return owner.host === hostname() && typeof owner.pid === 'number' && !this.isAlive(owner.pid);
  }

  /** Removes the stale lock `seen`, under the guard, only if the file is still that one. */
  private async removeStale(path: string, seen: Stats): Promise<void> {
    await this.guarded(path, async () => {
      const now = await fs.stat(path).catch(() => undefined);
      if (!now || now.ino !== seen.ino || now.ctimeMs !== seen.ctimeMs) return; // let go, beaten or alive
      await fs.unlink(path).catch(() => undefined);
      this.logger.info(`write lock ${path}: took over from a holder that is gone or stopped its heartbeat`);
    });
  }

  /** Runs `task` holding the guard of `path` (microseconds); a guard left by a crash is removed after `guardStaleMs`. */
  private async guarded(path: string, task: () => Promise<void>): Promise<void> {
    const guard = `${path}.guard`;
    for (;;) {
      try {
        await (await fs.open(guard, 'wx')).close();
        break;
      } catch (e) {
        if (code(e) !== 'EEXIST') throw e;
        const st = await fs.stat(guard).catch(() => undefined);
        if (st && Date.now() - st.mtimeMs > this.guardStaleMs) {
          this.logger.warn(`write lock guard ${guard} left by a crash: removed`);
          await fs.unlink(guard).catch(() => undefined);
        } else await sleep(1 + Math.random() * 2);
      }
    }
    try {
      await task();
    } finally {
      await fs.unlink(guard).catch(() => undefined);
    }
  }
}

/** The lock files of a lock directory (one per directory and process). */
const byDir = new Map<string, FileLocks>();
export function fileLocksIn(dir: string | undefined, options: FileLockOptions = {}) {
  if (!dir) return undefined;
  let locks = byDir.get(dir);
  if (!locks) byDir.set(dir, (locks = new FileLocks(dir, options)));
  return locks;
}
