/**
 * Removing, putting back and changing a SelfCommunity vote. The vote endpoint TOGGLES, so every write
 * follows the safe protocol: read the item (fresh: `Cache-Control: no-cache`), POST only when its state
 * says so and with the current reaction id, never repeat a POST, and read again to verify
 * (`writeSafely`). An item that says `voted: true` with `reaction: null` on a community that has
 * reactions gets no POST without a reaction id (that would CHANGE the vote to reaction 1): the user's
 * own entry in the item's vote list names the reaction, or the write is refused (Open in Browser).
 * After a lost answer the next write on that item waits until the lost one would have landed.
 */
import { KeyedLock } from '../../async';
import { ReactionsError } from '../../errors';
import type { Reaction, ReactionKind, Target } from '../../model';
import type { Connection, Writes } from '../common/account';
import { readPages } from '../common/pager';
import { LostAnswers, writeSafely, type WriteResult } from '../common/safeWrite';
import type { RemoveResult } from '../service';
import { itemPath, kindOf, offsetList, readItem, type ScItem, type ScReaction } from './items';

interface ScVote {
  user?: { id?: number | string };
  reaction?: ScReaction | null;
}

export class SelfCommunityWrites implements Writes {
  private readonly locks = new KeyedLock();
  private readonly lost: LostAnswers;
  private features: Promise<boolean> | undefined;

  constructor(
    private readonly c: Connection,
    /** The community's reactions catalog (empty: reactions are off, a vote is a plain upvote). */
    private readonly catalog: (signal?: AbortSignal) => Promise<ReactionKind[]>,
  ) {
    this.lost = new LostAnswers(c.http.options.writeSettleMs);
  }

  remove(reaction: Reaction, signal?: AbortSignal): Promise<RemoveResult> {
    const target = reaction.target;
    return this.exclusive(target, async () => {
      const before = await readItem(this.c.http, target, signal, true);
      if (!before) return { outcome: 'target-deleted', reaction };
      if (!before.voted) return { outcome: 'already-removed', reaction };
      const current = await this.currentKind(target, before, signal);
      const { state: after, lost } = await this.vote(target, current.id, 'removal', signal);
      if (!after) return { outcome: 'target-deleted', reaction };
      if (!after.voted) {
        if (lost) this.c.http.logger.info(`vote on ${target.type} ${target.id}: removal confirmed by reading`);
        // the kind actually removed (it may have been changed elsewhere since listing): what an undo puts back
        return {
          outcome: 'removed',
          reaction: current.id === reaction.kind.id ? reaction : { ...reaction, kind: current },
        };
      }
      throw new ReactionsError(
        lost ? 'unknown-outcome' : 'conflict',
        lost
          ? `The server did not answer the removal, and the ${target.type} still shows your ${current.label} reaction. Nothing else was sent; try again.`
          : `The ${target.type} still shows your ${current.label} reaction after the removal was accepted. Nothing else was sent; refresh and try again.`,
      );
    });
  }

  restore(reaction: Reaction, signal?: AbortSignal): Promise<Reaction> {
    const target = reaction.target;
    return this.exclusive(target, async () => {
      const before = await readItem(this.c.http, target, signal, true);
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
      const { state: after, lost } = await this.vote(target, reaction.kind.id, 'undo', signal);
      if (after?.voted) return { ...reaction, kind: kindOf(after.reaction) };
      throw new ReactionsError(
        lost ? 'unknown-outcome' : 'conflict',
        `The reaction could not be put back on the ${target.type}: ${!after ? 'it was deleted' : 'it still shows no vote'}. Nothing else was sent; refresh, then try again.`,
      );
    });
  }

  change(reaction: Reaction, kind: ReactionKind, signal?: AbortSignal): Promise<Reaction> {
    const target = reaction.target;
    if (!kind.id) return Promise.reject(new ReactionsError('invalid-input', 'Pick a reaction to change to.'));
    return this.exclusive(target, async () => {
      const before = await readItem(this.c.http, target, signal, true);
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
      const current = await this.currentKind(target, before, signal);
      if (current.id === kind.id) return { ...reaction, kind: current };
      const { state: after, lost } = await this.vote(target, kind.id, 'change', signal);
      if (after?.voted && kindOf(after.reaction).id === kind.id) return { ...reaction, kind: kindOf(after.reaction) };
      const now = !after
        ? 'it was deleted'
        : after.voted
          ? `it shows ${kindOf(after.reaction).label}`
          : 'it shows no vote';
      throw new ReactionsError(
        lost ? 'unknown-outcome' : 'conflict',
        `The reaction was not changed to ${kind.label}: ${now}. Nothing else was sent; refresh to see the current state.`,
      );
    });
  }

  /** One vote POST (never repeated), then the item as it is afterwards. */
  private vote(
    target: Target,
    reaction: string,
    what: 'removal' | 'undo' | 'change',
    signal?: AbortSignal,
  ): Promise<WriteResult<ScItem>> {
    const http = this.c.http;
    const key = `${target.type}:${target.id}`;
    const write = writeSafely<unknown, ScItem>(
      {
        name: `vote on ${target.type} ${target.id}`,
        subject: 'item',
        confirms: `the ${what} went through`,
        logger: http.logger,
        send: () => http.post(`${itemPath(target)}vote/`, { query: reaction ? { reaction } : undefined }),
        read: () => readItem(http, target, undefined, true),
      },
      signal,
    );
    return this.lost.track(key, write);
  }

  /**
   * The reaction of a voted item. `reaction: null` is a plain upvote only where the community has no
   * reactions; elsewhere the item's vote list names the user's reaction, or nothing is sent.
   */
  private async currentKind(target: Target, item: ScItem, signal?: AbortSignal): Promise<ReactionKind> {
    if (item.reaction) return kindOf(item.reaction);
    const catalog = await this.catalog(signal);
    if (catalog.length === 0 || !(await this.reactionsOn(signal))) return kindOf(null);
    const me = this.c.account.userId;
    let mine: ScVote | undefined;
    const found = new AbortController();
    const stop = () => found.abort();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      await readPages<ScVote>(
        offsetList(this.c.http, `${itemPath(target)}vote/`),
        (votes) => {
          mine ??= votes.find((v) => String(v.user?.id) === me);
          if (mine) found.abort();
        },
        { signal: found.signal, maxPages: 50 },
      );
    } catch (e) {
      if (!mine) throw e;
    } finally {
      signal?.removeEventListener('abort', stop);
    }
    if (mine?.reaction) return kindOf(mine.reaction);
    throw new ReactionsError(
      'conflict',
      `The ${target.type} "${target.excerpt}" says you reacted but not with which reaction, and its list of votes does not show yours; nothing was sent (a vote without a reaction would change yours to ${catalog[0]?.label ?? 'Like'} instead of removing it). Open it in the browser to change or remove it there.`,
      { webUrl: target.url ?? `${this.c.account.baseUrl}/${target.type}/${target.id}/` },
    );
  }

  /** Whether the community has reactions on (`/api/v2/feature/` lists "reaction"); asked once per client. */
  private reactionsOn(signal?: AbortSignal): Promise<boolean> {
    this.features ??= this.c.http.get<unknown>('/api/v2/feature/', { signal }).then(
      (list) => !Array.isArray(list) || list.includes('reaction'),
      // unknown: assume reactions are on, the side on which nothing is sent without a reaction id
      () => true,
    );
    return this.features;
  }

  /** Two operations on one item never overlap; one after a lost answer waits until that write would have landed. */
  private exclusive<T>(target: Target, task: () => Promise<T>): Promise<T> {
    const key = `${target.type}:${target.id}`;
    return this.locks.run(key, async () => {
      await this.lost.settle(key);
      return task();
    });
  }
}
