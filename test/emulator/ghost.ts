/**
 * Ghost mode: a server whose removals do not always stick (the "ghost likes" of other platforms).
 *
 * Every `every`-th removal (default 10) is a ghost, until `stay` + `comeBack` of them were made:
 * - `stay`: the removal answers success and the one read right after it agrees (a stale replica), but
 *   the reaction was never taken off: it is there again from the next request on (or after `delayMs`);
 * - `comeBack`: the removal is applied, and undone `delayMs` later (default 1000 ms).
 * The first `stay` ghosts stay, the next `comeBack` come back (counted again after each `set`). `log` names each ghost with its target, so a
 * test compares what the client flags with what the server did. Both services (a SelfCommunity vote
 * removal, a Tines `remove_reaction`) count as removals, in the order the server received them.
 */
import type { GhostEntry, GhostOptions } from './types';

export class Ghosts {
  readonly log: GhostEntry[] = [];
  private options: GhostOptions | undefined;
  private removals = 0;
  /** Ghosts made since the last `set` (the log keeps every one). */
  private made = { stay: 0, comeBack: 0 };
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Stay ghosts waiting for the read right after their removal: undone after that read. */
  private readonly afterRead = new Map<string, () => void>();

  constructor(options?: GhostOptions) {
    this.set(options);
  }

  set(options: GhostOptions | undefined): void {
    this.options = options && { ...options };
    this.removals = 0;
    this.made = { stay: 0, comeBack: 0 };
  }

  get enabled(): boolean {
    return !!this.options;
  }

  /**
   * Called for each removal the server is about to apply. `undo` puts the reaction back as it was.
   * Returns the ghost's mode, or undefined for an ordinary removal.
   */
  onRemoval(entry: Omit<GhostEntry, 'mode' | 'at' | 'backAt'>, undo: () => void): GhostEntry['mode'] | undefined {
    const o = this.options;
    if (!o) return undefined;
    this.removals++;
    if (this.removals % Math.max(1, o.every ?? 10) !== 0) return undefined;
    const { stay, comeBack } = this.made;
    const mode = stay < (o.stay ?? 0) ? 'stay' : comeBack < (o.comeBack ?? 0) ? 'comeBack' : undefined;
    if (!mode) return undefined;
    this.made[mode]++;
    const delay = Math.max(0, o.delayMs ?? 1000);
    const at = Date.now();
    const ghost: GhostEntry = { ...entry, mode, at, backAt: mode === 'stay' ? at : at + delay };
    this.log.push(ghost);
    let done = false;
    const back = () => {
      if (done) return;
      done = true;
      this.afterRead.delete(key(entry));
      ghost.backAt = Date.now();
      undo();
    };
    if (mode === 'stay') this.afterRead.set(key(entry), back);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      back();
    }, delay);
    timer.unref();
    this.timers.add(timer);
    return mode;
  }

  /** After a read of one target: a stay ghost on it is undone (its removal never stuck). */
  afterReadOf(entry: Pick<GhostEntry, 'service' | 'target' | 'user'>): void {
    this.afterRead.get(key(entry))?.();
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

function key(e: Pick<GhostEntry, 'service' | 'target' | 'user'>): string {
  return `${e.service}|${e.target}|${e.user}`;
}
