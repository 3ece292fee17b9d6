/**
 * The one way a write is sent (a vote POST that TOGGLES, a Tines add/remove): check the cancel before
 * sending, send once and never again, and when the answer is lost or unreadable learn the outcome by
 * reading the target — or say "could not confirm" when that read fails too. The caller's cancel is not
 * passed to the write: a write cut off midway would leave its outcome unknown.
 */
import { sleep } from '../../async';
import { ReactionsError, isReactionsError } from '../../errors';
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
