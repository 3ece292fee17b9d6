/**
 * `CacheSync` keeps the cache files in step with a `ReactionStore`: it saves an account ~1 s after its
 * reactions change (removal, change, undo), right after a listing ends, and not once per page while a
 * listing streams in. It also remembers which sets are complete and where their next refresh starts.
 */
import { errorText, silentLogger, type Logger } from '../log';
import type { ScanCheckpoint } from '../services/service';
import type { Subscription } from '../emitter';
import type { ReactionStore, StoreChange } from '../store';
import type { ReactionCache } from './files';
import type { CacheEntry } from './format';

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
