/**
 * Removing, putting back and changing a Tines reaction (`remove_reaction` / `add_reaction` on a comment).
 * Each write is sent once (`writeSafely`); a change adds the new reaction before removing the old one,
 * so a half-done change leaves both, never none.
 */
import { KeyedLock } from '../../async';
import { ReactionsError, isReactionsError } from '../../errors';
import { reactionId, type Reaction, type ReactionKind, type Target } from '../../model';
import type { Connection, Writes } from '../common/account';
import { isUnconfirmed, writeSafely, type WriteResult } from '../common/safeWrite';
import type { RemoveResult } from '../service';
import { TINES_KINDS, commentPath, hasMine, myReactant, readComment, tinesKind, type TinesComment } from './comments';

type Action = 'add_reaction' | 'remove_reaction';

export class TinesReactionWrites implements Writes {
  private readonly locks = new KeyedLock();

  constructor(private readonly c: Connection) {}

  remove(reaction: Reaction, signal?: AbortSignal): Promise<RemoveResult> {
    return this.exclusive(reaction.target, () => this.removeNow(reaction, signal));
  }

  restore(reaction: Reaction, signal?: AbortSignal): Promise<Reaction> {
    return this.exclusive(reaction.target, () => this.restoreNow(reaction, signal));
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
    return this.exclusive(target, async () => {
      const now = await readComment(this.c.http, target, signal);
      if (!now)
        throw new ReactionsError(
          'not-found',
          `The comment "${target.excerpt}" or its case was deleted meanwhile. Refresh the list.`,
        );
      if (!hasMine(this.c.account, now, reaction.kind.id)) {
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
        if (isUnconfirmed(e)) {
          throw new ReactionsError(
            'unknown-outcome',
            `Added ${next.label}, but could not confirm that ${reaction.kind.label} was removed: ${(e as Error).message} The comment may show both reactions.`,
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

  private async removeNow(reaction: Reaction, signal?: AbortSignal): Promise<RemoveResult> {
    const { target, kind } = reaction;
    let result: WriteResult<TinesComment>;
    try {
      result = await this.write(target, 'remove_reaction', kind.id, signal);
    } catch (e) {
      if (isReactionsError(e, 'not-found') && !(await readComment(this.c.http, target, signal)))
        return { outcome: 'target-deleted', reaction };
      throw e;
    }
    if (!result.state) return { outcome: 'target-deleted', reaction };
    if (hasMine(this.c.account, result.state, kind.id)) {
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
    if (result.lost) this.c.http.logger.info(`remove_reaction on comment ${target.id}: removal confirmed by reading`);
    return { outcome: 'removed', reaction };
  }

  private async restoreNow(reaction: Reaction, signal?: AbortSignal): Promise<Reaction> {
    const { target, kind } = reaction;
    const result = await this.write(target, 'add_reaction', kind.id, signal).catch((e) => {
      if (isReactionsError(e, 'not-found')) throw deleted(target);
      throw e;
    });
    const after = result.state;
    if (!after) throw deleted(target);
    if (!hasMine(this.c.account, after, kind.id)) {
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
    if (result.lost) this.c.http.logger.info(`add_reaction on comment ${target.id}: confirmed by reading`);
    const reactant = myReactant(this.c.account, after, kind.id);
    return { ...reaction, reactedAt: reactant?.reacted_at ?? reaction.reactedAt };
  }

  /** One write (never repeated), then the comment as it is afterwards: from the answer, or read. */
  private write(
    target: Target,
    action: Action,
    value: string,
    signal?: AbortSignal,
  ): Promise<WriteResult<TinesComment>> {
    const http = this.c.http;
    return writeSafely<TinesComment | undefined, TinesComment>(
      {
        name: `${action} on comment ${target.id}`,
        subject: 'comment',
        confirms: action === 'add_reaction' ? 'the reaction was added' : 'the removal went through',
        logger: http.logger,
        send: () => http.post<TinesComment>(`${commentPath(target)}/${action}`, { json: { value } }),
        // Success without the documented body: read the comment instead.
        stateOf: (comment) =>
          comment && typeof comment === 'object' && Array.isArray(comment.reactions) ? comment : undefined,
        read: () => readComment(http, target),
      },
      signal,
    );
  }

  /** One lock per comment: writes on one comment never overlap (a change is two writes on it). */
  private exclusive<T>(target: Target, task: () => Promise<T>): Promise<T> {
    return this.locks.run(`${target.parent?.id}/${target.id}`, task);
  }
}

function deleted(target: Target): ReactionsError {
  return new ReactionsError(
    'not-found',
    `The comment "${target.excerpt}" or its case was deleted; the reaction cannot be put back. Refresh the list.`,
  );
}

/** Why the answer to a write is missing, in a few words. */
function lostWhy(e: ReactionsError): string {
  if (e.kind === 'timeout') return 'no answer in time';
  if (e.kind === 'network') return 'the connection was lost';
  if (e.kind === 'bad-response') return 'its answer was unreadable';
  return e.status ? `error ${e.status}` : 'an error';
}
