/**
 * What Tines cases, comments and reactions look like on the wire, how a comment's reactions become the
 * user's Reactions (reactants are compared as strings: samples disagree on the type of ids), and how the
 * API is read: one comment, and a `per_page`/`page` list with `meta`.
 */
import { ReactionsError, isReactionsError } from '../../errors';
import type { HttpClient, Query } from '../../http';
import type { OnRun } from '../../json';
import {
  excerpt,
  makeReaction,
  timeOf,
  type Account,
  type Reaction,
  type ReactionKind,
  type Target,
} from '../../model';
import { identityOf, type Page, type PagedList } from '../common/pagedList';
import type { CheckResult } from '../service';

interface Meta {
  current_page?: number;
  next_page?: string | null;
  next_page_number?: number | null;
  pages?: number;
  count?: number;
}

export interface TinesCase {
  case_id: number | string;
  name?: string;
  status?: string;
  url?: string;
  created_at?: string;
  updated_at?: string;
}

interface TinesReactant {
  user_id: number | string;
  user_name?: string;
  reacted_at?: string;
}

export interface TinesComment {
  id: number | string;
  case_id?: number | string;
  value?: string;
  created_at?: string;
  user?: { user_id?: number | string; first_name?: string; last_name?: string; email?: string };
  reactions?: Array<{ emoji?: string; reactants?: TinesReactant[] }>;
}

/** The values Tines supports, with what the tree shows and says. */
export const TINES_KINDS: readonly ReactionKind[] = [
  { id: '+1', label: 'Thumbs up', emoji: '👍' },
  { id: '-1', label: 'Thumbs down', emoji: '👎' },
  { id: 'eyes', label: 'Eyes', emoji: '👀' },
  { id: 'heart', label: 'Heart', emoji: '❤️' },
  { id: 'white_check_mark', label: 'Check mark', emoji: '✅' },
];

export function tinesKind(value: string): ReactionKind {
  return TINES_KINDS.find((k) => k.id === value) ?? { id: value, label: value };
}

const PER_PAGE = 500;

function valueOf(emoji: string | undefined): string {
  return (emoji ?? '').replace(/^:|:$/g, '');
}

function safeSameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

export function commentsPath(c: TinesCase): string {
  return `/api/v2/cases/${encodeURIComponent(String(c.case_id))}/comments`;
}

export function commentPath(target: Target): string {
  if (target.type !== 'case_comment' || !target.parent)
    throw new ReactionsError('invalid-input', 'Not a Tines case comment.');
  return `/api/v2/cases/${encodeURIComponent(target.parent.id)}/comments/${encodeURIComponent(target.id)}`;
}

function commentTarget(account: Account, c: TinesCase, comment: TinesComment): Target {
  const caseId = String(c.case_id);
  const author = [comment.user?.first_name, comment.user?.last_name].filter(Boolean).join(' ') || comment.user?.email;
  return {
    type: 'case_comment',
    id: String(comment.id),
    parent: { type: 'case', id: caseId, title: excerpt(c.name) || `Case ${caseId}` },
    excerpt: excerpt(comment.value) || `comment #${comment.id}`,
    url: c.url && safeSameOrigin(c.url, account.baseUrl) ? c.url : `${account.baseUrl}/cases/${caseId}`,
    createdAt: timeOf(comment.created_at),
    author,
  };
}

export function webUrl(account: Account, target: Target): string | undefined {
  return target.url ?? (target.parent ? `${account.baseUrl}/cases/${target.parent.id}` : undefined);
}

/** The account's user among a comment's reactants of one value, if there. */
export function myReactant(account: Account, comment: TinesComment | undefined, value: string) {
  return comment?.reactions
    ?.find((r) => valueOf(r.emoji) === value)
    ?.reactants?.find((x) => String(x.user_id) === account.userId);
}

/** The signed-in user's reactions on one comment. */
export function myReactions(account: Account, c: TinesCase, comment: TinesComment): Reaction[] {
  const out: Reaction[] = [];
  for (const r of comment.reactions ?? []) {
    const reactant = (r.reactants ?? []).find((x) => String(x.user_id) === account.userId);
    if (!reactant) continue;
    const target = commentTarget(account, c, comment);
    const kind = tinesKind(valueOf(r.emoji));
    out.push(makeReaction(account.id, target, kind, timeOf(reactant.reacted_at)));
  }
  return out;
}

/** Who reacted with this value on the comment (user ids as strings). */
export function reactantsOf(comment: TinesComment | undefined, value: string): Set<string> {
  const r = comment?.reactions?.find((x) => valueOf(x.emoji) === value);
  return new Set((r?.reactants ?? []).map((x) => String(x.user_id)));
}

/** The name a comment shows for one of its reactants. */
export function reactantName(comment: TinesComment, userId: string): string | undefined {
  for (const r of comment.reactions ?? [])
    for (const x of r.reactants ?? []) if (String(x.user_id) === userId && x.user_name) return x.user_name;
  return undefined;
}

/** Whether the comment shows the user's reaction of this value. */
export function hasMine(account: Account, comment: TinesComment | undefined, value: string): boolean {
  return !!comment?.reactions?.some(
    (r) => valueOf(r.emoji) === value && (r.reactants ?? []).some((x) => String(x.user_id) === account.userId),
  );
}

/** The comment as it is now; undefined when it (or its case) is gone. */
export async function readComment(
  http: HttpClient,
  target: Target,
  signal?: AbortSignal,
  fresh = true,
): Promise<TinesComment | undefined> {
  try {
    return await http.get<TinesComment>(commentPath(target), { signal, fresh });
  } catch (e) {
    if (isReactionsError(e, 'not-found')) return undefined;
    throw e;
  }
}

/** Whether the user's reaction of this value is on the comment now: Verify Removals, the check after a put-back. */
export async function checkReaction(
  http: HttpClient,
  account: Account,
  reaction: Reaction,
  signal?: AbortSignal,
): Promise<CheckResult> {
  const comment = await readComment(http, reaction.target, signal);
  if (!comment) return { outcome: 'target-deleted', reaction };
  return { outcome: hasMine(account, comment, reaction.kind.id) ? 'present' : 'absent', reaction };
}

/** Tines cases newest first (`CREATED_DESC`, the default order): the pager checks its junctions with it. */
export function newestCaseFirst(a: TinesCase, b: TinesCase): number {
  const t = (c: TinesCase) => Date.parse(c.created_at ?? '') || 0;
  return t(b) - t(a) || Number(b.case_id) - Number(a.case_id);
}

/** How a Tines list is read, beyond where. */
export interface ListHow<T> {
  query?: Query;
  /** The list's order: the pager checks its junctions with it. */
  compare?: (a: T, b: T) => number;
  /** The items have lists of their own (cases and their comments), read by other work. */
  opensWork?: OpensWork<T>;
}

/**
 * The work a list's items open (each case's comments). Pages are read ahead of that work's requests
 * (HttpClient `ahead`), but a page after the first is asked for only once `room` resolves: finding
 * work never runs far ahead of doing it (all of a big tenant's cases would wait in memory).
 */
export interface OpensWork<T> {
  /**
   * The FIRST page's items, run by run while its body is parsed, before the pager has the page (the
   * same items then come through the pager as usual: the caller skips them). Only the first: no page
   * before it can have brought them already.
   */
  early(firstItems: T[]): void;
  room(signal?: AbortSignal): Promise<void>;
}

/**
 * A Tines list (`per_page`/`page` + `meta`, the items under `key`): the first page tells `meta.pages`
 * and `meta.count`; without them `next_page_number` is followed. A `next_page` on another origin is
 * refused. Pages are read by number, so a position is rounded down to its page.
 */
export function pagedList<T>(http: HttpClient, path: string, key: string, how: ListHow<T> = {}): PagedList<T> {
  let size = 0;
  const { query = {}, compare, opensWork } = how;
  const early: OnRun | undefined = opensWork && ((member, run) => member === key && opensWork.early(run as T[]));
  const read = async (page: number, signal?: AbortSignal, onRun?: OnRun): Promise<Page<T>> => {
    if (page > 1) await opensWork?.room(signal);
    const body = await http.get<Record<string, unknown> & { meta?: Meta }>(path, {
      query: { per_page: PER_PAGE, ...query, page },
      signal,
      ahead: !!opensWork,
      onRun,
    });
    const items = body?.[key];
    if (!Array.isArray(items))
      throw new ReactionsError('bad-response', `Unexpected response from ${path}: no "${key}" list.`);
    const meta = body.meta ?? {};
    if (meta.next_page) http.link(meta.next_page, '"next_page" link');
    return {
      items: items as T[],
      next: typeof meta.next_page_number === 'number' ? meta.next_page_number : undefined,
      pages: typeof meta.pages === 'number' ? meta.pages : undefined,
      total: typeof meta.count === 'number' && meta.count >= 0 ? meta.count : undefined,
      position: size * (page - 1),
      end: meta.next_page_number === null,
    };
  };
  return {
    identity: (item) => {
      const x = item as { id?: unknown; case_id?: unknown };
      return identityOf(x.id ?? x.case_id, item);
    },
    compare,
    first: async (signal) => {
      const page = await read(1, signal, early);
      size = page.items.length;
      return page;
    },
    at: (position, signal) => read(Math.floor(position / Math.max(1, size)) + 1, signal),
    follow: (n, signal) => read(Number(n), signal),
  };
}
