/**
 * The tree's grouping of one account, kept between reads. While a listing runs, the tree asks for the
 * groups every ~100 ms and the store only grows: regrouping and resorting 45 000 reactions each time
 * cost 20–40 ms of the extension host's one thread per refresh. Here the groups are kept sorted; what
 * was added since the last read is sorted on its own and merged in (linear), and anything else —
 * a removal, a replacement, a filter change, a restore — drops the cached grouping so the next read
 * groups from scratch. Group arrays are never changed in place: a tree node holding an older group
 * keeps what it was given.
 */
import type { Reaction } from '../model';
import { compareReactions, groupReactions, orderGroups, type ReactionGroup } from './queries';

export class GroupCache {
  private groups: readonly ReactionGroup[] | undefined;
  private pending: Reaction[] = [];

  /** A reaction new to the account (not replacing one of the same id) that passes the filter. */
  added(reaction: Reaction): void {
    if (this.groups) this.pending.push(reaction);
  }

  /** Anything but a pure addition: the next read groups from scratch. */
  invalidate(): void {
    this.groups = undefined;
    this.pending = [];
  }

  /** The groups, from `visible()` when nothing is cached. */
  read(visible: () => Reaction[]): readonly ReactionGroup[] {
    if (!this.groups) {
      this.groups = groupReactions(visible());
      this.pending = [];
    } else if (this.pending.length) {
      this.groups = mergeInto(this.groups, this.pending);
      this.pending = [];
    }
    return this.groups;
  }
}

/** The groups with `added` merged in: each group's additions sorted, then one linear merge. */
function mergeInto(groups: readonly ReactionGroup[], added: readonly Reaction[]): readonly ReactionGroup[] {
  const byKey = new Map(groups.map((g) => [g.key, g]));
  const fresh: ReactionGroup[] = [];
  for (const a of groupReactions(added)) {
    const old = byKey.get(a.key);
    if (!old) fresh.push(a);
    else byKey.set(a.key, { ...old, title: old.title ?? a.title, reactions: mergeSorted(old.reactions, a.reactions) });
  }
  const merged = groups.map((g) => byKey.get(g.key)!);
  return fresh.length ? orderGroups([...merged, ...fresh]) : merged;
}

function mergeSorted(a: readonly Reaction[], b: readonly Reaction[]): Reaction[] {
  const out: Reaction[] = new Array<Reaction>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compareReactions(b[j], a[i]) < 0 ? b[j++] : a[i++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}
