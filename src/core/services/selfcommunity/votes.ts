/**
 * Removing, putting back and changing a SelfCommunity vote. The vote endpoint TOGGLES, so every write
 * follows the safe protocol: read the item, POST only when its state says so and with the current
 * reaction id, never repeat a POST, and read again to verify (`writeSafely`).
 */
import { KeyedLock } from '../../async';
import { ReactionsError } from '../../errors';
import type { Reaction, ReactionKind, Target } from '../../model';
import type { Connection, Writes } from '../common/account';
import { writeSafely, type WriteResult } from '../common/safeWrite';
import type { RemoveResult } from '../service';
import { itemPath, kindOf, readItem, type ScItem } from './items';

export class SelfCommunityVotes implements Writes {
  private readonly locks = new KeyedLock();

  constructor(private readonly c: Connection) {}

  remove(reaction: Reaction, signal?: AbortSignal): Promise<RemoveResult> {
    const target = reaction.target;
    return this.exclusive(target, async () => {
      const before = await readItem(this.c.http, target, signal);
      if (!before) return { outcome: 'target-deleted', reaction };
      if (!before.voted) return { outcome: 'already-removed', reaction };
      const current = kindOf(before.reaction);
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
      const before = await readItem(this.c.http, target, signal);
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
      const before = await readItem(this.c.http, target, signal);
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
    return writeSafely<unknown, ScItem>(
      {
        name: `vote on ${target.type} ${target.id}`,
        subject: 'item',
        confirms: `the ${what} went through`,
        logger: http.logger,
        send: () => http.post(`${itemPath(target)}vote/`, { query: reaction ? { reaction } : undefined }),
        read: () => readItem(http, target),
      },
      signal,
    );
  }

  /** Two operations on one item never overlap. */
  private exclusive<T>(target: Target, task: () => Promise<T>): Promise<T> {
    return this.locks.run(`${target.type}:${target.id}`, task);
  }
}
