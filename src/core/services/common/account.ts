/**
 * How a service's per-account client is put together: one HTTP client per account, shared by the part
 * that lists reactions and the part that writes them; the AccountService the UI sees is those two parts.
 */
import { onceUntilFailure } from '../../async';
import { HttpClient } from '../../http';
import type { Account, Reaction, Target } from '../../model';
import type { PaceView, ScanProgress } from '../../progress';
import type { AccountService, CheckResult, ClientOptions } from '../service';

/** What every per-account part of a service works with. */
export interface Connection {
  readonly account: Account;
  readonly http: HttpClient;
  /** The current token (Tines: its fingerprint tells whether this key was proven to be the user's). */
  readonly token: () => Promise<string>;
  /** Its `writeLockDir`: the lock files every window of the machine shares (TargetLocks, made by the first write). */
  readonly options: ClientOptions;
}

export function connection(
  account: Account,
  getToken: () => Promise<string> | string,
  options: ClientOptions = {},
): Connection {
  return {
    account,
    http: new HttpClient(account.baseUrl, getToken, options),
    token: async () => getToken(),
    options,
  };
}

/** The reading half of a service: the kinds, a listing, a refresh from a checkpoint. */
export type Listing = Pick<AccountService, 'reactionKinds' | 'listReactions' | 'refreshReactions' | 'checkpoint'>;

/** The writing half: remove, restore (undo), change — each safe against a lost answer. */
export type Writes = Pick<AccountService, 'remove' | 'restore' | 'change'> & {
  /** Services whose keys may act as someone else: see AccountService.keyProof. */
  proveKey?: NonNullable<AccountService['keyProof']>['proveKey'];
  trustKeyOnce?(): void;
};

/**
 * One account's service. `writes` is made on the first write (and kept: it remembers lost answers):
 * its code loads then, not when the extension activates.
 */
export function accountService(
  c: Connection,
  listing: Listing,
  makeWrites: () => Promise<Writes>,
  webUrl: (target: Target) => string | undefined,
  check: (reaction: Reaction, signal?: AbortSignal) => Promise<CheckResult>,
  /** Its keys may act as someone else (Tines): writes wait for a proof (AccountService.keyProof). */
  provesKeys = false,
): AccountService {
  const writes = onceUntilFailure(makeWrites); // a failed load: the next write tries again
  const pace = c.http.pace;
  return {
    account: c.account,
    pace,
    get checkpoint() {
      return listing.checkpoint;
    },
    reactionKinds: (signal) => listing.reactionKinds(signal),
    listReactions: (signal, progress) => following(pace, progress, listing.listReactions(signal, progress)),
    refreshReactions: (known, since, signal, progress) =>
      following(pace, progress, listing.refreshReactions(known, since, signal, progress)),
    check,
    remove: async (reaction, signal) => (await writes()).remove(reaction, signal),
    restore: async (reaction, signal) => (await writes()).restore(reaction, signal),
    change: async (reaction, kind, signal) => (await writes()).change(reaction, kind, signal),
    webUrl,
    ...(provesKeys
      ? {
          keyProof: {
            proveKey: async (candidates, signal) => {
              const w = await writes();
              return w.proveKey ? w.proveKey(candidates, signal) : { state: 'proven' };
            },
            trustKeyOnce: async () => (await writes()).trustKeyOnce?.(),
          },
        }
      : {}),
  };
}

/** Passes a listing through while its progress counts the account's waits (time left, "waiting for…"). */
async function* following<T>(pace: PaceView, progress: ScanProgress | undefined, source: AsyncIterable<T>) {
  const unfollow = progress?.follow(pace);
  try {
    yield* source;
  } finally {
    unfollow?.();
  }
}
