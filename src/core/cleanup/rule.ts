/**
 * Clean-up rules: which reactions a "Clean Up" removes. A rule narrows by account, service, reaction
 * kind, text and date (older than N days / between two days); kept reactions (the keep list) never
 * match, they are reported as excluded. `previewCleanup` computes exactly the list the removal then
 * works on, with counts per account and group for the preview.
 */
import { ReactionsError } from '../errors';
import type { Reaction, ServiceId } from '../model';
import { groupOf, matches, type ReactionFilter } from '../store';
import { inDateRange, parseDateRange } from '../dates';
import { sortByDate } from './timeGroups';

/** Plain JSON (it is remembered in globalState and passed as command arguments); never a token. */
export interface CleanupRule extends ReactionFilter {
  /** Only these accounts (none: all). */
  readonly accountIds?: readonly string[];
}

export interface PreviewGroup {
  readonly key: string;
  readonly type: string;
  readonly title?: string;
  /** Reactions of this group the rule removes. */
  readonly count: number;
}

export interface PreviewAccount {
  readonly accountId: string;
  /** What the rule removes from this account. */
  readonly count: number;
  /** Matched the rule but kept (excluded). */
  readonly kept: number;
  readonly groups: readonly PreviewGroup[];
}

export interface CleanupPreview {
  readonly rule: CleanupRule;
  /** Exactly what Clean Up removes, per account, oldest first. */
  readonly toRemove: readonly Reaction[];
  /** Matched the rule but on the keep list: never removed. */
  readonly kept: readonly Reaction[];
  readonly accounts: readonly PreviewAccount[];
}

const SERVICES: readonly ServiceId[] = ['selfcommunity', 'tines'];

function strings(v: unknown, name: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v.trim() ? [v.trim()] : undefined;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
    const list = (v as string[]).map((x) => x.trim()).filter(Boolean);
    return list.length ? list : undefined;
  }
  throw new ReactionsError('invalid-input', `"${name}" must be a list of strings.`);
}

/** Checks a rule given as plain-object arguments; throws invalid-input naming the bad field. */
export function parseRule(x: unknown): CleanupRule {
  if (!x || typeof x !== 'object' || Array.isArray(x))
    throw new ReactionsError('invalid-input', 'A clean-up rule is an object such as {"olderThanDays": 90}.');
  const a = x as Record<string, unknown>;
  if (a.text !== undefined && a.text !== null && typeof a.text !== 'string')
    throw new ReactionsError('invalid-input', '"text" must be a string.');
  const services = strings(a.services, 'services');
  const unknown = services?.filter((s) => !SERVICES.includes(s as ServiceId));
  if (unknown?.length) throw new ReactionsError('invalid-input', `Unknown service(s): ${unknown.join(', ')}.`);
  const text = typeof a.text === 'string' ? a.text.trim() : '';
  const kinds = strings(a.kinds, 'kinds');
  const accountIds = strings(a.accountIds, 'accountIds');
  return {
    ...parseDateRange(a),
    ...(kinds ? { kinds } : {}),
    ...(services ? { services: services as ServiceId[] } : {}),
    ...(accountIds ? { accountIds } : {}),
    ...(text ? { text } : {}),
  };
}

/** Whether a rule says nothing at all (it would match every reaction). */
export function isEmptyRule(rule: CleanupRule): boolean {
  return Object.keys(rule).length === 0;
}

/** Whether one reaction matches (keep list aside). `now` anchors "older than N days". */
export function ruleMatches(r: Reaction, rule: CleanupRule, now = Date.now()): boolean {
  if (rule.accountIds?.length && !rule.accountIds.includes(r.accountId)) return false;
  if (!inDateRange(r, rule, now)) return false;
  return matches(r, { text: rule.text, kinds: rule.kinds, services: rule.services });
}

/** What a rule removes now, and what it would but is kept. `reactions`: everything listed (unfiltered). */
export function previewCleanup(
  reactions: readonly Reaction[],
  rule: CleanupRule,
  isKept: (id: string) => boolean,
  now = Date.now(),
): CleanupPreview {
  const toRemove: Reaction[] = [];
  const kept: Reaction[] = [];
  for (const r of reactions) {
    if (!ruleMatches(r, rule, now)) continue;
    (isKept(r.id) ? kept : toRemove).push(r);
  }
  const byAccount = new Map<string, { remove: Reaction[]; kept: number }>();
  const entry = (id: string) => {
    let e = byAccount.get(id);
    if (!e) byAccount.set(id, (e = { remove: [], kept: 0 }));
    return e;
  };
  for (const r of toRemove) entry(r.accountId).remove.push(r);
  for (const r of kept) entry(r.accountId).kept++;
  const accounts: PreviewAccount[] = [];
  const ordered: Reaction[] = [];
  for (const accountId of [...byAccount.keys()].sort()) {
    const e = byAccount.get(accountId)!;
    const sorted = sortByDate(e.remove, 'oldest');
    ordered.push(...sorted);
    const groups = new Map<string, { key: string; type: string; title?: string; count: number }>();
    for (const r of sorted) {
      const g = groupOf(r);
      const found = groups.get(g.key);
      if (found) found.count++;
      else groups.set(g.key, { key: g.key, type: g.type, title: g.title, count: 1 });
    }
    accounts.push({ accountId, count: e.remove.length, kept: e.kept, groups: [...groups.values()] });
  }
  return { rule, toRemove: ordered, kept, accounts };
}

/** One line for logs and the preview's title, in English (the UI words its own). */
export function describeRule(rule: CleanupRule): string {
  const parts: string[] = [];
  if (rule.olderThanDays !== undefined) parts.push(`older than ${rule.olderThanDays} days`);
  if (rule.from || rule.to) parts.push(`between ${rule.from ?? '…'} and ${rule.to ?? '…'}`);
  if (rule.kinds?.length) parts.push(`reaction ${rule.kinds.join(', ')}`);
  if (rule.services?.length) parts.push(`service ${rule.services.join(', ')}`);
  if (rule.accountIds?.length) parts.push(`${rule.accountIds.length} account(s)`);
  if (rule.text) parts.push(`text "${rule.text}"`);
  return parts.length ? parts.join('; ') : 'every reaction';
}
