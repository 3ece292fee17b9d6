/**
 * The persisted cache of listed reactions: one JSON file per account in a directory (the UI passes
 * `context.globalStorageUri.fsPath`), so a new window shows what was listed last time without a single
 * request, and a background refresh then brings it up to date. Plain Node (`fs/promises`), no `vscode`.
 *
 * - A file is `{version, accountId, savedAt, complete, reactions}`; `reactions` are copies of the store's
 *   Reaction objects with only their known fields (no raw API objects, never a token). `complete` says
 *   the set came from a listing that saw everything (an incremental refresh may build on it).
 * - The file name is a hash of the account id, so it is filesystem-safe and does not show the host.
 * - `load()` never throws: a missing, unreadable, corrupt, wrong-version or other account's file is
 *   `undefined` (and a log line). `save()` writes a temp file and renames it over the old one (a reader
 *   sees the old or the new file, never half of one); saves and deletes of one account run one at a time.
 * - `CacheSync` keeps the files in step with a `ReactionStore`: it saves an account ~1 s after its
 *   reactions change (removal, change, undo), right after a listing ends, and not once per page while
 *   a listing streams in.
 */
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { silentLogger, type Logger } from './log';
import type { Reaction, ReactionKind, Target } from './model';
import type { ScanCheckpoint } from './services/service';
import type { ReactionStore, StoreChange, Subscription } from './store';

export const CACHE_VERSION = 1;
const FILE_PREFIX = 'reactions-cache-';
const FILE_SUFFIX = '.json';
const TEMP_SUFFIX = '.tmp';

export interface CacheEntry {
  readonly version: typeof CACHE_VERSION;
  readonly accountId: string;
  /** ISO date of the save. */
  readonly savedAt: string;
  /** The set came from a listing that saw everything (not a cancelled or failed one). */
  readonly complete: boolean;
  readonly reactions: Reaction[];
  /** Where the next refresh starts from (only with a complete set). */
  readonly checkpoint?: ScanCheckpoint;
}

/** The cache file's name for an account: a hash of its id (filesystem-safe, no host in it). */
export function cacheFileName(accountId: string): string {
  return `${FILE_PREFIX}${createHash('sha256').update(accountId, 'utf8').digest('hex').slice(0, 32)}${FILE_SUFFIX}`;
}

function isCacheFileName(name: string): boolean {
  return name.startsWith(FILE_PREFIX) && (name.endsWith(FILE_SUFFIX) || name.endsWith(TEMP_SUFFIX));
}

const str = (x: unknown): x is string => typeof x === 'string';
const optStr = (x: unknown): boolean => x === undefined || typeof x === 'string';

/** A copy of a reaction with only the fields of the model (whatever else an object carries is left out). */
export function plainReaction(r: Reaction): Reaction {
  const t = r.target;
  const target: Target = {
    type: t.type,
    id: t.id,
    ...(t.parent
      ? {
          parent: {
            type: t.parent.type,
            id: t.parent.id,
            ...(t.parent.title !== undefined ? { title: t.parent.title } : {}),
          },
        }
      : {}),
    excerpt: t.excerpt,
    ...(t.url !== undefined ? { url: t.url } : {}),
    ...(t.createdAt !== undefined ? { createdAt: t.createdAt } : {}),
    ...(t.author !== undefined ? { author: t.author } : {}),
  };
  const k = r.kind;
  const kind: ReactionKind = {
    id: k.id,
    label: k.label,
    ...(k.emoji !== undefined ? { emoji: k.emoji } : {}),
    ...(k.active !== undefined ? { active: k.active } : {}),
  };
  return {
    id: r.id,
    accountId: r.accountId,
    target,
    kind,
    ...(r.reactedAt !== undefined ? { reactedAt: r.reactedAt } : {}),
  };
}

/** Whether a parsed value has the shape of a Reaction of the account (every field the right type). */
function isCachedReaction(x: unknown, accountId: string): x is Reaction {
  if (!x || typeof x !== 'object') return false;
  const r = x as Record<string, unknown>;
  const t = r.target as Record<string, unknown> | undefined;
  const k = r.kind as Record<string, unknown> | undefined;
  if (!str(r.id) || r.accountId !== accountId || !optStr(r.reactedAt)) return false;
  if (!t || typeof t !== 'object' || !str(t.type) || !str(t.id) || !str(t.excerpt)) return false;
  if (!optStr(t.url) || !optStr(t.createdAt) || !optStr(t.author)) return false;
  if (t.parent !== undefined) {
    const p = t.parent as Record<string, unknown> | null;
    if (!p || typeof p !== 'object' || !str(p.type) || !str(p.id) || !optStr(p.title)) return false;
  }
  if (!k || typeof k !== 'object' || !str(k.id) || !str(k.label) || !optStr(k.emoji)) return false;
  return k.active === undefined || typeof k.active === 'boolean';
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const RENAME_RETRY_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);

export interface ReactionCacheOptions {
  logger?: Logger;
  /** The clock for `savedAt` (tests). */
  now?: () => Date;
}

/** The cache files of one directory; see the file comment. */
export class ReactionCache {
  private readonly queues = new Map<string, Promise<void>>();
  private readonly logger: Logger;
  private readonly now: () => Date;
  private tempCounter = 0;

  constructor(
    readonly dir: string,
    options: ReactionCacheOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
  }

  /** The full path of an account's cache file. */
  fileOf(accountId: string): string {
    return path.join(this.dir, cacheFileName(accountId));
  }

  /** The account's cached reactions, or undefined (missing, unreadable, corrupt, another version). Never throws. */
  async load(accountId: string): Promise<CacheEntry | undefined> {
    await this.queues.get(accountId); // a save or delete under way finishes first
    const file = this.fileOf(accountId);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') this.logger.debug(`cache: nothing cached for ${accountId}`);
      else this.logger.warn(`cache: cannot read the cache of ${accountId}: ${errorText(e)}`);
      return undefined;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      this.logger.warn(`cache: the cache of ${accountId} is corrupt (${errorText(e)}); ignoring it`);
      return undefined;
    }
    const d = (data && typeof data === 'object' ? data : {}) as Partial<Record<keyof CacheEntry, unknown>>;
    if (d.version !== CACHE_VERSION) {
      this.logger.info(
        `cache: the cache of ${accountId} has version ${JSON.stringify(d.version)}, not ${CACHE_VERSION}; ignoring it`,
      );
      return undefined;
    }
    if (d.accountId !== accountId) {
      this.logger.warn(`cache: ${path.basename(file)} belongs to another account; ignoring it`);
      return undefined;
    }
    if (!Array.isArray(d.reactions) || !str(d.savedAt) || Number.isNaN(Date.parse(d.savedAt))) {
      this.logger.warn(`cache: the cache of ${accountId} is malformed; ignoring it`);
      return undefined;
    }
    const reactions: Reaction[] = [];
    let skipped = 0;
    for (const r of d.reactions) {
      if (isCachedReaction(r, accountId)) reactions.push(plainReaction(r));
      else skipped++;
    }
    if (skipped) this.logger.warn(`cache: skipped ${skipped} malformed reaction(s) in the cache of ${accountId}`);
    const complete = d.complete === true && skipped === 0;
    const checkpoint = complete && isCheckpoint(d.checkpoint) ? d.checkpoint : undefined;
    return {
      version: CACHE_VERSION,
      accountId,
      savedAt: d.savedAt,
      complete,
      reactions,
      ...(checkpoint ? { checkpoint } : {}),
    };
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
    const entry: CacheEntry = {
      version: CACHE_VERSION,
      accountId,
      savedAt: this.now().toISOString(),
      complete,
      reactions: reactions.map(plainReaction),
      ...(complete && checkpoint ? { checkpoint } : {}),
    };
    const text = JSON.stringify(entry);
    const file = this.fileOf(accountId);
    const temp = `${file}.${process.pid}.${++this.tempCounter}${TEMP_SUFFIX}`;
    await fs.mkdir(this.dir, { recursive: true });
    try {
      await fs.writeFile(temp, text, { encoding: 'utf8', mode: 0o600 });
      await renameWithRetry(temp, file);
    } catch (e) {
      await fs.rm(temp, { force: true }).catch(() => undefined);
      throw e;
    }
    this.logger.debug(
      `cache: saved ${reactions.length} reaction(s) of ${accountId} (${text.length} bytes) in ${Date.now() - started} ms`,
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

// ---- keeping the cache in step with the store ------------------------------------------------------

export interface CacheSyncOptions {
  /** Whether the account is still added (a save for a removed account is dropped). */
  isKnown(accountId: string): boolean;
  /** Whether a listing of the account is running: its pages are saved when it ends, not one by one. */
  isScanning?(accountId: string): boolean;
  /** Delay of a save after a change; changes within it are saved together. Default 1000 ms. */
  debounceMs?: number;
  logger?: Logger;
}

export class CacheSync {
  /** Accounts whose reactions in the store came from (or were confirmed by) a complete listing. */
  private readonly complete = new Map<string, boolean>();
  /** Where each account's next refresh can start from (set by a complete listing or refresh). */
  private readonly checkpoints = new Map<string, ScanCheckpoint>();
  /** Accounts changed in the store since their last save. */
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly writes = new Set<Promise<void>>();
  private readonly subscription: Subscription;
  private readonly logger: Logger;
  private readonly debounceMs: number;
  private disposed = false;

  constructor(
    private readonly store: ReactionStore,
    readonly cache: ReactionCache,
    private readonly options: CacheSyncOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.debounceMs = options.debounceMs ?? 1000;
    this.subscription = store.onDidChange((e) => this.onStoreChange(e));
  }

  /** Reads an account's cache (never throws). */
  load(accountId: string): Promise<CacheEntry | undefined> {
    return this.cache.load(accountId);
  }

  /** Puts a loaded entry into the store (replacing the account's reactions there). Returns how many. */
  adopt(entry: CacheEntry): number {
    const n = this.store.restore(
      { version: 1, savedAt: entry.savedAt, accounts: { [entry.accountId]: entry.reactions } },
      [entry.accountId],
    );
    this.complete.set(entry.accountId, entry.complete);
    if (entry.checkpoint) this.checkpoints.set(entry.accountId, entry.checkpoint);
    else this.checkpoints.delete(entry.accountId);
    this.dirty.delete(entry.accountId);
    return n;
  }

  /** Whether the account's reactions in the store came from a complete listing. */
  isComplete(accountId: string): boolean {
    return this.complete.get(accountId) ?? false;
  }

  /** The base for the account's next incremental refresh, when its set is complete. */
  checkpoint(accountId: string): ScanCheckpoint | undefined {
    return this.isComplete(accountId) ? this.checkpoints.get(accountId) : undefined;
  }

  /** A listing ended: saves now. A finished one marks the set complete; a stopped one saves only if something changed. */
  scanEnded(accountId: string, finished: boolean, checkpoint?: ScanCheckpoint): Promise<void> {
    if (finished) {
      this.complete.set(accountId, true);
      if (checkpoint) this.checkpoints.set(accountId, checkpoint);
      else this.checkpoints.delete(accountId);
    } else if (!this.dirty.has(accountId)) {
      this.cancel(accountId);
      return Promise.resolve();
    }
    return this.saveNow(accountId);
  }

  /** Forgets an account's cached set (account removed, or a full rescan starts): no pending save, file deleted. */
  async forget(accountId: string): Promise<void> {
    this.cancel(accountId);
    this.complete.delete(accountId);
    this.checkpoints.delete(accountId);
    this.dirty.delete(accountId);
    try {
      await this.cache.delete(accountId);
    } catch (e) {
      this.logger.warn(`cache: cannot delete the cache of ${accountId}: ${errorText(e)}`);
    }
  }

  /** Saves every pending change now and waits for all writes. */
  async flush(): Promise<void> {
    for (const id of [...this.timers.keys()]) void this.saveNow(id);
    while (this.writes.size) await Promise.all([...this.writes]);
    await this.cache.idle();
  }

  /** Stops listening; pending changes are written (the returned promise says when). */
  dispose(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.disposed = true;
    this.subscription.dispose();
    return this.flush();
  }

  private onStoreChange(e: StoreChange): void {
    if (e.reason === 'filter' || e.reason === 'restore') return;
    for (const id of e.accountIds) {
      if (e.reason === 'clear') {
        // Account removed or a full rescan: `forget()` handles the file; nothing to save.
        this.cancel(id);
        this.dirty.delete(id);
        continue;
      }
      this.dirty.add(id);
      // Pages of a running listing: its end saves them all at once.
      if (e.reason === 'add' && this.options.isScanning?.(id)) continue;
      this.schedule(id);
    }
  }

  private schedule(accountId: string): void {
    if (this.timers.has(accountId) || this.disposed) return;
    const timer = setTimeout(() => void this.saveNow(accountId), this.debounceMs);
    (timer as { unref?: () => void }).unref?.();
    this.timers.set(accountId, timer);
  }

  private cancel(accountId: string): void {
    const timer = this.timers.get(accountId);
    if (timer) clearTimeout(timer);
    this.timers.delete(accountId);
  }

  private saveNow(accountId: string): Promise<void> {
    this.cancel(accountId);
    if (!this.options.isKnown(accountId)) return Promise.resolve();
    this.dirty.delete(accountId);
    const reactions = this.store.all(accountId);
    const write = this.cache
      .save(accountId, reactions, this.isComplete(accountId), this.checkpoint(accountId))
      .catch((e: unknown) => {
        this.dirty.add(accountId);
        this.logger.warn(`cache: cannot save the cache of ${accountId}: ${errorText(e)}`);
      });
    this.writes.add(write);
    void write.then(() => this.writes.delete(write));
    return write;
  }
}

function isCheckpoint(x: unknown): x is ScanCheckpoint {
  if (!x || typeof x !== 'object') return false;
  const c = x as Partial<ScanCheckpoint>;
  return (
    (c.service === 'selfcommunity' || c.service === 'tines') &&
    typeof c.at === 'string' &&
    !Number.isNaN(Date.parse(c.at)) &&
    (c.data === undefined || (typeof c.data === 'object' && c.data !== null))
  );
}
