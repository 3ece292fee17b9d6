/**
 * Lists reactions per account into the store: one scan per account at a time (a refresh supersedes a
 * running one), batches stream into the store as they arrive, progress shows in the view, and an
 * error becomes the account's state (shown as a tree node) rather than a toast. Automatic loads (the
 * view became visible) never prompt; user-started ones may offer "Update Token" once on a 401.
 *
 * Warm start: `startWarm()` (called by activate()) reads each account's cache after activation has
 * returned and fills the store with it, without a request; the account then shows as "cached" until a
 * listing (started when the view becomes visible) finishes and replaces the set. A stopped or failed
 * listing keeps the cached set. `mode: 'full'` (Full Rescan) drops the cached set first.
 */
import * as vscode from 'vscode';
import type { CacheSync } from '../core/cache';
import { ReactionsError, isReactionsError } from '../core/errors';
import { ScanProgress, type ProgressSnapshot } from '../core/progress';
import type { ReactionStore } from '../core/store';
import type { AccountManager } from './auth';
import { errorMessage } from './errorMessage';
import type { AccountLoadState, LoadOptions } from './loadState';
import type { OutputLogger } from './outputLogger';
import { ProgressFeed, showScanNotification, showViewProgress } from './scanProgress';

export const VIEW_ID = 'reactions.tree';

interface Running {
  readonly controller: AbortController;
  readonly done: Promise<void>;
  readonly progress: ScanProgress;
  /** The person pressed Cancel (the account becomes "partial — cancelled"). */
  cancelledByUser?: boolean;
}

function asReactionsError(e: unknown): ReactionsError {
  return e instanceof ReactionsError ? e : new ReactionsError('bad-response', errorMessage(e));
}

export class ListingScheduler implements vscode.Disposable {
  private readonly states = new Map<string, AccountLoadState>();
  private readonly running = new Map<string, Running>();
  private readonly changed = new vscode.EventEmitter<string>();
  private readonly progressed = new vscode.EventEmitter<string>();
  private readonly feed = new ProgressFeed((id) => {
    this.progressed.fire(id);
    this.changed.fire(id);
  });
  private readonly disposables: vscode.Disposable[] = [this.changed, this.progressed, this.feed];
  /** The warm start under way (ensureLoaded waits for it, so a listing never races the cache read). */
  private warming: Promise<void> | undefined;

  /** Fires with the account id whose load state changed. */
  readonly onDidChange = this.changed.event;
  /** Fires with the account id whose listing progressed (a few times per second at most). */
  readonly onDidProgress = this.progressed.event;

  constructor(
    private readonly accounts: AccountManager,
    private readonly store: ReactionStore,
    private readonly logger: OutputLogger,
    private readonly cache?: CacheSync,
  ) {
    this.disposables.push(
      accounts.onDidChange(() => this.forgetRemoved()),
      accounts.onDidUpdateToken((a) => void this.load([a.id], { interactive: true })),
    );
  }

  state(accountId: string): AccountLoadState {
    return this.states.get(accountId) ?? { status: 'idle', found: 0 };
  }

  /** Any account loading, or not loaded yet and nothing cached (the tree has nothing to say about it yet). */
  get busy(): boolean {
    return this.accounts.list().some((a) => {
      const s = this.state(a.id);
      return s.status === 'loading' || (s.status === 'idle' && !s.cachedAt);
    });
  }

  isLoading(accountId: string): boolean {
    return this.running.has(accountId);
  }

  /** How far the running listing of an account is (undefined when none runs). */
  progress(accountId: string): ProgressSnapshot | undefined {
    return this.running.get(accountId)?.progress.snapshot();
  }

  /** Loads the accounts never loaded so far (the view became visible), after the warm start. Never prompts. */
  async ensureLoaded(): Promise<void> {
    await this.warming;
    const ids = this.accounts
      .list()
      .filter((a) => this.state(a.id).status === 'idle' && !this.running.has(a.id))
      .map((a) => a.id);
    if (ids.length) await this.load(ids, { interactive: false });
  }

  /**
   * Schedules the warm start: once activate() has returned, reads the cache of every account and fills
   * the store with it (no request). Resolves with how many reactions were restored.
   */
  startWarm(): Promise<number> {
    const run = new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => this.fillFromCache());
    this.warming = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Forgets what is in memory and fills the store from the cache exactly as the warm start does (pending
   * saves are written first). For the host tests: a new window, without restarting the extension host.
   */
  async reloadFromCache(): Promise<number> {
    for (const id of this.running.keys()) this.cancel(id);
    await this.whenIdle();
    await this.cache?.flush();
    for (const a of this.accounts.list()) {
      this.store.clear(a.id);
      this.states.delete(a.id);
      this.changed.fire(a.id);
    }
    const run = this.fillFromCache();
    this.warming = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Reads each account's cache and puts it into the store, unless a listing got there first. */
  private async fillFromCache(): Promise<number> {
    const cache = this.cache;
    if (!cache) return 0;
    const started = Date.now();
    const accounts = this.accounts.list();
    void cache.cache.prune(accounts.map((a) => a.id));
    const counts = await Promise.all(
      accounts.map(async (account) => {
        const entry = await cache.load(account.id);
        if (!entry) return 0;
        // Removed meanwhile, or a listing started (Refresh, a new token): the cache is older than that.
        if (
          !this.accounts.get(account.id) ||
          this.running.has(account.id) ||
          this.states.has(account.id) ||
          this.store.count(account.id) > 0
        )
          return 0;
        const n = cache.adopt(entry);
        const cachedAt = new Date(entry.savedAt);
        this.setState(account.id, { status: 'idle', found: n, cachedAt, cachedPartial: !entry.complete });
        this.logger.info(
          `restored ${n} cached reaction(s) of ${account.label} (saved ${entry.savedAt}${entry.complete ? '' : ', incomplete'})`,
        );
        return n;
      }),
    );
    const total = counts.reduce((a, b) => a + b, 0);
    if (accounts.length)
      this.logger.info(`warm start: ${total} reaction(s) from the cache in ${Date.now() - started} ms, no request`);
    return total;
  }

  /** Waits for every running load (without starting any). */
  async whenIdle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** (Re)loads the given accounts (all when none given) and resolves when every one has finished. */
  load(accountIds?: readonly string[], options: LoadOptions = {}): Promise<void> {
    const ids = accountIds ?? this.accounts.list().map((a) => a.id);
    if (ids.length === 0) return Promise.resolve();
    const all = Promise.all(ids.map((id) => this.start(id, options))).then(() => undefined);
    showViewProgress(this, VIEW_ID, ids, all);
    return all;
  }

  /** Stops a running load (the account keeps what was found so far). */
  cancel(accountId: string): void {
    this.running.get(accountId)?.controller.abort();
  }

  /**
   * The person's Cancel: no further request is sent, what was found stays, and the account shows
   * "partial — cancelled" until its next listing. False when nothing was listing.
   */
  cancelListing(accountId: string): boolean {
    const run = this.running.get(accountId);
    if (!run) return false;
    run.cancelledByUser = true;
    run.controller.abort();
    return true;
  }

  private start(accountId: string, options: LoadOptions): Promise<void> {
    this.cancel(accountId);
    const controller = new AbortController();
    const progress = new ScanProgress();
    const done = this.scan(accountId, controller, progress, options).finally(() => {
      if (this.running.get(accountId)?.controller === controller) this.running.delete(accountId);
    });
    this.running.set(accountId, { controller, done, progress });
    // A Full Rescan of a large account (by its last listing, or its first counts) also shows a notification.
    const account = this.accounts.get(accountId);
    const large = options.notifyLarge && account ? () => showScanNotification(this, account, done) : undefined;
    this.feed.watch(accountId, progress, done, large);
    return done;
  }

  private async scan(
    accountId: string,
    controller: AbortController,
    progress: ScanProgress,
    options: LoadOptions,
  ): Promise<void> {
    const account = this.accounts.get(accountId);
    if (!account) return;
    const full = options.mode === 'full';
    if (full) {
      // Full Rescan: the cached set goes (memory and file); the listing starts from nothing.
      this.store.clear(accountId);
      void this.cache?.forget(accountId);
    }
    const previous = this.states.get(accountId);
    // What the tree shows until this listing finishes: still the cached set (unless it was dropped).
    const cached = full ? {} : { cachedAt: previous?.cachedAt, cachedPartial: previous?.cachedPartial };
    this.setState(accountId, { status: 'loading', found: 0, finishedAt: previous?.finishedAt, ...cached });
    const scan = this.store.beginScan(accountId);
    const started = Date.now();
    let found = 0;
    this.logger.info(`listing reactions of ${account.label}`);
    try {
      const client = this.accounts.client(accountId);
      // Refresh starts from the last complete listing's checkpoint when there is one (few requests);
      // Full Rescan, a first listing or a partial cached set list everything.
      const since = full ? undefined : this.cache?.checkpoint(accountId);
      if (since) {
        this.logger.info(`refreshing ${account.label} since ${since.at}`);
        const known = this.store.all(accountId);
        for await (const delta of client.refreshReactions(known, since, controller.signal, progress)) {
          if (controller.signal.aborted) break;
          scan.add(delta.upsert);
          if (delta.remove.length) this.store.remove(delta.remove);
          found += delta.upsert.length;
          progress.addFound(delta.upsert.length);
          this.setState(accountId, { status: 'loading', found, finishedAt: previous?.finishedAt, ...cached });
        }
        if (controller.signal.aborted) throw new ReactionsError('cancelled', 'The listing was cancelled.');
        // A refresh reports changes, not the whole set: keep what it did not mention.
        scan.abandon();
        found = this.store.all(accountId).length;
      } else {
        for await (const batch of client.listReactions(controller.signal, progress)) {
          if (controller.signal.aborted) break;
          scan.add(batch);
          found += batch.length;
          progress.addFound(batch.length);
          this.setState(accountId, { status: 'loading', found, finishedAt: previous?.finishedAt, ...cached });
        }
        if (controller.signal.aborted) throw new ReactionsError('cancelled', 'The listing was cancelled.');
        scan.finish();
      }
      void this.cache?.scanEnded(accountId, true, client.checkpoint);
      this.logger.info(
        `${since ? 'refreshed' : 'found'} ${found} reaction(s) of ${account.label} in ${Date.now() - started} ms`,
      );
      this.setState(accountId, { status: 'loaded', found, finishedAt: new Date() });
    } catch (e) {
      scan.abandon();
      // The set is kept (cached + what was found); saved if it changed. Not for a removed account.
      if (this.accounts.get(accountId)) void this.cache?.scanEnded(accountId, false);
      if (controller.signal.aborted || isReactionsError(e, 'cancelled')) {
        // Superseded by a newer load, or the account was removed: that one owns the state now.
        const run = this.running.get(accountId);
        if (!run || run.controller === controller) {
          if (this.accounts.get(accountId)) {
            const byUser = !!run?.cancelledByUser;
            this.setState(accountId, {
              status: found || previous || byUser ? 'loaded' : 'idle',
              found: byUser ? this.store.count(accountId) : found,
              finishedAt: previous?.finishedAt,
              ...cached,
              ...(byUser ? { partial: { reason: 'cancelled', at: new Date() } } : {}),
            });
          }
        }
        this.logger.info(`listing of ${account.label} stopped after ${found} reaction(s)`);
        return;
      }
      const error = asReactionsError(e);
      this.logger.error(`listing reactions of ${account.label} failed after ${found} found: ${error.message}`);
      // A listing that stopped early (a ceiling, a loop, an answer too large, …) keeps what it had: partial.
      const partial =
        this.store.count(accountId) > 0
          ? { reason: vscode.l10n.t('stopped by an error'), detail: error.message, at: new Date() }
          : undefined;
      this.setState(accountId, {
        status: 'error',
        found,
        error,
        finishedAt: new Date(),
        ...cached,
        ...(partial ? { partial } : {}),
      });
      this.accounts.handleAuthError(accountId, error, !!options.interactive);
    }
  }

  private setState(accountId: string, state: AccountLoadState): void {
    this.states.set(accountId, state);
    this.changed.fire(accountId);
  }

  private forgetRemoved(): void {
    const known = new Set(this.accounts.list().map((a) => a.id));
    for (const id of [...this.states.keys()]) {
      if (!known.has(id)) {
        this.cancel(id);
        this.states.delete(id);
        this.changed.fire(id);
      }
    }
    // A newly added account: load it right away (the person just added it).
    for (const id of known) {
      if (!this.states.has(id) && !this.running.has(id)) void this.load([id], { interactive: true });
    }
  }

  dispose(): void {
    for (const r of this.running.values()) r.controller.abort();
    this.disposables.forEach((d) => d.dispose());
  }
}
