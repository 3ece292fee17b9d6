/**
 * The in-memory index of the signed-in user's reactions, per account. Plain TypeScript (no `vscode`):
 * the tree, the pickers, the export and the exported API all read from here, so the UI never fetches
 * again what it already knows.
 *
 * - Reactions are kept per account in a Map by reaction id; `upsert` adds or replaces a batch.
 * - A refresh runs as a `Scan`: batches stream in and are visible at once; `finish()` then drops what
 *   the scan did not see (gone upstream). An abandoned scan (error, cancel) keeps everything.
 *   A reaction removed while a scan is running is not brought back by that scan's older pages.
 * - A filter (text / kind / service / date) narrows what `groups()`/`visible()` return; counts exist for both.
 * - `snapshot()`/`restore()` give a JSON-serialisable form for the persisted cache.
 * - Only the model's fields of a reaction are kept (`compactReaction`): whatever else an object handed
 *   in carries (a raw API object, a header, a token) is left out, in memory as in every snapshot; and
 *   its id is derived, not stored (see reactionIndex.ts).
 */
import { compactReaction, type Reaction } from '../model';
import { Emitter, type Event } from '../emitter';
import { GroupCache } from './groupCache';
import { isEmptyFilter, matches, type ReactionFilter, type ReactionGroup } from './queries';
import { ReactionIndex } from './reactionIndex';

export type ChangeReason = 'add' | 'remove' | 'replace' | 'clear' | 'filter' | 'restore';

export interface StoreChange {
  readonly reason: ChangeReason;
  /** The accounts whose reactions (or visible reactions) changed. */
  readonly accountIds: readonly string[];
}

export interface StoreSnapshot {
  readonly version: 1;
  readonly savedAt: string;
  readonly accounts: Record<string, Reaction[]>;
}

function isReactionLike(x: unknown): x is Reaction {
  if (!x || typeof x !== 'object') return false;
  const r = x as Partial<Reaction>;
  return (
    typeof r.id === 'string' &&
    typeof r.accountId === 'string' &&
    !!r.target &&
    typeof r.target.type === 'string' &&
    typeof r.target.id === 'string' &&
    typeof r.target.excerpt === 'string' &&
    !!r.kind &&
    typeof r.kind.id === 'string' &&
    typeof r.kind.label === 'string'
  );
}

/** A scan that ended lets go of what it saw (its handle may be kept, and the set is a listing's size). */
function release(state: ScanState): void {
  state.seen = undefined;
  state.tombstones = new Set();
}

// ---- the store -----------------------------------------------------------------------------------

/** One refresh of one account; see the file comment. */
export interface Scan {
  readonly accountId: string;
  /** Adds (or replaces) a batch found by the scan. Ignored once the scan is over. */
  add(batch: readonly Reaction[]): void;
  /** The scan saw everything: drops reactions of the account it did not see. */
  finish(): void;
  /** The scan stopped early: keeps everything (old and new). */
  abandon(): void;
  readonly active: boolean;
}

interface ScanState {
  /**
   * What the scan saw (emptied when it ends: a handle kept after must not keep a listing's worth); none
   * while everything the account has came from this scan (see scanBeforeWrite).
   */
  seen: ReactionIndex | undefined;
  /** Removed (or replaced away) while this scan ran: its older pages must not bring them back. */
  tombstones: Set<string>;
}

export class ReactionStore {
  private readonly byAccount = new Map<string, ReactionIndex>();
  private readonly scans = new Map<string, ScanState>();
  /** The tree's grouping per account, kept between reads (see groupCache.ts). */
  private readonly grouped = new Map<string, GroupCache>();
  private currentFilter: ReactionFilter = {};
  private readonly changed = new Emitter<StoreChange>();

  readonly onDidChange: Event<StoreChange> = this.changed.event;

  // -- reads --

  accountIds(): string[] {
    return [...this.byAccount.keys()];
  }

  get(id: string): Reaction | undefined {
    for (const index of this.byAccount.values()) {
      const r = index.get(id);
      if (r) return r;
    }
    return undefined;
  }

  /** Every reaction (of one account or all), ignoring the filter. */
  all(accountId?: string): Reaction[] {
    if (accountId !== undefined) return [...(this.byAccount.get(accountId)?.values() ?? [])];
    const out: Reaction[] = [];
    for (const index of this.byAccount.values()) for (const r of index.values()) out.push(r);
    return out;
  }

  /** The reactions that pass the filter (of one account or all). */
  visible(accountId?: string): Reaction[] {
    return this.all(accountId).filter((r) => matches(r, this.currentFilter));
  }

  count(accountId?: string): number {
    if (accountId !== undefined) return this.byAccount.get(accountId)?.size ?? 0;
    let n = 0;
    for (const m of this.byAccount.values()) n += m.size;
    return n;
  }

  visibleCount(accountId?: string): number {
    return this.isFiltered ? this.visible(accountId).length : this.count(accountId);
  }

  /** The visible reactions of an account, grouped for the tree (empty groups left out). Do not change them. */
  groups(accountId: string): readonly ReactionGroup[] {
    let cache = this.grouped.get(accountId);
    if (!cache) this.grouped.set(accountId, (cache = new GroupCache()));
    // "older than N days" moves with the clock: such a filter is applied afresh on every read
    if (this.currentFilter.olderThanDays !== undefined) cache.invalidate();
    return cache.read(() => this.visible(accountId));
  }

  /** One group's visible reactions (empty when the group does not exist). */
  group(accountId: string, key: string): ReactionGroup | undefined {
    return this.groups(accountId).find((g) => g.key === key);
  }

  // -- filter --

  get filter(): ReactionFilter {
    return this.currentFilter;
  }

  get isFiltered(): boolean {
    return !isEmptyFilter(this.currentFilter);
  }

  setFilter(filter: ReactionFilter | undefined): void {
    const text = filter?.text?.trim();
    const kinds = filter?.kinds?.map((k) => k.trim()).filter(Boolean);
    const services = filter?.services?.filter(Boolean);
    this.currentFilter = {
      ...(filter?.olderThanDays !== undefined ? { olderThanDays: filter.olderThanDays } : {}),
      ...(filter?.from ? { from: filter.from } : {}),
      ...(filter?.to ? { to: filter.to } : {}),
      ...(text ? { text } : {}),
      ...(kinds?.length ? { kinds } : {}),
      ...(services?.length ? { services } : {}),
    };
    this.fire('filter', this.accountIds());
  }

  clearFilter(): void {
    this.setFilter(undefined);
  }

  // -- writes --

  /** Adds or replaces reactions (any accounts). Clears their tombstones: a restore wins over a running scan. */
  upsert(batch: readonly Reaction[]): void {
    if (batch.length === 0) return;
    const touched = new Set<string>();
    for (const r of batch) {
      const scan = this.scanBeforeWrite(r.accountId);
      this.added(this.indexFor(r.accountId), compactReaction(r));
      if (scan?.tombstones.size) scan.tombstones.delete(r.id);
      touched.add(r.accountId);
    }
    this.fire('add', [...touched]);
  }

  /** Removes reactions by id; returns those that were there. */
  remove(ids: Iterable<string>): Reaction[] {
    const removed: Reaction[] = [];
    for (const id of ids) {
      for (const [accountId, index] of this.byAccount) {
        if (!index.get(id)) continue;
        const scan = this.scanBeforeWrite(accountId);
        const r = index.delete(id)!;
        scan?.tombstones.add(id);
        removed.push(r);
        break;
      }
    }
    if (removed.length) this.fire('remove', [...new Set(removed.map((r) => r.accountId))]);
    return removed;
  }

  /** Replaces one reaction by another (a change; the id may differ, e.g. Tines puts the kind in it). */
  replace(oldId: string, next: Reaction): void {
    const old = this.get(oldId);
    if (old) {
      const scan = this.scanBeforeWrite(old.accountId);
      this.byAccount.get(old.accountId)?.delete(oldId);
      if (oldId !== next.id) scan?.tombstones.add(oldId);
    }
    const scan = this.scanBeforeWrite(next.accountId);
    this.indexFor(next.accountId).set(compactReaction(next));
    scan?.tombstones.delete(next.id);
    this.fire('replace', [...new Set([next.accountId, ...(old ? [old.accountId] : [])])]);
  }

  /** Forgets an account's reactions (and stops its scan from adding more). */
  clear(accountId: string): void {
    this.scans.delete(accountId);
    if (this.byAccount.delete(accountId)) this.fire('clear', [accountId]);
  }

  /** Starts a scan of one account; a scan already running for it is abandoned. */
  beginScan(accountId: string): Scan {
    const prior = this.scans.get(accountId);
    if (prior) release(prior);
    const state: ScanState = {
      seen: this.count(accountId) ? new ReactionIndex(accountId) : undefined,
      tombstones: new Set(),
    };
    this.scans.set(accountId, state);
    const isActive = () => this.scans.get(accountId) === state;
    const end = () => {
      if (this.scans.get(accountId) === state) this.scans.delete(accountId);
      release(state);
    };
    return {
      accountId,
      get active() {
        return isActive();
      },
      add: (batch) => {
        if (!isActive()) return;
        const fresh: Reaction[] = [];
        for (const r of batch) {
          if (r.accountId !== accountId) continue;
          const kept = compactReaction(r);
          state.seen?.set(kept);
          if (!state.tombstones.size || !state.tombstones.has(kept.id)) fresh.push(kept);
        }
        if (fresh.length === 0) return;
        const index = this.indexFor(accountId);
        for (const r of fresh) this.added(index, r);
        this.fire('add', [accountId]);
      },
      finish: () => {
        if (!isActive()) return;
        const index = this.indexFor(accountId);
        const seen = state.seen;
        const unseen = seen ? [...index.values()].filter((r) => !seen.has(r)) : [];
        end();
        for (const r of unseen) index.delete(r.id);
        if (unseen.length) this.fire('remove', [accountId]);
      },
      abandon: end,
    };
  }

  // -- persistence --

  /** A JSON-serialisable copy of every reaction, per account. Holds no token (reactions never do). */
  snapshot(now = new Date()): StoreSnapshot {
    const accounts: Record<string, Reaction[]> = {};
    for (const [id, map] of this.byAccount) accounts[id] = JSON.parse(JSON.stringify([...map.values()])) as Reaction[];
    return { version: 1, savedAt: now.toISOString(), accounts };
  }

  /**
   * Loads a snapshot (replacing the accounts it names). Entries that do not look like reactions, or
   * whose account is not in `keepAccounts` (when given), are skipped. Returns how many were loaded.
   */
  restore(snapshot: unknown, keepAccounts?: Iterable<string>): number {
    if (!snapshot || typeof snapshot !== 'object') return 0;
    const s = snapshot as Partial<StoreSnapshot>;
    if (s.version !== 1 || !s.accounts || typeof s.accounts !== 'object') return 0;
    const keep = keepAccounts ? new Set(keepAccounts) : undefined;
    const touched: string[] = [];
    let loaded = 0;
    for (const [accountId, list] of Object.entries(s.accounts)) {
      if (keep && !keep.has(accountId)) continue;
      if (!Array.isArray(list)) continue;
      const index = new ReactionIndex(accountId);
      for (const r of list) {
        if (isReactionLike(r) && r.accountId === accountId) index.set(compactReaction(r));
      }
      this.scanBeforeWrite(accountId);
      this.byAccount.set(accountId, index);
      touched.push(accountId);
      loaded += index.size;
    }
    if (touched.length) this.fire('restore', touched);
    return loaded;
  }

  dispose(): void {
    this.changed.dispose();
  }

  // -- internals --

  private indexFor(accountId: string): ReactionIndex {
    let index = this.byAccount.get(accountId);
    if (!index) this.byAccount.set(accountId, (index = new ReactionIndex(accountId)));
    return index;
  }

  /**
   * The account's running scan, told that another write to the account comes. A scan of an account that
   * had nothing keeps no record of what it saw (all the account has, it saw: at 45,000 reactions a second
   * index of 3.7 MB) until then; from here on it does, so `finish` tells its reactions from the others'.
   */
  private scanBeforeWrite(accountId: string): ScanState | undefined {
    const state = this.scans.get(accountId);
    if (state && !state.seen) {
      state.seen = new ReactionIndex(accountId);
      for (const r of this.byAccount.get(accountId)?.values() ?? []) state.seen.set(r);
    }
    return state;
  }

  /** Puts a reaction in its account's index and tells the account's cached grouping. */
  private added(index: ReactionIndex, r: Reaction): void {
    const replaces = index.set(r) !== undefined;
    const cache = this.grouped.get(r.accountId);
    if (!cache) return;
    if (replaces) cache.invalidate();
    else if (!this.isFiltered || matches(r, this.currentFilter)) cache.added(r);
  }

  private fire(reason: ChangeReason, accountIds: string[]): void {
    // Whatever is not a pure addition (handled in `added`) regroups the accounts it touched.
    if (reason === 'filter') for (const cache of this.grouped.values()) cache.invalidate();
    else if (reason === 'clear') for (const id of accountIds) this.grouped.delete(id);
    else if (reason !== 'add') for (const id of accountIds) this.grouped.get(id)?.invalidate();
    this.changed.fire({ reason, accountIds });
  }
}
