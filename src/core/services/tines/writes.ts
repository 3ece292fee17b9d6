/**
 * Removing, putting back and changing a Tines reaction (`remove_reaction` / `add_reaction` on a comment).
 * Each write is sent once (`writeSafely`); reads that guard a write are fresh (`Cache-Control: no-cache`);
 * a put-back reads first and sends nothing when the reaction is there; a change adds the new reaction
 * before removing the old one, so a half-done change leaves both, never none (and its error carries
 * both, for the tree). The first write of a key is checked: when the reactant it added or removed is
 * another user (a team or service key with someone's email), nothing more is written with it.
 */
import { KeyedLock } from '../../async';
import { ReactionsError, isReactionsError } from '../../errors';
import { reactionId, timeOf, type Reaction, type ReactionKind, type Target } from '../../model';
import type { Connection, Writes } from '../common/account';
import { LostAnswers, isUnconfirmed, writeSafely, type WriteResult } from '../common/safeWrite';
import type { RemoveResult } from '../service';
import {
  TINES_KINDS,
  commentPath,
  hasMine,
  myReactant,
  reactantsOf,
  readComment,
  tinesKind,
  type TinesComment,
} from './items';

type Action = 'add_reaction' | 'remove_reaction';

export class TinesWrites implements Writes {
  private readonly locks = new KeyedLock();
  private readonly lost: LostAnswers;
  /** A write of this key changed the account user's reactions as expected: no more identity checks. */
  private verified = false;
  /** The user this key acts as, when that is not the account's user: nothing more is written. */
  private foreign: string | undefined;

  constructor(private readonly c: Connection) {
    this.lost = new LostAnswers(c.http.options.writeSettleMs);
  }

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
        now,
      );
      try {
        await this.removeNow(reaction);
      } catch (e) {
        // Both are on the comment (or may be): the error says so and carries both, so the tree shows both.
        const present = [added, reaction];
        if (isUnconfirmed(e)) {
          throw new ReactionsError(
            'unknown-outcome',
            `Added ${next.label}, but could not confirm that ${reaction.kind.label} was removed: ${(e as Error).message} The comment may show both reactions.`,
            { present },
          );
        }
        throw new ReactionsError(
          'conflict',
          `Added ${next.label} but could not remove ${reaction.kind.label}: ${(e as Error).message} Both reactions are on the comment now; remove ${reaction.kind.label} again.`,
          { present },
        );
      }
      return added;
    });
  }

  private async removeNow(reaction: Reaction, signal?: AbortSignal): Promise<RemoveResult> {
    const { target, kind } = reaction;
    this.refuseForeign();
    // Until a write of this key was seen to act as the account's user, read first to check it after.
    let before: TinesComment | undefined;
    if (!this.verified) {
      before = await readComment(this.c.http, target, signal);
      if (!before) return { outcome: 'target-deleted', reaction };
      if (!hasMine(this.c.account, before, kind.id)) return { outcome: 'already-removed', reaction };
    }
    let result: WriteResult<TinesComment>;
    try {
      result = await this.write(target, 'remove_reaction', kind.id, signal);
    } catch (e) {
      if (isReactionsError(e, 'not-found') && !(await readComment(this.c.http, target, signal)))
        return { outcome: 'target-deleted', reaction };
      throw e;
    }
    if (!result.state) return { outcome: 'target-deleted', reaction };
    if (before) this.checkActor(before, result.state, kind.id, 'removal');
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

  /** Puts a reaction back: reads first (`before`, when the caller just read it) and sends nothing when it is there. */
  private async restoreNow(reaction: Reaction, signal?: AbortSignal, known?: TinesComment): Promise<Reaction> {
    const { target, kind } = reaction;
    this.refuseForeign();
    const before = known ?? (await readComment(this.c.http, target, signal));
    if (!before) throw deleted(target);
    const there = myReactant(this.c.account, before, kind.id);
    if (there) return { ...reaction, reactedAt: timeOf(there.reacted_at) ?? reaction.reactedAt };
    const result = await this.write(target, 'add_reaction', kind.id, signal).catch((e) => {
      if (isReactionsError(e, 'not-found')) throw deleted(target);
      throw e;
    });
    const after = result.state;
    if (!after) throw deleted(target);
    this.checkActor(before, after, kind.id, 'reaction');
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
    return { ...reaction, reactedAt: timeOf(reactant?.reacted_at) ?? reaction.reactedAt };
  }

  /**
   * After a write: the reactants it added or removed must be the account's user. Anyone else means the
   * key acts as another user (a team or service key): stop writing with it.
   */
  private checkActor(before: TinesComment, after: TinesComment, value: string, what: 'reaction' | 'removal'): void {
    if (this.verified) return;
    const was = reactantsOf(before, value);
    const now = reactantsOf(after, value);
    const changed = what === 'reaction' ? [...now].filter((u) => !was.has(u)) : [...was].filter((u) => !now.has(u));
    const me = this.c.account.userId;
    if (changed.includes(me)) this.verified = true;
    else if (changed.length) {
      this.foreign = changed[0];
      this.c.http.logger.warn(`this Tines key acts as user ${this.foreign}, not ${me}: writes stopped`);
      this.refuseForeign(what);
    }
  }

  /** Throws when this key was seen acting as another user. */
  private refuseForeign(done?: 'reaction' | 'removal'): void {
    if (this.foreign === undefined) return;
    const me = this.c.account.userId;
    throw new ReactionsError(
      'forbidden',
      `This Tines key acts as another user (id ${this.foreign}), not as you (id ${me})${done ? `: its ${done} went to that user's reactions (undo it in Tines)` : ''}. Nothing more is written with it; update the token to your Personal API key.`,
    );
  }

  /** One write (never repeated), then the comment as it is afterwards: from the answer, or read. */
  private write(
    target: Target,
    action: Action,
    value: string,
    signal?: AbortSignal,
  ): Promise<WriteResult<TinesComment>> {
    const http = this.c.http;
    const key = `${target.parent?.id}/${target.id}`;
    const write = writeSafely<TinesComment | undefined, TinesComment>(
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
    return this.lost.track(key, write);
  }

  /**
   * One lock per comment: writes on one comment never overlap (a change is two writes on it); one after
   * a lost answer waits until that write would have landed.
   */
  private exclusive<T>(target: Target, task: () => Promise<T>): Promise<T> {
    const key = `${target.parent?.id}/${target.id}`;
    return this.locks.run(key, async () => {
      await this.lost.settle(key);
      return task();
    });
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
