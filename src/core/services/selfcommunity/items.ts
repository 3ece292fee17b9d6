/**
 * What a SelfCommunity item (status, discussion, post, comment) looks like on the wire, how it becomes a
 * Reaction, and how the API is read: one item, and a `{count, next, results}` list by offset.
 */
import { ReactionsError, isReactionsError } from '../../errors';
import type { HttpClient, Query } from '../../http';
import {
  SELFCOMMUNITY_CONTRIBUTIONS,
  excerpt,
  flat,
  makeReaction,
  timeOf,
  type Account,
  type ContributionType,
  type Reaction,
  type ReactionKind,
  type Target,
} from '../../model';
import { identityOf, type Page, type PagedList } from '../common/pagedList';
import type { CheckResult } from '../service';

export interface ScReaction {
  id: number | string;
  label?: string;
  sentiment?: string;
  image?: string;
  active?: boolean;
}

export interface ScUser {
  id: number | string;
  username?: string;
  real_name?: string;
  email?: string;
}

export interface ScItem {
  id: number | string;
  type?: string;
  voted?: boolean;
  reaction?: ScReaction | null;
  added_at?: string;
  html?: string;
  summary?: string;
  title?: string;
  slug?: string;
  author?: ScUser;
  comment_count?: number;
  parent?: number | string | null;
  discussion?: number | string | null;
  post?: number | string | null;
  status?: number | string | null;
}

/** Page size asked for; the server may cap it, the scan adapts to what it gets. */
export const PAGE = 100;

const EMOJI: Record<string, string> = {
  like: '👍',
  upvote: '👍',
  love: '❤️',
  heart: '❤️',
  haha: '😂',
  laugh: '😂',
  funny: '😂',
  wow: '😮',
  surprised: '😮',
  sad: '😢',
  angry: '😡',
  celebrate: '🎉',
  party: '🎉',
  support: '🤗',
  care: '🤗',
  insightful: '💡',
  idea: '💡',
  curious: '🤔',
  thanks: '🙏',
  clap: '👏',
  fire: '🔥',
};

const UPVOTE: ReactionKind = Object.freeze({ id: '', label: 'Upvote', emoji: '👍' });
/** A community has a handful of reactions: thousands of reactions share these few kind objects. */
const kinds = new Map<string, ReactionKind>();

export function kindOf(r: ScReaction | null | undefined): ReactionKind {
  if (!r) return UPVOTE;
  const label = r.label?.trim() || `Reaction ${r.id}`;
  const active = r.active !== false;
  const key = `${r.id}|${label}|${active}`;
  let kind = kinds.get(key);
  if (!kind) {
    kind = Object.freeze({ id: String(r.id), label, emoji: EMOJI[label.toLowerCase()], active });
    if (kinds.size < 1000) kinds.set(key, kind);
  }
  return kind;
}

export function contributionKey(type: string, id: number | string): string {
  return `${type}:${id}`;
}

function contributionOf(item: ScItem): { type: ContributionType; id: string } | undefined {
  for (const type of SELFCOMMUNITY_CONTRIBUTIONS) {
    const v = item[type];
    if (v !== undefined && v !== null) return { type, id: String(v) };
  }
  return undefined;
}

/** Authors repeat across a community's items: one string per name, not one per reaction (bounded). */
const authors = new Map<string, string>();

function authorOf(item: ScItem): string | undefined {
  const name = item.author?.real_name || item.author?.username;
  if (!name) return undefined;
  const known = authors.get(name);
  if (known !== undefined) return known;
  if (authors.size < 10_000) authors.set(name, name);
  return name;
}

export function contributionTarget(account: Account, type: ContributionType, item: ScItem): Target {
  const text = type === 'discussion' && item.title ? item.title : item.summary || item.html;
  // One literal, then the rare link: a spread in the literal gave every target a bigger shape.
  const target: { -readonly [K in keyof Target]: Target[K] } = {
    type,
    id: String(item.id),
    excerpt: excerpt(text) || flat(type, ' #', String(item.id)),
    createdAt: timeOf(item.added_at),
    author: authorOf(item),
  };
  // The link is derived (webUrl) unless the item has a slug: one string less per kept reaction.
  if (item.slug) target.url = flat(account.baseUrl, '/', type, '/', String(item.id), '/', item.slug, '/');
  return target;
}

export function commentTarget(account: Account, item: ScItem, contribution?: Target): Target {
  const parentRef = contribution ?? (contributionOf(item) && { ...contributionOf(item)!, excerpt: '' });
  const target: { -readonly [K in keyof Target]: Target[K] } = {
    type: 'comment',
    id: String(item.id),
    parent: parentRef
      ? { type: parentRef.type as ContributionType, id: parentRef.id, title: contribution?.excerpt }
      : undefined,
    excerpt: excerpt(item.summary || item.html) || flat('comment #', String(item.id)),
    createdAt: timeOf(item.added_at),
    author: authorOf(item),
  };
  // Derived (webUrl) unless the contribution's own link has a slug.
  if (contribution?.url) target.url = flat(contribution.url, '?commentId=', String(item.id));
  return target;
}

export function toReaction(account: Account, target: Target, item: ScItem): Reaction {
  return makeReaction(account.id, target, kindOf(item.reaction));
}

/** The item's page on the community: the link kept with it, else the one its type and id make. */
export function webUrl(account: Account, target: Target): string {
  if (target.url) return target.url;
  const p = target.parent;
  if (target.type === 'comment' && p) return `${account.baseUrl}/${p.type}/${p.id}/?commentId=${target.id}`;
  return `${account.baseUrl}/${target.type}/${target.id}/`;
}

export function itemPath(target: Target): string {
  if (target.type === 'case_comment') throw new ReactionsError('invalid-input', 'Not a SelfCommunity item.');
  return `/api/v2/${target.type}/${encodeURIComponent(target.id)}/`;
}

/**
 * The item as the server sees it now; undefined when it was deleted (404/410). `fresh`: the read guards
 * a write, so no cache on the way may answer it.
 */
export async function readItem(
  http: HttpClient,
  target: Target,
  signal?: AbortSignal,
  fresh = false,
): Promise<ScItem | undefined> {
  try {
    const item = await http.get<ScItem>(itemPath(target), { signal, fresh });
    if (!item || typeof item !== 'object' || typeof item.voted !== 'boolean') {
      throw new ReactionsError(
        'bad-response',
        `The ${target.type} came back without its vote state ("voted"); nothing was changed. Try again later; if it keeps happening, check the account URL.`,
      );
    }
    return item;
  } catch (e) {
    if (isReactionsError(e, 'not-found')) return undefined;
    throw e;
  }
}

/** Whether the user's vote is on the item now (a fresh read): Verify Removals and the check after a put-back. */
export async function checkVote(http: HttpClient, reaction: Reaction, signal?: AbortSignal): Promise<CheckResult> {
  const item = await readItem(http, reaction.target, signal, true);
  if (!item) return { outcome: 'target-deleted', reaction };
  if (!item.voted) return { outcome: 'absent', reaction };
  const kind = item.reaction ? kindOf(item.reaction) : reaction.kind;
  return { outcome: 'present', reaction: kind.id === reaction.kind.id ? reaction : { ...reaction, kind } };
}

/** SelfCommunity lists: newest first (contributions, `ordering=-added_at`) or oldest first (comments). */
export type ListOrder = 'newest-first' | 'oldest-first';

const itemTime = (item: ScItem): number => timeOf(item.added_at) ?? 0;

/** The position order of a list of items by `added_at` (then id), for the pager's junction checks. */
export function itemOrder(order: ListOrder): (a: ScItem, b: ScItem) => number {
  const sign = order === 'newest-first' ? -1 : 1;
  return (a, b) => sign * (itemTime(a) - itemTime(b) || Number(a.id) - Number(b.id));
}

/**
 * A `{count, next, results}` list read by offset. The first page's length is the page size from then
 * on (the server may cap what we ask for); with `count`, any offset can be read at once. Items are
 * told apart by id, and ordered by `order` when given (the pager checks its junctions with it).
 * `opensWork`: the list's items have lists of their own (contributions and their comments): its pages
 * are read ahead of waiting reads (HttpClient `ahead`).
 */
export function offsetList<T>(
  http: HttpClient,
  path: string,
  query: Query = {},
  order?: ListOrder,
  opensWork = false,
): PagedList<T> {
  let size = PAGE;
  const compare = order ? (itemOrder(order) as unknown as (a: T, b: T) => number) : undefined;
  return {
    anyPosition: true,
    identity: (item) => identityOf((item as { id?: unknown }).id, item),
    compare,
    orderKey: (item) => ({ id: (item as ScItem).id, added_at: (item as ScItem).added_at }) as T,
    async first(signal) {
      const page = await readOffsetPage<T>(http, path, { ...query, limit: PAGE, offset: 0 }, signal, opensWork);
      size = page.items.length || PAGE;
      return { ...page, position: 0 };
    },
    at: async (position, signal) => ({
      ...(await readOffsetPage<T>(http, path, { ...query, limit: size, offset: position }, signal, opensWork)),
      position,
    }),
    follow: (next, signal) => readOffsetPage<T>(http, String(next), undefined, signal, opensWork),
  };
}

async function readOffsetPage<T>(
  http: HttpClient,
  pathOrUrl: string,
  query: Query | undefined,
  signal?: AbortSignal,
  ahead = false,
): Promise<Page<T>> {
  const body = await http.get<{ count?: number; next?: string | null; results?: T[] }>(pathOrUrl, {
    query,
    signal,
    ahead,
  });
  if (!body || !Array.isArray(body.results)) {
    throw new ReactionsError(
      'bad-response',
      `Unexpected list response from ${http.resolve(pathOrUrl).pathname}: no "results" array.`,
    );
  }
  const next = body.next ? http.link(body.next, '"next" link').toString() : undefined;
  const total = typeof body.count === 'number' && body.count >= 0 ? body.count : undefined;
  // DRF sends `next: null` on the last page; a server that leaves it out says nothing about the end.
  return { items: body.results, next, total, end: body.next === null };
}
