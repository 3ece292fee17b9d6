/**
 * Removing, putting back and changing a Tines reaction (`remove_reaction` / `add_reaction` on a comment).
 * Each write is sent once (`writeSafely`), alone on its comment in every window (`TargetLocks`); reads
 * that guard a write are fresh (`Cache-Control: no-cache`); a put-back reads first and sends nothing
 * when the reaction is there; a change adds the new reaction before removing the old one, so a
 * half-done change leaves both, never none (and its error carries both, for the tree). No write goes
 * out with a key not proven to act as the account's user (`KeyGate`, keyProof.ts): `proveKey` proves
 * it harmlessly first, and an unproven write the person allowed is checked after it.
 */
import { ReactionsError, isReactionsError } from '../../errors';
import { reactionId, timeOf, type Reaction, type ReactionKind, type Target } from '../../model';
import type { Connection, Writes } from '../common/account';
import { isUnconfirmed, untilAccepted, writeSafely, type WriteResult } from '../common/safeWrite';
import { TargetLocks } from '../common/targetLocks';
import type { RemoveResult } from '../service';
import {
  TINES_KINDS,
  commentPath,
  hasMine,
  myReactant,
  reactantName,
  reactantsOf,
  readComment,
  tinesKind,
  type TinesComment,
} from './items';
import { KeyGate, type KeyProof } from './keyProof';

type Action = 'add_reaction' | 'remove_reaction';

export class TinesWrites implements Writes {
  private readonly locks: TargetLocks;
  private readonly gate: KeyGate;

  constructor(private readonly c: Connection) {
    this.locks = new TargetLocks(c);
    this.gate = new KeyGate(c, c.options.keyProofs);
  }

  remove(reaction: Reaction, signal?: AbortSignal): Promise<RemoveResult> {
    return this.gate.write('removal', (check) =>
      this.exclusive(reaction.target, signal, () => this.removeNow(reaction, signal, check)),
    );
  }

  restore(reaction: Reaction, signal?: AbortSignal): Promise<Reaction> {
    return this.gate.write('reaction', (check) =>
      this.exclusive(
        reaction.target,
        signal,
        async () => (await this.restoreNow(reaction, signal, undefined, check))[0],
      ),
    );
  }

  /** Proves the key with the first of `candidates` that can do it harmlessly (see KeyGate). */
  proveKey(candidates: readonly Reaction[], signal?: AbortSignal): Promise<KeyProof> {
    return this.gate.prove(candidates, (r) =>
      this.exclusive(r.target, signal, async () => {
        const before = await readComment(this.c.http, r.target, signal);
        if (!this.gate.isHarmless(before, r.kind.id)) return undefined;
        return this.removeNow(r, signal, true, before);
      }),
    );
  }

  trustKeyOnce(): void {
    this.gate.trustOnce();
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
    return this.gate.write('reaction', (check) =>
      this.exclusive(target, signal, async () => {
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
        const [added, after] = await this.restoreNow(
          { ...reaction, id: reactionId(reaction.accountId, target, next), kind: next },
          signal,
          now,
          check,
        );
        try {
          await this.removeNow(reaction, undefined, false, after);
        } catch (e) {
          // Refused (429): the whole change runs again after the wait; it finds the new reaction there.
          if (isReactionsError(e) && e.refused) throw e;
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
      }),
    );
  }

  /** `check`: the key is not proven; read first and check the write after (KeyGate). */
  private async removeNow(
    reaction: Reaction,
    signal: AbortSignal | undefined,
    check: boolean,
    known?: TinesComment,
  ): Promise<RemoveResult> {
    const { target, kind } = reaction;
    // Read first, under the comment's lock: a removal another window just made is "already removed", not a second write.
    const before = known ?? (await readComment(this.c.http, target, signal));
    if (!before) return { outcome: 'target-deleted', reaction };
    if (!hasMine(this.c.account, before, kind.id)) return { outcome: 'already-removed', reaction };
    let result: WriteResult<TinesComment>;
    try {
      result = await this.write(target, 'remove_reaction', kind.id, signal);
    } catch (e) {
      if (isReactionsError(e, 'not-found') && !(await readComment(this.c.http, target, signal)))
        return { outcome: 'target-deleted', reaction };
      throw e;
    }
    if (!result.state) return { outcome: 'target-deleted', reaction };
    if (check) await this.check(reaction, before, result, 'removal');
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

  /**
   * Puts a reaction back: reads first (`known`, when the caller just read it) and sends nothing when it
   * is there. Returns the reaction as it now is, and the comment.
   */
  private async restoreNow(
    reaction: Reaction,
    signal: AbortSignal | undefined,
    known: TinesComment | undefined,
    check: boolean,
  ): Promise<[Reaction, TinesComment]> {
    const { target, kind } = reaction;
    const before = known ?? (await readComment(this.c.http, target, signal));
    if (!before) throw deleted(target);
    const there = myReactant(this.c.account, before, kind.id);
    if (there) return [{ ...reaction, reactedAt: timeOf(there.reacted_at) ?? reaction.reactedAt }, before];
    const result = await this.write(target, 'add_reaction', kind.id, signal).catch((e) => {
      if (isReactionsError(e, 'not-found')) throw deleted(target);
      throw e;
    });
    const after = result.state;
    if (!after) throw deleted(target);
    if (check) await this.check(reaction, before, result, 'reaction');
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
    return [{ ...reaction, reactedAt: timeOf(reactant?.reacted_at) ?? reaction.reactedAt }, after];
  }

  /**
   * After an unproven write: whose reaction it changed (KeyGate.checked). A lost answer that changed
   * nothing proves nothing (the write may not have arrived): the callers then say "not confirmed".
   */
  private async check(
    reaction: Reaction,
    before: TinesComment,
    result: WriteResult<TinesComment>,
    what: 'removal' | 'reaction',
  ): Promise<void> {
    const after = result.state!;
    const was = reactantsOf(before, reaction.kind.id);
    const now = reactantsOf(after, reaction.kind.id);
    const same = was.size === now.size && [...was].every((u) => now.has(u));
    if (result.lost && same) return;
    await this.gate.checked(reaction, before, after, what, reactantName);
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
        send: () =>
          http.post<TinesComment>(`${commentPath(target)}/${action}`, { json: { value }, queueSignal: signal }),
        // Success without the documented body: read the comment instead.
        stateOf: (comment) =>
          comment && typeof comment === 'object' && Array.isArray(comment.reactions) ? comment : undefined,
        read: () => readComment(http, target),
      },
      signal,
    );
    return this.locks.lost.track(key, write);
  }

  /**
   * One lock per comment, in every window: writes on one comment never overlap (a change is two writes
   * on it); one after a lost answer waits until that write would have landed. A write the server refused
   * (429) runs the operation again after the wait.
   */
  private exclusive<T>(target: Target, signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    return this.locks.run(
      `${target.parent?.id}/${target.id}`,
      () => untilAccepted(task, this.c.http.logger, signal),
      signal,
    );
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
