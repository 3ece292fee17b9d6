/**
 * What the tree, the pickers and the export ask of a set of reactions: the filter (text, kinds,
 * services, date), and grouping (SelfCommunity by contribution type, Tines by case) with a stable order.
 */
import { inDateRange, isEmptyRange, type DateRange } from '../dates';
import type { Reaction, ServiceId, TargetType } from '../model';

export interface ReactionFilter extends DateRange {
  /** Words that must all appear (case-insensitive) in the excerpt, author, parent title or reaction label. */
  readonly text?: string;
  /** Reaction kinds to keep, matched case-insensitively against the kind's label or id. */
  readonly kinds?: readonly string[];
  /** Services to keep. */
  readonly services?: readonly ServiceId[];
}

/** SelfCommunity groups by contribution type; Tines by case. */
export type GroupType = Exclude<TargetType, 'case_comment'> | 'case';

export interface ReactionGroup {
  /** Stable within an account: `status`, `discussion`, `post`, `comment` or `case:<case id>`. */
  readonly key: string;
  readonly type: GroupType;
  /** Tines: the case's title (or id). */
  readonly title?: string;
  /** Sorted: newest target first, then by excerpt. */
  readonly reactions: readonly Reaction[];
}

const GROUP_ORDER: readonly GroupType[] = ['status', 'discussion', 'post', 'comment'];

/** The service id is the first segment of an account id (`service:host:userId`). */
export function serviceOfAccount(accountId: string): ServiceId {
  return accountId.slice(0, accountId.indexOf(':')) as ServiceId;
}

export function groupOf(reaction: Reaction): { key: string; type: GroupType; title?: string } {
  const t = reaction.target;
  if (t.type === 'case_comment') {
    const caseId = t.parent?.id ?? '?';
    return { key: `case:${caseId}`, type: 'case', title: t.parent?.title };
  }
  return { key: t.type, type: t.type };
}

/** The order within a group: newest target first, then by excerpt, then by id (a total order). */
export function compareReactions(a: Reaction, b: Reaction): number {
  const da = a.target.createdAt ?? -Infinity; // undated last
  const db = b.target.createdAt ?? -Infinity;
  if (da !== db) return da < db ? 1 : -1;
  return a.target.excerpt.localeCompare(b.target.excerpt) || a.id.localeCompare(b.id);
}

function compareCaseIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return nb - na;
  return a.localeCompare(b);
}

export function isEmptyFilter(f: ReactionFilter | undefined): boolean {
  return !f || (!f.text?.trim() && !f.kinds?.length && !f.services?.length && isEmptyRange(f));
}

/** Whether one reaction passes a filter. */
export function matches(reaction: Reaction, filter: ReactionFilter | undefined): boolean {
  if (!filter) return true;
  if (!inDateRange(reaction, filter)) return false;
  if (filter.services?.length && !filter.services.includes(serviceOfAccount(reaction.accountId))) return false;
  if (filter.kinds?.length) {
    const label = reaction.kind.label.toLowerCase();
    const id = reaction.kind.id.toLowerCase();
    if (!filter.kinds.some((k) => k.toLowerCase() === label || k.toLowerCase() === id)) return false;
  }
  const words = filter.text?.toLowerCase().split(/\s+/).filter(Boolean) ?? [];
  if (words.length) {
    const t = reaction.target;
    const haystack = [t.excerpt, t.author, t.parent?.title, reaction.kind.label, reaction.kind.emoji]
      .filter(Boolean)
      .join('\n')
      .toLowerCase();
    if (!words.every((w) => haystack.includes(w))) return false;
  }
  return true;
}

/** Reactions grouped for the tree (empty groups left out): newest target first in a group; SelfCommunity
 *  types in their fixed order, then Tines cases, newest (highest id) first. */
export function groupReactions(reactions: Iterable<Reaction>): ReactionGroup[] {
  const buckets = new Map<string, { key: string; type: GroupType; title?: string; reactions: Reaction[] }>();
  for (const r of reactions) {
    const g = groupOf(r);
    let bucket = buckets.get(g.key);
    if (!bucket) buckets.set(g.key, (bucket = { ...g, reactions: [] }));
    else if (!bucket.title && g.title) bucket.title = g.title;
    bucket.reactions.push(r);
  }
  const groups = [...buckets.values()];
  for (const g of groups) g.reactions.sort(compareReactions);
  return orderGroups(groups);
}

/** Sorts groups in place into the tree's order (SelfCommunity types, then Tines cases newest first). */
export function orderGroups<G extends ReactionGroup>(groups: G[]): G[] {
  return groups.sort((a, b) => {
    if (a.type === 'case' && b.type === 'case') return compareCaseIds(a.key.slice(5), b.key.slice(5));
    if (a.type === 'case') return 1;
    if (b.type === 'case') return -1;
    return GROUP_ORDER.indexOf(a.type) - GROUP_ORDER.indexOf(b.type);
  });
}
