/**
 * Dates of reactions, for the date filter, clean-up rules and the "by when" grouping. A reaction's date
 * is when it was left, where the service says (Tines), else when the reacted-to item was created
 * (SelfCommunity gives no vote date). A reaction with neither date never matches a date bound: a rule
 * "older than 90 days" must not remove what it cannot date.
 */
import { ReactionsError } from './errors';
import type { Reaction } from './model';

export const DAY_MS = 86_400_000;

/** A date bound: older than N days, and/or between two calendar days (`YYYY-MM-DD`, both inclusive). */
export interface DateRange {
  readonly olderThanDays?: number;
  readonly from?: string;
  readonly to?: string;
}

/** The reaction's date in ms (reactedAt, else the target's createdAt); undefined when unknown. */
export function reactionTime(r: Reaction): number | undefined {
  return r.reactedAt ?? r.target.createdAt;
}

export function isEmptyRange(d: DateRange | undefined): boolean {
  return !d || (d.olderThanDays === undefined && !d.from && !d.to);
}

/** Local midnight of a `YYYY-MM-DD` day, in ms. Throws an invalid-input error for anything else. */
export function dayStart(day: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim());
  const d = m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
  if (!m || !d || d.getMonth() !== Number(m[2]) - 1 || d.getDate() !== Number(m[3]))
    throw new ReactionsError('invalid-input', `"${day}" is not a date; use YYYY-MM-DD, e.g. 2025-01-31.`);
  return d.getTime();
}

/** Whether a reaction's date is inside the range (always true for an empty range). */
export function inDateRange(r: Reaction, range: DateRange | undefined, now = Date.now()): boolean {
  if (!range || isEmptyRange(range)) return true;
  const t = reactionTime(r);
  if (t === undefined) return false;
  if (range.olderThanDays !== undefined && t > now - range.olderThanDays * DAY_MS) return false;
  if (range.from && t < dayStart(range.from)) return false;
  if (range.to && t >= dayStart(range.to) + DAY_MS) return false;
  return true;
}

/** Checks and normalises a range from plain-object arguments; throws invalid-input with the reason. */
export function parseDateRange(x: { olderThanDays?: unknown; from?: unknown; to?: unknown }): DateRange {
  const out: { olderThanDays?: number; from?: string; to?: string } = {};
  if (x.olderThanDays !== undefined && x.olderThanDays !== null && x.olderThanDays !== '') {
    const n = typeof x.olderThanDays === 'string' ? Number(x.olderThanDays.trim()) : x.olderThanDays;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 36500)
      throw new ReactionsError('invalid-input', '"olderThanDays" must be a whole number of days (0–36500).');
    out.olderThanDays = n;
  }
  for (const name of ['from', 'to'] as const) {
    const v = x[name];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') throw new ReactionsError('invalid-input', `"${name}" must be a date (YYYY-MM-DD).`);
    dayStart(v);
    out[name] = v.trim();
  }
  if (out.from && out.to && dayStart(out.from) > dayStart(out.to))
    throw new ReactionsError('invalid-input', `"from" (${out.from}) is after "to" (${out.to}).`);
  return out;
}

/** How long ago, for a short date: minutes/hours/days under 30 days, else the month and year. */
export type Age =
  | { readonly unit: 'now' }
  | { readonly unit: 'min' | 'h' | 'd'; readonly n: number }
  | { readonly unit: 'month'; readonly month: number; readonly year: number };

export function ageOf(time: number, now = Date.now()): Age {
  const minutes = Math.floor(Math.max(0, now - time) / 60_000);
  if (minutes < 1) return { unit: 'now' };
  if (minutes < 60) return { unit: 'min', n: minutes };
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return { unit: 'h', n: hours };
  const days = Math.floor(hours / 24);
  if (days < 30) return { unit: 'd', n: days };
  const d = new Date(time);
  return { unit: 'month', month: d.getMonth(), year: d.getFullYear() };
}
