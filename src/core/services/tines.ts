/**
 * Tines (cases → comments → reactions). There is no "who am I" and no "my reactions" endpoint: sign-in
 * checks the key with /api/v1/info and resolves the user's numeric id from their email through
 * teams → members (or takes the id as given); listing scans cases and their comments for reactions
 * whose reactants include that id. Ids are compared as strings (samples disagree on their type).
 */
import { KeyedLock, TaskStream, whenComplete } from '../async';
import { ReactionsError, isReactionsError } from '../errors';
import { HttpClient, cleanToken, normalizeBaseUrl, type Query } from '../http';
import { accountId, excerpt, reactionId, type Account, type Reaction, type ReactionKind, type Target } from '../model';
import type {
  AccountService,
  ClientOptions,
  ReactionDelta,
  RemoveResult,
  ScanCheckpoint,
  ServiceProvider,
  SignInInput,
} from './service';

interface Meta {
  current_page?: number;
  next_page?: string | null;
  next_page_number?: number | null;
  pages?: number;
  count?: number;
}

interface TinesCase {
  case_id: number | string;
  name?: string;
  status?: string;
  url?: string;
  updated_at?: string;
}

interface TinesReactant {
  user_id: number | string;
  user_name?: string;
  reacted_at?: string;
}

interface TinesComment {
  id: number | string;
  case_id?: number | string;
  value?: string;
  created_at?: string;
  user?: { user_id?: number | string; first_name?: string; last_name?: string; email?: string };
  reactions?: Array<{ emoji?: string; reactants?: TinesReactant[] }>;
}

interface TinesMember {
  id: number | string;
  email?: string;
  first_name?: string;
  last_name?: string;
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
/** Cases come in smaller pages: the first one arrives sooner, so comments (and results) start sooner. */
const CASES_PER_PAGE = 100;
/** A refresh asks for cases updated a little before the last listing started: clocks differ. */
const CLOCK_SKEW_MS = 5 * 60_000;

function valueOf(emoji: string | undefined): string {
  return (emoji ?? '').replace(/^:|:$/g, '');
}

class TinesAccount implements AccountService {
  private readonly http: HttpClient;
  private readonly locks = new KeyedLock();

  constructor(
    readonly account: Account,
    getToken: () => Promise<string> | string,
    options: ClientOptions = {},
  ) {
    this.http = new HttpClient(account.baseUrl, getToken, options);
  }

  async reactionKinds(): Promise<ReactionKind[]> {
    return [...TINES_KINDS];
  }

  checkpoint: ScanCheckpoint | undefined;

  listReactions(signal?: AbortSignal): AsyncIterable<Reaction[]> {
    const at = new Date().toISOString();
    const stream = new TaskStream<Reaction[]>(signal);
    stream.spawn((sig) =>
      scanPages<TinesCase>(this.http, stream, '/api/v2/cases', 'cases', { per_page: CASES_PER_PAGE }, sig, (cases) => {
        for (const c of cases) {
          stream.spawn((s) =>
            scanPages<TinesComment>(this.http, stream, this.commentsPath(c), 'comments', {}, s, (comments) => {
              const found = comments.flatMap((comment) => this.mine(c, comment));
              if (found.length) stream.push(found);
            }),
          );
        }
      }),
    );
    return whenComplete(stream, () => (this.checkpoint = { service: 'tines', at }));
  }

  /**
   * Only the cases updated since the checkpoint (`filters[updated_at_start_date]`, with a margin for
   * clock skew), then all comments of each: their reactions replace what was known for that case.
   * Adding or removing a reaction updates the case, so both are seen. Not seen: a case that was
   * deleted or that this key can no longer see (Full Rescan drops those).
   */
  refreshReactions(
    known: readonly Reaction[],
    since: ScanCheckpoint,
    signal?: AbortSignal,
  ): AsyncIterable<ReactionDelta> {
    const at = new Date().toISOString();
    const from = new Date(Date.parse(since.at) - CLOCK_SKEW_MS).toISOString();
    const byCase = new Map<string, Reaction[]>();
    for (const r of known) {
      const caseId = r.target.parent?.id;
      if (caseId) byCase.set(caseId, [...(byCase.get(caseId) ?? []), r]);
    }
    const stream = new TaskStream<ReactionDelta>(signal);
    stream.spawn((sig) =>
      scanPages<TinesCase>(
        this.http,
        stream,
        '/api/v2/cases',
        'cases',
        { 'filters[updated_at_start_date]': from },
        sig,
        (cases) => {
          for (const c of cases) {
            stream.spawn(async (s) => {
              const found: Reaction[] = [];
              await scanPages<TinesComment>(
                this.http,
                undefined,
                this.commentsPath(c),
                'comments',
                {},
                s,
                (comments) => {
                  for (const comment of comments) found.push(...this.mine(c, comment));
                },
              );
              const ids = new Set(found.map((r) => r.id));
              const gone = (byCase.get(String(c.case_id)) ?? []).filter((r) => !ids.has(r.id)).map((r) => r.id);
              if (found.length || gone.length) stream.push({ upsert: found, remove: gone });
            });
          }
        },
      ),
    );
    return whenComplete(stream, () => (this.checkpoint = { service: 'tines', at }));
  }

  private commentsPath(c: TinesCase): string {
    return `/api/v2/cases/${encodeURIComponent(String(c.case_id))}/comments`;
  }

  /** The signed-in user's reactions on one comment. */
  private mine(c: TinesCase, comment: TinesComment): Reaction[] {
    const me = this.account.userId;
    const out: Reaction[] = [];
    for (const r of comment.reactions ?? []) {
      const reactant = (r.reactants ?? []).find((x) => String(x.user_id) === me);
      if (!reactant) continue;
      const target = this.target(c, comment);
      const kind = tinesKind(valueOf(r.emoji));
      out.push({
        id: reactionId(this.account.id, target, kind),
        accountId: this.account.id,
        target,
        kind,
        reactedAt: reactant.reacted_at,
      });
    }
    return out;
  }

  private target(c: TinesCase, comment: TinesComment): Target {
    const caseId = String(c.case_id);
    const author = [comment.user?.first_name, comment.user?.last_name].filter(Boolean).join(' ') || comment.user?.email;
    return {
      type: 'case_comment',
      id: String(comment.id),
      parent: { type: 'case', id: caseId, title: excerpt(c.name) || `Case ${caseId}` },
      excerpt: excerpt(comment.value) || `comment #${comment.id}`,
      url: c.url && safeSameOrigin(c.url, this.account.baseUrl) ? c.url : `${this.account.baseUrl}/cases/${caseId}`,
      createdAt: comment.created_at,
      author,
    };
  }

  webUrl(target: Target): string | undefined {
    return target.url ?? (target.parent ? `${this.account.baseUrl}/cases/${target.parent.id}` : undefined);
  }

  private commentPath(target: Target): string {
    if (target.type !== 'case_comment' || !target.parent)
      throw new ReactionsError('invalid-input', 'Not a Tines case comment.');
    return `/api/v2/cases/${encodeURIComponent(target.parent.id)}/comments/${encodeURIComponent(target.id)}`;
  }

  private hasMine(comment: TinesComment | undefined, value: string): boolean {
    const me = this.account.userId;
    return !!comment?.reactions?.some(
      (r) => valueOf(r.emoji) === value && (r.reactants ?? []).some((x) => String(x.user_id) === me),
    );
  }

  /**
   * Sends one write and returns the comment as it is afterwards (`undefined`: the comment or its case is
   * gone). A write whose outcome is unknown (timeout, reset, 5xx, an unreadable answer) is resolved by
   * reading the comment, never by sending it again; `lost` then says why the answer was missing. The
   * caller's cancel is checked before sending but not passed on: a write cut off midway has an unknown outcome.
   */
  private async write(
    target: Target,
    action: 'add_reaction' | 'remove_reaction',
    value: string,
    signal?: AbortSignal,
  ): Promise<{ comment: TinesComment | undefined; lost?: ReactionsError }> {
    if (signal?.aborted) throw new ReactionsError('cancelled', 'Cancelled before anything was sent.');
    let comment: TinesComment | undefined;
    try {
      comment = await this.http.post<TinesComment>(`${this.commentPath(target)}/${action}`, { json: { value } });
    } catch (e) {
      if (!isTransientWriteFailure(e)) throw e;
      this.http.logger.warn(
        `${action} on comment ${target.id}: outcome unknown (${(e as Error).message}); reading the comment to find out, not resending`,
      );
      return { comment: await this.readAfterWrite(target, action), lost: e as ReactionsError };
    }
    if (!comment || typeof comment !== 'object' || !Array.isArray(comment.reactions)) {
      // Success without the documented body: read the comment instead.
      return { comment: await this.readAfterWrite(target, action) };
    }
    return { comment };
  }

  /** Reads the comment after a write; a failure here means the outcome of the write is unknown. */
  private async readAfterWrite(
    target: Target,
    action: 'add_reaction' | 'remove_reaction',
  ): Promise<TinesComment | undefined> {
    try {
      return await this.http.get<TinesComment>(this.commentPath(target));
    } catch (e) {
      if (isReactionsError(e, 'not-found')) return undefined;
      const what = action === 'add_reaction' ? 'the reaction was added' : 'the removal went through';
      const unknown = new ReactionsError(
        'unknown-outcome',
        `Could not confirm that ${what}: ${(e as Error).message}. Refresh to see the current state before trying again.`,
      );
      stateUnknown.add(unknown);
      throw unknown;
    }
  }

  /** True when the comment (or its case) is gone. */
  private async commentGone(target: Target, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.http.get(this.commentPath(target), { signal });
      return false;
    } catch (e) {
      if (isReactionsError(e, 'not-found')) return true;
      throw e;
    }
  }

  /** One lock per comment: writes on one comment never overlap (a change is two writes on it). */
  private lockKey(target: Target): string {
    return `${target.parent?.id}/${target.id}`;
  }

  remove(reaction: Reaction, signal?: AbortSignal): Promise<RemoveResult> {
    return this.locks.run(this.lockKey(reaction.target), () => this.removeNow(reaction, signal));
  }

  private async removeNow(reaction: Reaction, signal?: AbortSignal): Promise<RemoveResult> {
    const { target, kind } = reaction;
    let result: { comment: TinesComment | undefined; lost?: ReactionsError };
    try {
      result = await this.write(target, 'remove_reaction', kind.id, signal);
    } catch (e) {
      if (isReactionsError(e, 'not-found') && (await this.commentGone(target, signal)))
        return { outcome: 'target-deleted', reaction };
      throw e;
    }
    if (!result.comment) return { outcome: 'target-deleted', reaction };
    if (this.hasMine(result.comment, kind.id)) {
      if (result.lost) {
        throw new ReactionsError(
          'unknown-outcome',
          `Tines did not confirm the removal (${lostWhy(result.lost)}), and the comment still shows your ${kind.label} reaction. Nothing else was sent; try again.`,
        );
      }
      throw new ReactionsError(
        'conflict',
        `Tines accepted the removal but the comment still shows your ${kind.label} reaction. Refresh and try again.`,
      );
    }
    if (result.lost) this.http.logger.info(`remove_reaction on comment ${target.id}: removal confirmed by reading`);
    return { outcome: 'removed', reaction };
  }

  restore(reaction: Reaction, signal?: AbortSignal): Promise<Reaction> {
    return this.locks.run(this.lockKey(reaction.target), () => this.restoreNow(reaction, signal));
  }

  private async restoreNow(reaction: Reaction, signal?: AbortSignal): Promise<Reaction> {
    const { target, kind } = reaction;
    const result = await this.write(target, 'add_reaction', kind.id, signal).catch((e) => {
      if (isReactionsError(e, 'not-found')) throw this.deleted(target);
      throw e;
    });
    const after = result.comment;
    if (!after) throw this.deleted(target);
    if (!this.hasMine(after, kind.id)) {
      if (result.lost) {
        throw new ReactionsError(
          'unknown-outcome',
          `Tines did not confirm the reaction (${lostWhy(result.lost)}), and the comment does not show your ${kind.label} reaction. Nothing else was sent; try again.`,
        );
      }
      throw new ReactionsError(
        'conflict',
        `Tines accepted the reaction but the comment does not show it. Refresh and try again.`,
      );
    }
    if (result.lost) this.http.logger.info(`add_reaction on comment ${target.id}: confirmed by reading`);
    const reactant = after.reactions
      ?.find((r) => valueOf(r.emoji) === kind.id)
      ?.reactants?.find((x) => String(x.user_id) === this.account.userId);
    return { ...reaction, reactedAt: reactant?.reacted_at ?? reaction.reactedAt };
  }

  private deleted(target: Target): ReactionsError {
    return new ReactionsError(
      'not-found',
      `The comment "${target.excerpt}" or its case was deleted; the reaction cannot be put back. Refresh the list.`,
    );
  }

  /**
   * Checks that the old reaction is still there (a change must never ADD a reaction the user removed
   * meanwhile: adding notifies people), adds the new one, then removes the old one: a half-done change
   * leaves both, never none.
   */
  async change(reaction: Reaction, kind: ReactionKind, signal?: AbortSignal): Promise<Reaction> {
    if (kind.id === reaction.kind.id) return reaction;
    if (!TINES_KINDS.some((k) => k.id === kind.id))
      throw new ReactionsError('invalid-input', `Tines has no reaction "${kind.id}".`);
    const target = reaction.target;
    const next = tinesKind(kind.id);
    return this.locks.run(this.lockKey(target), async () => {
      let now: TinesComment;
      try {
        now = await this.http.get<TinesComment>(this.commentPath(target), { signal });
      } catch (e) {
        if (isReactionsError(e, 'not-found'))
          throw new ReactionsError(
            'not-found',
            `The comment "${target.excerpt}" or its case was deleted meanwhile. Refresh the list.`,
          );
        throw e;
      }
      if (!this.hasMine(now, reaction.kind.id)) {
        throw new ReactionsError(
          'conflict',
          `Your ${reaction.kind.label} reaction on this comment was already removed; nothing was changed. Refresh the list.`,
        );
      }
      const added = await this.restoreNow(
        { ...reaction, id: reactionId(reaction.accountId, target, next), kind: next },
        signal,
      );
      try {
        await this.removeNow(reaction);
      } catch (e) {
        if (isReactionsError(e) && stateUnknown.has(e)) {
          throw new ReactionsError(
            'unknown-outcome',
            `Added ${next.label}, but could not confirm that ${reaction.kind.label} was removed: ${e.message} The comment may show both reactions.`,
          );
        }
        throw new ReactionsError(
          'conflict',
          `Added ${next.label} but could not remove ${reaction.kind.label}: ${(e as Error).message} Both reactions are on the comment now; remove ${reaction.kind.label} again.`,
        );
      }
      return added;
    });
  }
}

/** Errors after which the state of the comment is not known (as opposed to known and not as wanted). */
const stateUnknown = new WeakSet<ReactionsError>();

function isTransientWriteFailure(e: unknown): boolean {
  return (
    isReactionsError(e) &&
    (e.kind === 'timeout' || e.kind === 'network' || e.kind === 'server' || e.kind === 'bad-response')
  );
}

/** Why the answer to a write is missing, in a few words. */
function lostWhy(e: ReactionsError): string {
  if (e.kind === 'timeout') return 'no answer in time';
  if (e.kind === 'network') return 'the connection was lost';
  if (e.kind === 'bad-response') return 'its answer was unreadable';
  return e.status ? `error ${e.status}` : 'an error';
}

function safeSameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/**
 * Tines paging (`per_page`/`page` + `meta`): the first page tells `meta.pages`, the rest are fetched
 * concurrently; without it, `next_page_number` is followed. A `next_page` on another origin is refused.
 */
async function scanPages<T>(
  http: HttpClient,
  stream: TaskStream<unknown> | undefined,
  path: string,
  key: string,
  query: Query,
  signal: AbortSignal | undefined,
  onItems: (items: T[]) => void,
): Promise<void> {
  const fetchPage = async (page: number, s?: AbortSignal) => {
    const body = await http.get<Record<string, unknown> & { meta?: Meta }>(path, {
      query: { per_page: PER_PAGE, ...query, page },
      signal: s,
    });
    const items = body?.[key];
    if (!Array.isArray(items))
      throw new ReactionsError('bad-response', `Unexpected response from ${path}: no "${key}" list.`);
    if (body.meta?.next_page) http.assertSameOrigin(new URL(body.meta.next_page, http.baseUrl), '"next_page" link');
    return { items: items as T[], meta: body.meta ?? {} };
  };
  const first = await fetchPage(1, signal);
  onItems(first.items);
  const pages = first.meta.pages;
  if (typeof pages === 'number' && stream) {
    for (let p = 2; p <= pages; p++) stream.spawn(async (s) => onItems((await fetchPage(p, s)).items));
    return;
  }
  let next = first.meta.next_page_number;
  while (typeof next === 'number') {
    const page = await fetchPage(next, signal);
    onItems(page.items);
    next = page.meta.next_page_number;
  }
}

async function resolveUserId(http: HttpClient, email: string): Promise<{ id: string; name?: string } | undefined> {
  const wanted = email.trim().toLowerCase();
  const teams: Array<{ id: number | string }> = [];
  await scanPages<{ id: number | string }>(http, undefined, '/api/v1/teams', 'teams', {}, undefined, (t) =>
    teams.push(...t),
  );
  for (const team of teams) {
    let found: TinesMember | undefined;
    await scanPages<TinesMember>(
      http,
      undefined,
      `/api/v1/teams/${encodeURIComponent(String(team.id))}/members`,
      'members',
      {},
      undefined,
      (members) => {
        found ??= members.find((m) => (m.email ?? '').toLowerCase() === wanted);
      },
    );
    if (found)
      return { id: String(found.id), name: [found.first_name, found.last_name].filter(Boolean).join(' ') || undefined };
  }
  return undefined;
}

export const tines: ServiceProvider = {
  id: 'tines',
  label: 'Tines',
  needsUserHint: true,
  tokenHelp:
    'A Personal API key (Tines → your avatar → API keys). Team, tenant-owner and service keys act as a service account and cannot list your reactions.',
  exampleUrl: 'https://your-tenant-1234.tines.com',

  async signIn(input: SignInInput, options?: ClientOptions): Promise<Account> {
    const baseUrl = normalizeBaseUrl(input.baseUrl);
    const host = new URL(baseUrl).host;
    const token = cleanToken(input.token, 'API key');
    const email = input.email?.trim();
    const givenId = input.userId?.trim();
    if (!email && !givenId)
      throw new ReactionsError(
        'invalid-input',
        "Enter the email address of the key's owner (or your numeric Tines user id).",
        { field: 'email' },
      );
    if (givenId && !/^\d+$/.test(givenId))
      throw new ReactionsError('invalid-input', `"${givenId.slice(0, 40)}" is not a Tines user id (a number).`, {
        field: 'userId',
      });
    if (!givenId && email && !/^[^\s@]+@[^\s@]+$/.test(email))
      throw new ReactionsError('invalid-input', `"${email.slice(0, 80)}" is not an email address.`, {
        field: 'email',
      });

    const http = new HttpClient(baseUrl, () => token, options);
    try {
      const info = await http.get<{ stack?: unknown }>('/api/v1/info');
      if (!info || typeof info !== 'object' || !('stack' in info)) {
        throw new ReactionsError(
          'bad-response',
          `${baseUrl} answered /api/v1/info without a "stack": it does not look like a Tines tenant.`,
        );
      }
    } catch (e) {
      if (isReactionsError(e, 'auth'))
        throw new ReactionsError(
          'auth',
          `Tines at ${host} rejected the API key (401). Check that it is a current Personal API key for this tenant.`,
          { field: 'token' },
        );
      if (isReactionsError(e, 'not-found'))
        throw new ReactionsError(
          'invalid-input',
          `No Tines API at ${baseUrl} (/api/v1/info was not found). Check the tenant URL.`,
          { field: 'baseUrl' },
        );
      throw e;
    }
    let userId = givenId;
    let name: string | undefined;
    if (!userId && email) {
      let found: { id: string; name?: string } | undefined;
      try {
        found = await resolveUserId(http, email);
      } catch (e) {
        if (!isReactionsError(e, 'forbidden') && !isReactionsError(e, 'not-found')) throw e;
      }
      if (!found) {
        throw new ReactionsError(
          'invalid-input',
          `No member with the email ${email} was found in the teams this key can see. Listing your reactions needs a Personal API key (team and service keys act as a service account), or enter your numeric Tines user id instead.`,
          { field: 'email' },
        );
      }
      userId = found.id;
      name = found.name;
    }
    return {
      id: accountId('tines', baseUrl, userId!),
      service: 'tines',
      baseUrl,
      userId: userId!,
      label: `${name || email || `user ${userId}`} @ ${host}`,
      email,
    };
  },

  connect(account, getToken, options) {
    return new TinesAccount(account, getToken, options);
  },
};
