/**
 * The one way a write is sent (a vote POST that TOGGLES, a Tines add/remove): check the cancel before
 * sending, send once and never again, and when the answer is lost or unreadable learn the outcome by
 * reading the target — or say "could not confirm" when that read fails too. The caller's cancel is not
 * passed to the write once it is sent: a write cut off midway would leave its outcome unknown (it may
 * end the write's wait for its turn: nothing was sent then).
 *
 * THE RULE — refused or lost:
 * - REFUSED: a write answered 429, or 503 with Retry-After, was turned away before the server acted on
 *   it (a rate limit is decided before the view runs: Django REST throttles, Tines' per-key limit). It
 *   is sent again after the wait the server asked for (or a back-off when it said nothing: the pace in
 *   core/http/pace.ts), however long, until it is answered or the caller cancels: `untilAccepted`. The
 *   whole operation runs again, so a SelfCommunity vote (a TOGGLE) is read first again, and sent only
 *   if the item still says so, with its current reaction.
 * - LOST: a write whose answer never came or could not be read (timeout, reset, 5xx without
 *   Retry-After, malformed body) may have been applied. It is NEVER sent again: the target is read to
 *   learn the outcome (`writeSafely`), and the next write on it waits until a late arrival would have
 *   landed (`LostAnswers`).
 */
import { sleep } from '../../async';
import { ReactionsError, cancelled, isReactionsError } from '../../errors';
import type { Logger } from '../../log';

export interface Write<A, S> {
  /** Names the write in the log: "vote on status 12", "remove_reaction on comment 7". */
  readonly name: string;
  /** What is read to learn the outcome, for the log: "item", "comment". */
  readonly subject: string;
  /** Ends "Could not confirm that …": "the removal went through", "the reaction was added". */
  readonly confirms: string;
  readonly logger: Logger;
  send(): Promise<A>;
  /** The target's state when the answer carries it; undefined: read it instead. */
  stateOf?(answer: A): S | undefined;
  /** The target's state now; undefined when the target is gone (404). */
  read(): Promise<S | undefined>;
}

export interface WriteResult<S> {
  /** The target's state after the write; undefined when the target is gone. */
  readonly state: S | undefined;
  /** Why the answer was missing, when it was (the state was then read instead). */
  readonly lost?: ReactionsError;
}

/** Errors after which the state of the target is not known (as opposed to known and not as wanted). */
const unconfirmed = new WeakSet<ReactionsError>();

/** Whether a write failed with its outcome unknown because even the read after it failed. */
export function isUnconfirmed(e: unknown): boolean {
  return isReactionsError(e) && unconfirmed.has(e);
}

export async function writeSafely<A, S>(write: Write<A, S>, signal?: AbortSignal): Promise<WriteResult<S>> {
  if (signal?.aborted) throw new ReactionsError('cancelled', 'Cancelled before anything was sent.');
  let answer: A;
  try {
    answer = await write.send();
  } catch (e) {
    if (!isReactionsError(e) || !e.outcomeUnknown) throw e;
    write.logger.warn(
      `${write.name}: outcome unknown (${e.message}); reading the ${write.subject} to find out, not resending`,
    );
    return { state: await readBack(write), lost: e };
  }
  return { state: write.stateOf?.(answer) ?? (await readBack(write)) };
}

/**
 * Runs a write operation (read first, write once, read back) again after the server REFUSED its write
 * (see the rule above), until it is answered; waits are the pace's, cancelled by `signal`. Anything
 * else (a lost answer included) ends it.
 */
export async function untilAccepted<T>(operation: () => Promise<T>, logger: Logger, signal?: AbortSignal): Promise<T> {
  for (;;) {
    try {
      return await operation();
    } catch (e) {
      if (!isReactionsError(e) || !e.refused) throw e;
      if (signal?.aborted) throw cancelled();
      logger.info(`write refused (${e.status ?? e.kind}), not applied: sending it again after the server's wait`);
    }
  }
}

/** Reads after a write; a failure here means the outcome of the write is unknown. */
async function readBack<S>(write: Write<unknown, S>): Promise<S | undefined> {
  try {
    return await write.read();
  } catch (e) {
    const unknown = new ReactionsError(
      'unknown-outcome',
      `Could not confirm that ${write.confirms}: ${(e as Error).message}. Refresh to see the current state before trying again.`,
    );
    unconfirmed.add(unknown);
    throw unknown;
  }
}

/**
 * Targets whose last write lost its answer. The next write on such a target first waits until a late
 * arrival of that write would have landed, then reads: it never acts on a state the lost write is
 * about to change (a toggle sent twice undoes itself).
 */
export class LostAnswers {
  private readonly at = new Map<string, number>();

  /** `settleMs`: how long after a lost answer the write may still land (it was sent; we stopped waiting). */
  constructor(private readonly settleMs: number) {}

  mark(key: string): void {
    this.at.set(key, Date.now());
  }

  /** Marks `key` when the write lost its answer (whether or not reading then told its outcome). */
  track<S>(key: string, write: Promise<WriteResult<S>>): Promise<WriteResult<S>> {
    return write.then(
      (result) => {
        if (result.lost) this.mark(key);
        return result;
      },
      (e) => {
        if (isUnconfirmed(e)) this.mark(key);
        throw e;
      },
    );
  }

  /** Whether the last write on `key` lost its answer and may still land. */
  pending(key: string): boolean {
    const since = this.at.get(key);
    return since !== undefined && Date.now() < since + this.settleMs;
  }

  /** Waits out the rest of the settle time of `key`, if its last write lost its answer. */
  async settle(key: string, signal?: AbortSignal): Promise<void> {
    const since = this.at.get(key);
    if (since === undefined) return;
    const wait = since + this.settleMs - Date.now();
    if (wait > 0) await sleep(wait, signal);
    this.at.delete(key);
  }
}
