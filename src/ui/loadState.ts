/** What the view knows of each account's listing: its load state, and how a load was asked for. */
import type { ReactionsError } from '../core/errors';
import type { PartialListing } from '../core/progress';

export type LoadStatus = 'idle' | 'loading' | 'loaded' | 'error';

export interface AccountLoadState {
  readonly status: LoadStatus;
  /** Reactions found by the current (or last) scan. */
  readonly found: number;
  readonly error?: ReactionsError;
  readonly finishedAt?: Date;
  /** The reactions shown came from the cache saved at this time (no listing has finished since). */
  readonly cachedAt?: Date;
  /** The cached set came from a listing that did not finish (it may miss reactions). */
  readonly cachedPartial?: boolean;
  /** The last listing stopped before its end (cancelled, or a limit): what it found is shown; why. */
  readonly partial?: PartialListing;
}

export interface LoadOptions {
  /** A person asked for it (Refresh, a command): a 401 may prompt for a new token. */
  interactive?: boolean;
  /** A person started a Full Rescan: a large account also gets a cancellable notification. */
  notifyLarge?: boolean;
  /**
   * 'refresh' (default): list again; the reactions shown stay until the listing finishes and replaces them.
   * 'full': drop the account's cached set first and list from scratch (Full Rescan).
   * Both list everything for now; an incremental refresh will build on a complete cached set.
   */
  mode?: 'refresh' | 'full';
}
