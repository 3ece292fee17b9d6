/**
 * Why a Clean Up rule matched one reaction: which parts of the rule it met, and which date the date
 * bound was judged by — when you reacted (Tines tells) or when the item was posted (SelfCommunity does
 * not tell when you voted). The preview shows it on every reaction. The UI words the parts.
 */
import type { Reaction } from '../model';
import { serviceOfAccount } from '../store';
import type { CleanupRule } from './rule';

/** One part of a rule that a reaction met. */
export type MatchPart =
  | { readonly part: 'olderThan'; readonly days: number }
  | { readonly part: 'between'; readonly from?: string; readonly to?: string }
  | { readonly part: 'kind'; readonly kind: string }
  | { readonly part: 'service'; readonly service: string }
  | { readonly part: 'account' }
  | { readonly part: 'text'; readonly words: string; readonly where: 'text' | 'author' | 'title' | 'reaction' }
  | { readonly part: 'everything' };

/** The date a date bound used: `reacted` (the service's date of the reaction) or `posted` (the item's). */
export interface MatchDate {
  readonly basis: 'reacted' | 'posted';
  readonly time: number;
}

export interface MatchReason {
  readonly parts: readonly MatchPart[];
  /** Set when the rule has a date bound (a reaction without a date never matches one). */
  readonly date?: MatchDate;
}

/** The date a reaction is judged by, and on what basis; undefined when it has none. */
export function matchDate(r: Reaction): MatchDate | undefined {
  if (r.reactedAt !== undefined) return { basis: 'reacted', time: r.reactedAt };
  if (r.target.createdAt !== undefined) return { basis: 'posted', time: r.target.createdAt };
  return undefined;
}

/** Why `r` matches `rule` (call it for reactions the rule matched: `ruleMatches`). */
export function explainMatch(r: Reaction, rule: CleanupRule): MatchReason {
  const parts: MatchPart[] = [];
  const dated = rule.olderThanDays !== undefined || !!rule.from || !!rule.to;
  if (rule.olderThanDays !== undefined) parts.push({ part: 'olderThan', days: rule.olderThanDays });
  if (rule.from || rule.to) parts.push({ part: 'between', from: rule.from, to: rule.to });
  if (rule.kinds?.length) parts.push({ part: 'kind', kind: r.kind.label });
  if (rule.services?.length) parts.push({ part: 'service', service: serviceOfAccount(r.accountId) });
  if (rule.accountIds?.length) parts.push({ part: 'account' });
  if (rule.text) parts.push({ part: 'text', words: rule.text, where: textWhere(r, rule.text) });
  if (parts.length === 0) parts.push({ part: 'everything' });
  const date = dated ? matchDate(r) : undefined;
  return date ? { parts, date } : { parts };
}

/** Where the first of the rule's words was found (the fields `matches` searches, in its order). */
function textWhere(r: Reaction, text: string): 'text' | 'author' | 'title' | 'reaction' {
  const word = text.toLowerCase().split(/\s+/).find(Boolean) ?? '';
  const t = r.target;
  if (t.excerpt.toLowerCase().includes(word)) return 'text';
  if (t.author?.toLowerCase().includes(word)) return 'author';
  if (t.parent?.title?.toLowerCase().includes(word)) return 'title';
  return 'reaction';
}
