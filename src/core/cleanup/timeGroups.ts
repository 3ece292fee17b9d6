/**
 * "By when" grouping and date sorting for the tree: This week / This month / This year / Older (and
 * "No date" for reactions the service gives no date for), on the reaction's date (see ../dates.ts).
 * Calendar-based, in local time: the week starts on Monday; a bucket holds what is not in an earlier one.
 */
import type { Reaction } from '../model';
import { reactionTime } from '../dates';

export type TimeBucket = 'week' | 'month' | 'year' | 'older' | 'undated';
export type SortOrder = 'newest' | 'oldest';

export const TIME_BUCKETS: readonly TimeBucket[] = ['week', 'month', 'year', 'older', 'undated'];

export interface TimeGroup {
  /** `when:week`, `when:month`, ... stable, so tree expansion survives a refresh. */
  readonly key: string;
  readonly bucket: TimeBucket;
  readonly reactions: readonly Reaction[];
}

/** Local midnight of the Monday of `now`'s week, the 1st of its month and January 1st of its year. */
export function bucketStarts(now: Date): { week: number; month: number; year: number } {
  const day = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const week = new Date(day);
  week.setDate(day.getDate() - ((day.getDay() + 6) % 7));
  return {
    week: week.getTime(),
    month: new Date(now.getFullYear(), now.getMonth(), 1).getTime(),
    year: new Date(now.getFullYear(), 0, 1).getTime(),
  };
}

export function timeBucket(time: number | undefined, now: Date): TimeBucket {
  if (time === undefined) return 'undated';
  const s = bucketStarts(now);
  if (time >= s.week) return 'week';
  if (time >= s.month) return 'month';
  if (time >= s.year) return 'year';
  return 'older';
}

/** Sorted by date (undated last either way), ties by excerpt then id: the order never flickers. */
export function sortByDate(reactions: readonly Reaction[], order: SortOrder): Reaction[] {
  const keyed = reactions.map((r) => ({ r, t: reactionTime(r) }));
  keyed.sort((a, b) => {
    if (a.t !== b.t) {
      if (a.t === undefined) return 1;
      if (b.t === undefined) return -1;
      return order === 'newest' ? b.t - a.t : a.t - b.t;
    }
    return a.r.target.excerpt.localeCompare(b.r.target.excerpt) || a.r.id.localeCompare(b.r.id);
  });
  return keyed.map((x) => x.r);
}

/** The non-empty time groups, newest bucket first (oldest first for `oldest`; "No date" always last). */
export function groupByTime(reactions: readonly Reaction[], now: Date, order: SortOrder): TimeGroup[] {
  const buckets = new Map<TimeBucket, Reaction[]>();
  for (const r of sortByDate(reactions, order)) {
    const b = timeBucket(reactionTime(r), now);
    let list = buckets.get(b);
    if (!list) buckets.set(b, (list = []));
    list.push(r);
  }
  const dated = TIME_BUCKETS.filter((b) => b !== 'undated');
  const sequence = [...(order === 'newest' ? dated : [...dated].reverse()), 'undated' as const];
  return sequence
    .filter((b) => buckets.has(b))
    .map((bucket) => ({ key: `when:${bucket}`, bucket, reactions: buckets.get(bucket)! }));
}
