/**
 * Bulk removal and bulk restore (undo) of reactions, across accounts. Plain TypeScript, no `vscode`.
 *
 * - At most `concurrency` operations run at once (each service also bounds its own requests).
 * - Cancelling (`signal`) starts no new operation; the ones already running are NOT interrupted once
 *   their write is sent: they finish and their outcome is reported (a write cut off midway would leave
 *   its outcome unknown). One still waiting for its turn (a server's rate limit) stops: not attempted.
 * - Every input reaction ends in exactly one list of the summary, in input order; nothing is dropped.
 * - The same reaction twice in the input (same `id`) is worked on once: its later copies get the outcome
 *   of the first (a removed one counts as already removed), so no second write is ever sent for it.
 */
import { ReactionsError, isReactionsError } from './errors';
import type { Account, Reaction } from './model';
import type { AccountService, RemoveResult } from './services/service';

export const DEFAULT_BULK_CONCURRENCY = 4;

export interface BulkOptions {
  /** Operations running at once (default 4). */
  concurrency?: number;
  /** Stops starting new operations; running ones finish and are reported. */
  signal?: AbortSignal;
  /**
   * Called once per input reaction, as soon as its outcome is known (in completion order). A promise it
   * returns (a journal write) is awaited before that worker takes its next reaction.
   */
  onResult?: (result: BulkItemResult) => unknown;
  /** Awaited before a reaction's operation starts (a journal record of the write about to be sent). */
  onStart?: (reaction: Reaction) => unknown;
  /**
   * An account whose key is not proven to act as its user (Tines) and none of whose reactions here
   * can prove it harmlessly: whether to write anyway (the first write then runs alone and is checked).
   * Without it, or on false, nothing is sent for that account (its reactions fail with 'unproven-key').
   */
  confirmUnproven?: (account: Account, reactions: readonly Reaction[], what: 'removal' | 'restore') => Promise<boolean>;
}

export type BulkOutcome = RemoveResult['outcome'] | 'restored' | 'failed' | 'not-attempted';

export interface BulkItemResult {
  /** The input reaction; for `removed` and `restored`, the reaction as the service removed / now shows it. */
  readonly reaction: Reaction;
  readonly outcome: BulkOutcome;
  /** Position in the input list. */
  readonly index: number;
  /** Set when `outcome` is `failed`. */
  readonly error?: ReactionsError;
}

export interface BulkFailure {
  readonly reaction: Reaction;
  readonly error: ReactionsError;
}

/** What a bulk removal did. Every input reaction is in exactly one list. */
export interface BulkSummary {
  readonly requested: number;
  /** As the service removed them: the kind is the one the server had (what an undo must put back). */
  readonly removed: Reaction[];
  /** The service showed no such reaction any more; nothing was sent for it. */
  readonly alreadyRemoved: Reaction[];
  /** The target (item, comment, case) was deleted, and the reaction with it. */
  readonly targetDeleted: Reaction[];
  /** Still on the server (or, for kind `unknown-outcome`, not known): the error says which and why. */
  readonly failed: BulkFailure[];
  /** Not started because of the cancel; untouched. */
  readonly notAttempted: Reaction[];
  /** True when the cancel kept at least one reaction from being attempted. */
  readonly cancelled: boolean;
}

/** What a bulk restore (undo) did. Every input reaction is in exactly one list. */
export interface RestoreSummary {
  readonly requested: number;
  /** Back on the server, as the service now shows them (also when they were already there). */
  readonly restored: Reaction[];
  readonly failed: BulkFailure[];
  readonly notAttempted: Reaction[];
  readonly cancelled: boolean;
}

/** Removes reactions, each through the service of its account. Never throws for one reaction's failure. */
export async function removeMany(
  items: readonly Reaction[],
  serviceFor: (accountId: string) => Pick<AccountService, 'remove'> & KeyProving,
  options: BulkOptions = {},
): Promise<BulkSummary> {
  const removeOne = async (r: Reaction) => {
    const result = await service(serviceFor, r).remove(r, options.signal);
    // a removed reaction as the service removed it (its kind may have changed since listing): what undo puts back
    return { outcome: result.outcome, reaction: result.outcome === 'removed' ? result.reaction : r };
  };
  // A later copy of a reaction the first copy removed: it was already removed when its turn came.
  const decided = await proveKeys(items, serviceFor, options, 'removal');
  const run = await runBulk(items, options, removeOne, (o) => (o === 'removed' ? 'already-removed' : o), decided);
  const by = byOutcome(run.items);
  return {
    requested: items.length,
    removed: by.removed,
    alreadyRemoved: by['already-removed'],
    targetDeleted: by['target-deleted'],
    failed: by.failed,
    notAttempted: by['not-attempted'],
    cancelled: run.cancelled,
  };
}

/** Puts reactions back (undo of a bulk removal), each through the service of its account. */
export async function restoreMany(
  items: readonly Reaction[],
  serviceFor: (accountId: string) => Pick<AccountService, 'restore'> & KeyProving,
  options: BulkOptions = {},
): Promise<RestoreSummary> {
  const restoreOne = async (r: Reaction) => ({
    outcome: 'restored' as const,
    reaction: await service(serviceFor, r).restore(r, options.signal),
  });
  const decided = await proveKeys(items, serviceFor, options, 'restore');
  const run = await runBulk(items, options, restoreOne, (o) => o, decided);
  const by = byOutcome(run.items);
  return {
    requested: items.length,
    restored: by.restored,
    failed: by.failed,
    notAttempted: by['not-attempted'],
    cancelled: run.cancelled,
  };
}

/** The results sorted into one list per outcome (input order kept); failures with their error. */
function byOutcome(results: readonly BulkItemResult[]): Record<Exclude<BulkOutcome, 'failed'>, Reaction[]> & {
  failed: BulkFailure[];
} {
  const lists = {
    removed: [] as Reaction[],
    'already-removed': [] as Reaction[],
    'target-deleted': [] as Reaction[],
    restored: [] as Reaction[],
    'not-attempted': [] as Reaction[],
    failed: [] as BulkFailure[],
  };
  for (const x of results) {
    if (x.outcome === 'failed') lists.failed.push({ reaction: x.reaction, error: x.error! });
    else lists[x.outcome].push(x.reaction);
  }
  return lists;
}

function service<S>(serviceFor: (accountId: string) => S, r: Reaction): S {
  try {
    return serviceFor(r.accountId);
  } catch (e) {
    if (isReactionsError(e)) throw e;
    throw new ReactionsError(
      'invalid-input',
      `No signed-in account ${r.accountId} for this reaction; nothing was sent. Add the account again, then retry.`,
    );
  }
}

/** A service whose keys must be proven before they write (AccountService.keyProof), with its account. */
export type KeyProving = Partial<Pick<AccountService, 'keyProof' | 'account'>>;

interface Decided {
  outcome: BulkOutcome;
  reaction: Reaction;
  error?: ReactionsError;
}

/**
 * Before any write: each account whose key must be proven (AccountService.keyProof) proves it with one
 * of its reactions to remove — alone, so no other write of the account is in flight — or, when none
 * can, asks `confirmUnproven`. Returns the outcomes already known (the proof's own reaction).
 */
async function proveKeys(
  items: readonly Reaction[],
  serviceFor: (accountId: string) => KeyProving,
  options: BulkOptions,
  what: 'removal' | 'restore',
): Promise<Map<string, Decided>> {
  const decided = new Map<string, Decided>();
  const byAccount = new Map<string, Reaction[]>();
  for (const r of items) {
    const list = byAccount.get(r.accountId);
    if (list) list.push(r);
    else byAccount.set(r.accountId, [r]);
  }
  for (const list of byAccount.values()) {
    if (options.signal?.aborted) break;
    let s: KeyProving;
    try {
      s = service(serviceFor, list[0]);
    } catch {
      continue; // the pool reports it for each reaction
    }
    if (!s.keyProof || !s.account) continue;
    const p = await s.keyProof
      .proveKey(what === 'removal' ? list : [], options.signal)
      .catch((error: unknown) => ({ state: 'failed' as const, reaction: list[0], error }));
    if (p.state === 'proven' && p.proof) {
      const { outcome, reaction } = p.proof;
      decided.set(reaction.id, { outcome, reaction });
    } else if (p.state === 'failed' && what === 'removal') {
      decided.set(p.reaction.id, { outcome: 'failed', reaction: p.reaction, error: asReactionsError(p.error) });
    } else if (p.state === 'no-candidate' && (await options.confirmUnproven?.(s.account, list, what))) {
      await s.keyProof.trustKeyOnce();
    }
    // otherwise the writes refuse: nothing is sent for this account, and each reaction says why
  }
  return decided;
}

interface RunResult {
  /** One result per input reaction, in input order. */
  items: BulkItemResult[];
  cancelled: boolean;
}

/**
 * The worker pool both operations share. `work` runs once per distinct reaction id; `forCopy` maps the
 * outcome of the first copy to the outcome reported for later copies of the same id.
 */
async function runBulk(
  items: readonly Reaction[],
  options: BulkOptions,
  work: (reaction: Reaction) => Promise<{ outcome: BulkOutcome; reaction?: Reaction }>,
  forCopy: (outcome: BulkOutcome) => BulkOutcome,
  decided: ReadonlyMap<string, Decided> = new Map(),
): Promise<RunResult> {
  const { signal, onResult } = options;
  const limit = normaliseConcurrency(options.concurrency);
  const results: Array<BulkItemResult | undefined> = new Array(items.length);
  /** Indexes to work on (first copy of each id), and the later copies waiting for each. */
  const queue: number[] = [];
  const copies = new Map<number, number[]>();
  const firstOf = new Map<string, number>();
  items.forEach((r, i) => {
    const first = firstOf.get(r.id);
    if (first === undefined) {
      firstOf.set(r.id, i);
      queue.push(i);
    } else {
      copies.set(first, [...(copies.get(first) ?? []), i]);
    }
  });

  // A listener's bug (thrown or rejected) must not change what the bulk operation does or reports.
  const quietly = async (call: () => unknown) => {
    try {
      await call();
    } catch {
      // ignored, see above
    }
  };
  const report = (result: BulkItemResult): Promise<void> => {
    results[result.index] = result;
    return onResult ? quietly(() => onResult(result)) : Promise.resolve();
  };
  const settle = (index: number, outcome: BulkOutcome, error?: ReactionsError, reaction = items[index]) => {
    const written = [report({ reaction, outcome, index, error })];
    for (const copy of copies.get(index) ?? []) {
      const copyOutcome = outcome === 'failed' || outcome === 'not-attempted' ? outcome : forCopy(outcome);
      written.push(
        report({
          reaction: copyOutcome === 'restored' || copyOutcome === 'removed' ? reaction : items[copy],
          outcome: copyOutcome,
          index: copy,
          error,
        }),
      );
    }
    return Promise.all(written);
  };

  let cancelled = false;
  let next = 0;
  const worker = async () => {
    while (next < queue.length) {
      const index = queue[next++];
      if (signal?.aborted) {
        cancelled = true;
        await settle(index, 'not-attempted');
        continue;
      }
      const known = decided.get(items[index].id);
      if (known) {
        await settle(index, known.outcome, known.error, known.reaction);
        continue;
      }
      if (options.onStart) await quietly(() => options.onStart!(items[index]));
      let done: { outcome: BulkOutcome; reaction?: Reaction };
      try {
        done = await work(items[index]);
      } catch (e) {
        // cancelled while it waited for its turn: nothing was written (a sent write is never cut off)
        if (signal?.aborted && isReactionsError(e, 'cancelled')) {
          cancelled = true;
          await settle(index, 'not-attempted');
        } else await settle(index, 'failed', asReactionsError(e));
        continue;
      }
      await settle(index, done.outcome, undefined, done.reaction ?? items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
  return { items: results.filter((x): x is BulkItemResult => x !== undefined), cancelled };
}

function normaliseConcurrency(n: number | undefined): number {
  if (n === undefined || !Number.isFinite(n)) return DEFAULT_BULK_CONCURRENCY;
  return Math.max(1, Math.floor(n));
}

/** Errors from services are ReactionsErrors; anything else (a bug) is reported, not lost. */
function asReactionsError(e: unknown): ReactionsError {
  if (isReactionsError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new ReactionsError(
    'unknown-outcome',
    `Unexpected error (${message.slice(0, 200)}); the reaction may or may not have changed. Refresh to see the current state.`,
  );
}
