/**
 * SelfCommunity (API v2). There is no "my votes" endpoint, so listing scans statuses, discussions and
 * posts (and their comments and replies) for `voted: true`. The vote endpoint TOGGLES, so every write
 * here follows the safe protocol: read the item, POST only when the state says so and with the current
 * reaction id, never repeat a POST, and read again to verify.
 */
import { KeyedLock, TaskStream, whenComplete } from '../async';
import { ReactionsError, isReactionsError } from '../errors';
import { HttpClient, cleanToken, normalizeBaseUrl, type Query } from '../http';
import {
  SELFCOMMUNITY_CONTRIBUTIONS,
  accountId,
  excerpt,
  reactionId,
  type Account,
  type ContributionType,
  type Reaction,
  type ReactionKind,
  type Target,
} from '../model';
import type {
  AccountService,
  ClientOptions,
  ReactionDelta,
  RemoveResult,
  ScanCheckpoint,
  ServiceProvider,
  SignInInput,
} from './service';

interface ScReaction {
  id: number | string;
  label?: string;
  sentiment?: string;
  image?: string;
  active?: boolean;
}

interface ScUser {
  id: number | string;
  username?: string;
  real_name?: string;
  email?: string;
}

interface ScItem {
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
const PAGE = 100;

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

function kindOf(r: ScReaction | null | undefined): ReactionKind {
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

function contributionOf(item: ScItem): { type: ContributionType; id: string } | undefined {
  for (const type of SELFCOMMUNITY_CONTRIBUTIONS) {
    const v = item[type];
    if (v !== undefined && v !== null) return { type, id: String(v) };
  }
  return undefined;
}

function contributionKey(type: string, id: number | string): string {
  return `${type}:${id}`;
}

function isTransientWriteFailure(e: unknown): boolean {
  return (
    isReactionsError(e) &&
    (e.kind === 'timeout' || e.kind === 'network' || e.kind === 'server' || e.kind === 'bad-response')
  );
}

class SelfCommunityAccount implements AccountService {
  private readonly http: HttpClient;
  private readonly locks = new KeyedLock();
  private catalog: Promise<ReactionKind[]> | undefined;

  constructor(
    readonly account: Account,
    getToken: () => Promise<string> | string,
    options: ClientOptions = {},
  ) {
    this.http = new HttpClient(account.baseUrl, getToken, options);
  }

  reactionKinds(signal?: AbortSignal): Promise<ReactionKind[]> {
    this.catalog ??= (async () => {
      const kinds: ReactionKind[] = [];
      let page = await this.http.getOffsetPage<ScReaction>('/api/v2/reaction/', { limit: PAGE, offset: 0 }, signal);
      for (;;) {
        kinds.push(...page.items.filter((r) => r.active !== false).map(kindOf));
        if (!page.next) break;
        page = await this.http.getOffsetPage<ScReaction>(page.next, undefined, signal);
      }
      return kinds;
    })().catch((e) => {
      this.catalog = undefined;
      throw e;
    });
    return this.catalog;
  }

  checkpoint: ScanCheckpoint | undefined;

  listReactions(signal?: AbortSignal): AsyncIterable<Reaction[]> {
    const at = new Date().toISOString();
    const sentBefore = this.http.sent;
    const counts: Record<string, number> = {};
    const stream = new TaskStream<Reaction[]>(signal);
    this.scanContributions(stream, (type, items) => {
      const found: Reaction[] = [];
      for (const item of items) {
        const target = this.contributionTarget(type, item);
        if (item.voted) found.push(this.toReaction(target, item));
        // Only contributions with comments are remembered (a missing key means none).
        if (item.comment_count) counts[contributionKey(type, item.id)] = item.comment_count;
        if (item.comment_count !== 0) {
          stream.spawn((s) => this.scanComments(stream, { [type]: String(item.id) }, target, s, (f) => stream.push(f)));
        }
      }
      if (found.length) stream.push(found);
    });
    return whenComplete(
      stream,
      () => (this.checkpoint = { service: 'selfcommunity', at, data: { counts, cost: this.http.sent - sentBefore } }),
    );
  }

  /**
   * Re-lists the contributions (one request per 100: cheap) and re-reads comments only where a
   * contribution is new or its comment count changed. Sees: every vote added, changed or removed on
   * statuses, discussions and posts; comment votes on new or newly commented contributions; items
   * deleted. Does not see: a comment vote added, changed or removed elsewhere on a contribution whose
   * comment count did not change (Full Rescan does).
   */
  refreshReactions(
    known: readonly Reaction[],
    since: ScanCheckpoint,
    signal?: AbortSignal,
  ): AsyncIterable<ReactionDelta> {
    const at = new Date().toISOString();
    const before = (since.data?.counts ?? {}) as Record<string, number>;
    const counts: Record<string, number> = {};
    const found = new Set<string>();
    const relisted = new Set<string>();
    /** Known comment votes re-read and found gone. */
    const goneOnRecheck = new Set<string>();
    const stream = new TaskStream<ReactionDelta>(signal);
    const knownComments = known.filter((r) => r.target.type === 'comment');
    const cost = typeof since.data?.cost === 'number' ? since.data.cost : 0;
    if (knownComments.length && knownComments.length <= cost / 10) {
      for (const r of knownComments) {
        stream.spawn(async (s) => {
          const item = await this.read(r.target, s);
          if (!item || !item.voted) goneOnRecheck.add(r.id);
          else if (kindOf(item.reaction).id !== r.kind.id) upsert([{ ...r, kind: kindOf(item.reaction) }]);
          else found.add(r.id);
        });
      }
    }
    const upsert = (reactions: Reaction[]) => {
      if (!reactions.length) return;
      for (const r of reactions) found.add(r.id);
      stream.push({ upsert: reactions, remove: [] });
    };
    this.scanContributions(stream, (type, items) => {
      const voted: Reaction[] = [];
      for (const item of items) {
        const key = contributionKey(type, item.id);
        const target = this.contributionTarget(type, item);
        if (item.voted) voted.push(this.toReaction(target, item));
        const count = item.comment_count;
        if (count) counts[key] = count;
        if (count !== 0 && (count === undefined || (before[key] ?? 0) !== count)) {
          relisted.add(key);
          stream.spawn((s) => this.scanComments(stream, { [type]: String(item.id) }, target, s, upsert));
        }
      }
      upsert(voted);
    });
    const setCheckpoint = (checkpoint: ScanCheckpoint) => (this.checkpoint = checkpoint);
    return (async function* () {
      for await (const delta of stream) yield delta;
      // Everything was listed: what is known but was not found again is gone.
      const remove = known
        .filter((r) => {
          if (goneOnRecheck.has(r.id)) return !found.has(r.id);
          if (found.has(r.id)) return false;
          if (r.target.type !== 'comment') return true;
          const parent = r.target.parent && contributionKey(r.target.parent.type, r.target.parent.id);
          return !parent || relisted.has(parent) || !(parent in counts);
        })
        .map((r) => r.id);
      if (remove.length) yield { upsert: [], remove };
      setCheckpoint({ service: 'selfcommunity', at, data: { counts, cost } });
    })();
  }

  /** Lists every contribution type concurrently, newest first, handing each page to `onPage`. */
  private scanContributions(
    stream: TaskStream<unknown>,
    onPage: (type: ContributionType, items: ScItem[]) => void,
  ): void {
    for (const type of SELFCOMMUNITY_CONTRIBUTIONS) {
      stream.spawn((sig) =>
        this.scanPages<ScItem>(stream, `/api/v2/${type}/`, { ordering: '-added_at' }, sig, (items) =>
          onPage(type, items),
        ),
      );
    }
  }

  private scanComments(
    stream: TaskStream<unknown>,
    query: Query,
    contribution: Target,
    signal: AbortSignal,
    sink: (found: Reaction[]) => void,
  ): Promise<void> {
    return this.scanPages<ScItem>(stream, '/api/v2/comment/', query, signal, (items) => {
      const found: Reaction[] = [];
      for (const item of items) {
        if (item.voted) found.push(this.toReaction(this.commentTarget(item, contribution), item));
        if (item.comment_count) {
          stream.spawn((s) => this.scanComments(stream, { parent: String(item.id) }, contribution, s, sink));
        }
      }
      if (found.length) sink(found);
    });
  }

  /**
   * Reads the first page; when the total is known, fetches every other page concurrently (bounded by
   * the client's limit); otherwise follows `next` links (same origin only) one by one.
   */
  private async scanPages<T>(
    stream: TaskStream<unknown>,
    path: string,
    query: Query,
    signal: AbortSignal,
    onItems: (items: T[]) => void,
  ): Promise<void> {
    const first = await this.http.getOffsetPage<T>(path, { ...query, limit: PAGE, offset: 0 }, signal);
    onItems(first.items);
    if (!first.next || first.items.length === 0) return;
    const size = first.items.length;
    if (first.total !== undefined) {
      for (let offset = size; offset < first.total; offset += size) {
        stream.spawn(async (s) =>
          onItems((await this.http.getOffsetPage<T>(path, { ...query, limit: size, offset }, s)).items),
        );
      }
      return;
    }
    let next: string | undefined = first.next;
    while (next) {
      const page: { items: T[]; next?: string } = await this.http.getOffsetPage<T>(next, undefined, signal);
      onItems(page.items);
      next = page.next;
    }
  }

  private contributionTarget(type: ContributionType, item: ScItem): Target {
    const text = type === 'discussion' && item.title ? item.title : item.summary || item.html;
    return {
      type,
      id: String(item.id),
      excerpt: excerpt(text) || `${type} #${item.id}`,
      url: `${this.account.baseUrl}/${type}/${item.id}/${item.slug ? `${item.slug}/` : ''}`,
      createdAt: item.added_at,
      author: item.author?.real_name || item.author?.username,
    };
  }

  private commentTarget(item: ScItem, contribution?: Target): Target {
    const parentRef = contribution ?? (contributionOf(item) && { ...contributionOf(item)!, excerpt: '' });
    const base =
      contribution?.url ?? (parentRef ? `${this.account.baseUrl}/${parentRef.type}/${parentRef.id}/` : undefined);
    return {
      type: 'comment',
      id: String(item.id),
      parent: parentRef
        ? { type: parentRef.type as ContributionType, id: parentRef.id, title: contribution?.excerpt }
        : undefined,
      excerpt: excerpt(item.summary || item.html) || `comment #${item.id}`,
      url: base ? `${base}?commentId=${item.id}` : undefined,
      createdAt: item.added_at,
      author: item.author?.real_name || item.author?.username,
    };
  }

  private toReaction(target: Target, item: ScItem): Reaction {
    return { id: reactionId(this.account.id, target), accountId: this.account.id, target, kind: kindOf(item.reaction) };
  }

  webUrl(target: Target): string | undefined {
    return target.url ?? `${this.account.baseUrl}/${target.type}/${target.id}/`;
  }

  // ---- the safe toggle protocol ----------------------------------------------------------------

  private itemPath(target: Target): string {
    if (target.type === 'case_comment') throw new ReactionsError('invalid-input', 'Not a SelfCommunity item.');
    return `/api/v2/${target.type}/${encodeURIComponent(target.id)}/`;
  }

  /** The item as the server sees it now; undefined when it was deleted (404/410). */
  private async read(target: Target, signal?: AbortSignal): Promise<ScItem | undefined> {
    try {
      const item = await this.http.get<ScItem>(this.itemPath(target), { signal });
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

  /**
   * Sends one vote POST. Returns normally when it was answered with success OR when its outcome is
   * unknown (timeout, reset, 5xx): the caller then reads the item to learn what happened. Never retried.
   * The caller's cancel signal is checked before sending, not passed on: a POST cut off midway would
   * leave the vote in an unknown state.
   */
  private async postVote(target: Target, reaction: string, signal?: AbortSignal): Promise<'answered' | 'unknown'> {
    if (signal?.aborted) throw new ReactionsError('cancelled', 'Cancelled before anything was sent.');
    try {
      await this.http.post(`${this.itemPath(target)}vote/`, { query: reaction ? { reaction } : undefined });
      return 'answered';
    } catch (e) {
      if (isTransientWriteFailure(e)) {
        this.http.logger.warn(
          `vote on ${target.type} ${target.id}: outcome unknown (${(e as Error).message}); reading the item to find out, not resending`,
        );
        return 'unknown';
      }
      throw e;
    }
  }

  /** Reads after a write; a failure here means we do not know the outcome. */
  private async verify(target: Target, what: string): Promise<ScItem | undefined> {
    try {
      return await this.read(target);
    } catch (e) {
      throw new ReactionsError(
        'unknown-outcome',
        `Could not confirm that the ${what} went through: ${(e as Error).message}. Refresh to see the current state before trying again.`,
      );
    }
  }

  private lockKey(target: Target): string {
    return `${target.type}:${target.id}`;
  }

  remove(reaction: Reaction, signal?: AbortSignal): Promise<RemoveResult> {
    const target = reaction.target;
    return this.locks.run(this.lockKey(target), async () => {
      const before = await this.read(target, signal);
      if (!before) return { outcome: 'target-deleted', reaction };
      if (!before.voted) return { outcome: 'already-removed', reaction };
      const current = kindOf(before.reaction);
      const sent = await this.postVote(target, current.id, signal);
      const after = await this.verify(target, 'removal');
      if (!after) return { outcome: 'target-deleted', reaction };
      if (!after.voted) {
        if (sent === 'unknown')
          this.http.logger.info(`vote on ${target.type} ${target.id}: removal confirmed by reading`);
        // the kind actually removed (it may have been changed elsewhere since listing): what an undo puts back
        return {
          outcome: 'removed',
          reaction: current.id === reaction.kind.id ? reaction : { ...reaction, kind: current },
        };
      }
      throw new ReactionsError(
        sent === 'unknown' ? 'unknown-outcome' : 'conflict',
        sent === 'unknown'
          ? `The server did not answer the removal, and the ${target.type} still shows your ${current.label} reaction. Nothing else was sent; try again.`
          : `The ${target.type} still shows your ${current.label} reaction after the removal was accepted. Nothing else was sent; refresh and try again.`,
      );
    });
  }

  restore(reaction: Reaction, signal?: AbortSignal): Promise<Reaction> {
    const target = reaction.target;
    return this.locks.run(this.lockKey(target), async () => {
      const before = await this.read(target, signal);
      if (!before)
        throw new ReactionsError(
          'not-found',
          `The ${target.type} "${target.excerpt}" was deleted; the reaction cannot be put back. Refresh the list.`,
        );
      if (before.voted) {
        const current = kindOf(before.reaction);
        if (current.id === reaction.kind.id) return { ...reaction, kind: current };
        throw new ReactionsError(
          'conflict',
          `You reacted to this ${target.type} again meanwhile (${current.label}); nothing was changed. Refresh to see it.`,
        );
      }
      const sent = await this.postVote(target, reaction.kind.id, signal);
      const after = await this.verify(target, 'undo');
      if (after?.voted) return { ...reaction, kind: kindOf(after.reaction) };
      throw new ReactionsError(
        sent === 'unknown' ? 'unknown-outcome' : 'conflict',
        `The reaction could not be put back on the ${target.type}: ${!after ? 'it was deleted' : 'it still shows no vote'}. Nothing else was sent; refresh, then try again.`,
      );
    });
  }

  change(reaction: Reaction, kind: ReactionKind, signal?: AbortSignal): Promise<Reaction> {
    const target = reaction.target;
    if (!kind.id) return Promise.reject(new ReactionsError('invalid-input', 'Pick a reaction to change to.'));
    return this.locks.run(this.lockKey(target), async () => {
      const before = await this.read(target, signal);
      if (!before)
        throw new ReactionsError(
          'not-found',
          `The ${target.type} "${target.excerpt}" was deleted meanwhile. Refresh the list.`,
        );
      // Changing an item that is no longer voted would ADD a vote: refuse.
      if (!before.voted)
        throw new ReactionsError(
          'conflict',
          `Your reaction on this ${target.type} was already removed; nothing was changed. Refresh the list.`,
        );
      const current = kindOf(before.reaction);
      if (current.id === kind.id) return { ...reaction, kind: current };
      const sent = await this.postVote(target, kind.id, signal);
      const after = await this.verify(target, 'change');
      if (after?.voted && kindOf(after.reaction).id === kind.id) return { ...reaction, kind: kindOf(after.reaction) };
      const now = !after
        ? 'it was deleted'
        : after.voted
          ? `it shows ${kindOf(after.reaction).label}`
          : 'it shows no vote';
      throw new ReactionsError(
        sent === 'unknown' ? 'unknown-outcome' : 'conflict',
        `The reaction was not changed to ${kind.label}: ${now}. Nothing else was sent; refresh to see the current state.`,
      );
    });
  }
}

export const selfCommunity: ServiceProvider = {
  id: 'selfcommunity',
  label: 'SelfCommunity',
  needsUserHint: false,
  tokenHelp: 'An OAuth access token for this community (from an OAuth app your community admin registered).',
  exampleUrl: 'https://community.example.com',

  async signIn(input: SignInInput, options?: ClientOptions): Promise<Account> {
    const baseUrl = normalizeBaseUrl(input.baseUrl);
    const token = cleanToken(input.token, 'access token');
    const http = new HttpClient(baseUrl, () => token, options);
    let me: ScUser;
    try {
      me = await http.get<ScUser>('/api/v2/user/me/');
    } catch (e) {
      if (isReactionsError(e, 'auth'))
        throw new ReactionsError(
          'auth',
          `SelfCommunity at ${new URL(baseUrl).host} rejected the token (401). Check that it is a current access token for this community.`,
          { field: 'token' },
        );
      if (isReactionsError(e, 'not-found'))
        throw new ReactionsError(
          'invalid-input',
          `No SelfCommunity API at ${baseUrl} (/api/v2/user/me/ was not found). Check the community URL.`,
          { field: 'baseUrl' },
        );
      throw e;
    }
    if (!me || typeof me !== 'object' || me.id === undefined || me.id === null) {
      throw new ReactionsError(
        'bad-response',
        `${baseUrl} answered /api/v2/user/me/ without a user id: it does not look like a SelfCommunity community.`,
      );
    }
    const userId = String(me.id);
    const name = me.username || me.real_name || `user ${userId}`;
    return {
      id: accountId('selfcommunity', baseUrl, userId),
      service: 'selfcommunity',
      baseUrl,
      userId,
      label: `${name} @ ${new URL(baseUrl).host}`,
      email: me.email,
    };
  },

  connect(account, getToken, options) {
    return new SelfCommunityAccount(account, getToken, options);
  },
};
