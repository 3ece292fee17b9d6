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

  /** Reactions new to the account (not replacing one of the same id) that pass the filter. */
  added(reactions: readonly Reaction[]): void {
    if (this.groups) for (const r of reactions) this.pending.push(r);
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
  const additions = groupReactions(added);
  let newGroup = false;
  for (const a of additions) {
    const old = byKey.get(a.key);
    if (!old) newGroup = true;
    byKey.set(
      a.key,
      old ? { ...old, title: old.title ?? a.title, reactions: mergeSorted(old.reactions, a.reactions) } : a,
    );
  }
  const merged = groups.map((g) => byKey.get(g.key)!);
  if (!newGroup) return merged;
  const known = new Set(groups.map((g) => g.key));
  return orderGroups([...merged, ...additions.filter((a) => !known.has(a.key)).map((a) => byKey.get(a.key)!)]);
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
