/**
 * The keep list: reactions the person pinned so that no bulk removal and no clean-up ever takes them.
 * Kept per account by reaction id (ids are stable across refresh and rescan) in a key-value store —
 * VS Code's globalState in the extension, a Map in tests. It holds ids only, never a token.
 */
import { Emitter, type Event } from '../emitter';

/** The part of VS Code's Memento the keep list uses. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export const KEEP_KEY = 'reactions.keep.v1';

type Saved = Record<string, string[]>;

export class KeepList {
  private readonly byAccount = new Map<string, Set<string>>();
  private readonly changed = new Emitter<{ readonly accountIds: readonly string[] }>();
  readonly onDidChange: Event<{ readonly accountIds: readonly string[] }> = this.changed.event;

  constructor(private readonly state: KeyValueStore) {
    const saved = state.get<unknown>(KEEP_KEY);
    if (saved && typeof saved === 'object' && !Array.isArray(saved)) {
      for (const [accountId, ids] of Object.entries(saved as Record<string, unknown>)) {
        if (Array.isArray(ids)) this.byAccount.set(accountId, new Set(ids.filter((x) => typeof x === 'string')));
      }
    }
  }

  has(reactionId: string): boolean {
    for (const set of this.byAccount.values()) if (set.has(reactionId)) return true;
    return false;
  }

  /** Kept reaction ids, of one account or all. */
  ids(accountId?: string): string[] {
    if (accountId !== undefined) return [...(this.byAccount.get(accountId) ?? [])];
    return [...this.byAccount.values()].flatMap((s) => [...s]);
  }

  get size(): number {
    let n = 0;
    for (const s of this.byAccount.values()) n += s.size;
    return n;
  }

  /** Pins reactions; returns how many were not kept before. */
  add(reactions: readonly { id: string; accountId: string }[]): Promise<number> {
    return this.edit(reactions, (set, id) => !set.has(id) && !!set.add(id));
  }

  /** Unpins reactions; returns how many were kept. */
  remove(reactions: readonly { id: string; accountId: string }[]): Promise<number> {
    return this.edit(reactions, (set, id) => set.delete(id));
  }

  /** Forgets an account's keep list (the account was removed). */
  async forgetAccount(accountId: string): Promise<void> {
    if (!this.byAccount.delete(accountId)) return;
    await this.save([accountId]);
  }

  /** Splits a list into what a bulk removal may take and what is kept. */
  partition<T extends { id: string }>(list: readonly T[]): { allowed: T[]; kept: T[] } {
    const allowed: T[] = [];
    const kept: T[] = [];
    for (const x of list) (this.has(x.id) ? kept : allowed).push(x);
    return { allowed, kept };
  }

  dispose(): void {
    this.changed.dispose();
  }

  private async edit(
    reactions: readonly { id: string; accountId: string }[],
    apply: (set: Set<string>, id: string) => boolean,
  ): Promise<number> {
    let n = 0;
    const touched = new Set<string>();
    for (const r of reactions) {
      let set = this.byAccount.get(r.accountId);
      if (!set) this.byAccount.set(r.accountId, (set = new Set()));
      if (apply(set, r.id)) {
        n++;
        touched.add(r.accountId);
      }
      if (set.size === 0) this.byAccount.delete(r.accountId);
    }
    if (n) await this.save([...touched]);
    return n;
  }

  private async save(accountIds: string[]): Promise<void> {
    const saved: Saved = {};
    for (const [accountId, set] of this.byAccount) saved[accountId] = [...set].sort();
    await this.state.update(KEEP_KEY, saved);
    this.changed.fire({ accountIds });
  }
}
