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

/**
 * The account's service, wrapped so that every removal / restore shows a spinner on its item while it
 * runs, and updates the store only once the service confirmed the outcome.
 */
export function withTreeFeedback(deps: Deps, accountId: string): AccountService {
  const inner = deps.accounts.client(accountId);
  return {
    account: inner.account,
    reactionKinds: (signal) => inner.reactionKinds(signal),
    listReactions: (signal) => inner.listReactions(signal),
    get checkpoint() {
      return inner.checkpoint;
    },
    refreshReactions: (known, since, signal) => inner.refreshReactions(known, since, signal),
    change: (r, kind, signal) => inner.change(r, kind, signal),
    webUrl: (target) => inner.webUrl(target),
    remove: async (r, signal) => {
      const done = deps.tree.markBusy([r]);
      try {
        const result = await inner.remove(r, signal);
        deps.store.remove([r.id]);
        deps.logger.info(`remove ${r.id}: ${result.outcome}`);
        return result;
      } catch (e) {
        deps.logger.warn(`remove ${r.id} failed: ${errorMessage(e)}`);
        throw e;
      } finally {
        done();
      }
    },
    restore: async (r, signal) => {
      const done = deps.tree.markBusy([r]);
      try {
        const back = await inner.restore(r, signal);
        deps.store.upsert([back]);
        deps.logger.info(`restore ${r.id}: done`);
        return back;
      } catch (e) {
        deps.logger.warn(`restore ${r.id} failed: ${errorMessage(e)}`);
        throw e;
      } finally {
        done();
      }
    },
  };
}
