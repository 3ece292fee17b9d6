/**
 * What removal and undo share: the account's service wrapped so that the tree shows the work, and the
 * JSON-friendly record of a reaction that could not be removed or put back.
 */
import { isReactionsError } from '../../core/errors';
import type { Reaction } from '../../core/model';
import type { AccountService } from '../../core/services/service';
import type { Deps } from '../deps';
import { errorMessage } from '../errorMessage';

export interface Failure {
  readonly id: string;
  readonly error: string;
  readonly kind?: string;
}

export function failure(reaction: Reaction, e: unknown): Failure {
  return { id: reaction.id, error: errorMessage(e), kind: isReactionsError(e) ? e.kind : undefined };
}

/** The two writes the tree shows while they run (bulk removal and undo take no more). */
export type TreeWrites = Pick<AccountService, 'remove' | 'restore'>;

/**
 * The account's removal and restore, wrapped so that each shows a spinner on its item while it runs,
 * and updates the store only once the service confirmed the outcome.
 */
export function withTreeFeedback(deps: Deps, accountId: string): TreeWrites {
  const inner = deps.accounts.client(accountId);
  /** Runs one write with a spinner on the item; `confirmed` updates the store and names the outcome for the log. */
  const busy = async <T>(r: Reaction, what: string, write: () => Promise<T>, confirmed: (v: T) => string) => {
    const done = deps.tree.markBusy([r]);
    try {
      const value = await write();
      deps.logger.info(`${what} ${r.id}: ${confirmed(value)}`);
      return value;
    } catch (e) {
      deps.logger.warn(`${what} ${r.id} failed: ${errorMessage(e)}`);
      throw e;
    } finally {
      done();
    }
  };
  return {
    remove: (r, signal) =>
      busy(
        r,
        'remove',
        () => inner.remove(r, signal),
        (result) => {
          deps.store.remove([r.id]);
          return result.outcome;
        },
      ),
    restore: (r, signal) =>
      busy(
        r,
        'restore',
        () => inner.restore(r, signal),
        (back) => {
          deps.store.upsert([back]);
          return 'done';
        },
      ),
  };
}
