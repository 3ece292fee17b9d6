/**
 * "By when" grouping and date sorting for the tree: This week / This month / each earlier month of the
 * current year / one group per earlier year (and "No date" for reactions the service gives no date for),
 * on the reaction's date (see ../dates.ts). Calendar-based, in local time: the week starts on Monday; a
 * group holds what is not in an earlier one (a day of this week in last month is "This week").
 */
import type { Reaction } from '../model';
import { reactionTime } from '../dates';

/** `month` and `year` groups carry which month (of the current year) or which earlier year. */
export type TimeBucket = 'week' | 'month' | 'monthOf' | 'year' | 'undated';
export type SortOrder = 'newest' | 'oldest';

export interface TimeGroup {
  /** `when:week`, `when:month`, `when:2026-03`, `when:2024`, `when:undated`: stable across refreshes. */
  readonly key: string;
  readonly bucket: TimeBucket;
  /** The month (0–11) of a `monthOf` group, of the current year. */
  readonly month?: number;
  /** The year of a `monthOf` or `year` group. */
  readonly year?: number;
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

/** The group a date falls in (without its reactions); `rank` orders groups newest first. */
export function timeGroupOf(time: number | undefined, now: Date): Omit<TimeGroup, 'reactions'> & { rank: number } {
  if (time === undefined) return { key: 'when:undated', bucket: 'undated', rank: -Infinity };
  const s = bucketStarts(now);
  if (time >= s.week) return { key: 'when:week', bucket: 'week', rank: Infinity };
  if (time >= s.month) return { key: 'when:month', bucket: 'month', rank: 1e9 };
  const d = new Date(time);
  const year = d.getFullYear();
  if (time >= s.year) {
    const month = d.getMonth();
    const key = `when:${year}-${String(month + 1).padStart(2, '0')}`;
    return { key, bucket: 'monthOf', month, year, rank: year * 12 + month };
  }
  return { key: `when:${year}`, bucket: 'year', year, rank: year * 12 };
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

/** The non-empty time groups, newest first (oldest first for `oldest`; "No date" always last). */
export function groupByTime(reactions: readonly Reaction[], now: Date, order: SortOrder): TimeGroup[] {
  const groups = new Map<string, { group: ReturnType<typeof timeGroupOf>; reactions: Reaction[] }>();
  for (const r of sortByDate(reactions, order)) {
    const group = timeGroupOf(reactionTime(r), now);
    let entry = groups.get(group.key);
    if (!entry) groups.set(group.key, (entry = { group, reactions: [] }));
    entry.reactions.push(r);
  }
  const sign = order === 'newest' ? -1 : 1;
  return [...groups.values()]
    .sort((a, b) => {
      const ua = a.group.bucket === 'undated';
      const ub = b.group.bucket === 'undated';
      if (ua !== ub) return ua ? 1 : -1;
      return a.group.rank === b.group.rank ? 0 : a.group.rank < b.group.rank ? -sign : sign;
    })
    .map(({ group: { rank: _rank, ...g }, reactions: list }) => ({ ...g, reactions: list }));
}
