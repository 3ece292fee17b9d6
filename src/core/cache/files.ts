/**
 * The persisted cache of listed reactions: one JSON file per account in a directory (the UI passes
 * `context.globalStorageUri.fsPath`), so a new window shows what was listed last time without a single
 * request, and a background refresh then brings it up to date. Plain Node (`fs/promises`), no `vscode`.
 * The format is in `format.ts`.
 *
 * `load()` never throws: a missing, unreadable, corrupt, wrong-version or other account's file is
 * `undefined` (and a log line). `save()` writes a temp file and renames it over the old one (a reader
 * sees the old or the new file, never half of one); saves and deletes of one account run one at a time.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { errorText, silentLogger, type Logger } from '../log';
import type { Reaction } from '../model';
import type { ScanCheckpoint } from '../services/service';
import { TEMP_SUFFIX, cacheFileName, decodeEntry, encodeEntry, isCacheFileName, type CacheEntry } from './format';

const RENAME_RETRY_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);

export interface ReactionCacheOptions {
  logger?: Logger;
}

/** The cache files of one directory; see the file comment. */
export class ReactionCache {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly logger: Logger;
  private tempCounter = 0;

  constructor(
    readonly dir: string,
    options: ReactionCacheOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  /** The full path of an account's cache file. */
  fileOf(accountId: string): string {
    return path.join(this.dir, cacheFileName(accountId));
  }

  /** The account's cached reactions, or undefined (missing, unreadable, corrupt, another version). Never throws. */
  async load(accountId: string): Promise<CacheEntry | undefined> {
    await this.queues.get(accountId); // a save or delete under way finishes first
    const file = this.fileOf(accountId);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') this.logger.debug(`cache: nothing cached for ${accountId}`);
      else this.logger.warn(`cache: cannot read the cache of ${accountId}: ${errorText(e)}`);
      return undefined;
    }
    return await decodeEntry(bytes, accountId, path.basename(file), this.logger);
  }

  /** Writes the account's reactions (temp file + rename). Saves of one account run in call order. */
  save(
    accountId: string,
    reactions: readonly Reaction[],
    complete: boolean,
    checkpoint?: ScanCheckpoint,
  ): Promise<void> {
    return this.enqueue(accountId, () => this.write(accountId, reactions, complete, checkpoint));
  }

  /** Deletes the account's cache file (nothing when there is none). */
  delete(accountId: string): Promise<void> {
    return this.enqueue(accountId, async () => {
      await fs.rm(this.fileOf(accountId), { force: true });
      this.logger.debug(`cache: deleted the cache of ${accountId}`);
    });
  }

  /** Deletes every cache file in the directory (and leftover temp files); other files stay. */
  async clear(): Promise<void> {
    await this.prune([]);
  }

  /** Deletes the cache files of accounts other than `keep` (and leftover temp files). Never throws. */
  async prune(keep: Iterable<string>): Promise<number> {
    await Promise.all([...this.queues.values()]);
    const keepNames = new Set([...keep].map(cacheFileName));
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return 0; // no directory: nothing cached
    }
    let removed = 0;
    for (const name of names) {
      if (!isCacheFileName(name) || keepNames.has(name)) continue;
      try {
        await fs.rm(path.join(this.dir, name), { force: true });
        removed++;
      } catch (e) {
        this.logger.warn(`cache: cannot delete ${name}: ${errorText(e)}`);
      }
    }
    if (removed) this.logger.info(`cache: deleted ${removed} file(s) of accounts no longer added`);
    return removed;
  }

  /** Resolves when every save and delete started so far has ended. */
  async idle(): Promise<void> {
    while (this.queues.size) await Promise.all([...this.queues.values()]);
  }

  private async write(
    accountId: string,
    reactions: readonly Reaction[],
    complete: boolean,
    checkpoint?: ScanCheckpoint,
  ): Promise<void> {
    const started = Date.now();
    let length = 0;
    const parts = encodeEntry(accountId, reactions, complete, checkpoint, new Date());
    const counted = (async function* () {
      for await (const part of parts) {
        length += part.length;
        yield part;
      }
    })();
    const file = this.fileOf(accountId);
    const temp = `${file}.${process.pid}.${++this.tempCounter}${TEMP_SUFFIX}`;
    await fs.mkdir(this.dir, { recursive: true });
    try {
      await fs.writeFile(temp, counted, { encoding: 'utf8', mode: 0o600 });
      await renameWithRetry(temp, file);
    } catch (e) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw e;
    }
    this.logger.debug(
      `cache: saved ${reactions.length} reaction(s) of ${accountId} (${length} characters) in ${Date.now() - started} ms`,
    );
  }

  /** Runs `task` after the account's previous save/delete; a failure does not stop later ones. */
  private enqueue(accountId: string, task: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(accountId) ?? Promise.resolve();
    const run = previous.then(task);
    const tail = run.catch(() => undefined);
    this.queues.set(accountId, tail);
    void tail.then(() => {
      if (this.queues.get(accountId) === tail) this.queues.delete(accountId);
    });
    return run;
  }
}

/** Windows may refuse a rename for a moment (a scanner has the file open): a few short retries. */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.rename(from, to);
      return;
    } catch (e) {
      if (attempt >= 3 || !RENAME_RETRY_CODES.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
    }
  }
}
