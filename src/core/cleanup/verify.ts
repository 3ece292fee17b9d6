/**
 * Removed stays removed — or you hear about it. Plain TypeScript, no `vscode`.
 *
 * - `cameBack` (removed.ts): what a listing found that the journal says was removed.
 * - `verifyBatches`: re-reads each removed reaction of some batches (one fresh read per reaction, never a
 *   write) and sorts them into still removed / came back / item deleted / could not check (with why);
 *   each batch's findings are appended to the journal as a `checked` record with its time.
 */
import { pool } from '../async';
import type { Reaction } from '../model';
import type { AccountService } from '../services/service';
import { DAY_MS } from '../dates';
import type { CheckSource, CheckStatus, JournalBatch, RestoreJournal } from './journal';

export { cameBack, removedNow, type RemovedEntry } from './removed';

export const CHECK_STATUSES: readonly CheckStatus[] = ['still-removed', 'came-back', 'target-deleted', 'unchecked'];

export interface VerifiedReaction {
  /** As the journal has it; for `came-back`, as the server shows it now. */
  readonly reaction: Reaction;
  readonly status: CheckStatus;
  /** Why it could not be checked. */
  readonly reason?: string;
}

export interface BatchVerification {
  readonly batch: JournalBatch;
  /** The batch's reactions that were still counted as removed (put-back ones are not checked), in order. */
  readonly items: readonly VerifiedReaction[];
  readonly counts: Readonly<Record<CheckStatus, number>>;
  /** When the check ran (ISO). */
  readonly at: string;
}

export interface VerifyOptions {
  readonly by?: CheckSource;
  readonly signal?: AbortSignal;
  /** Reads at once (default 4). */
  readonly concurrency?: number;
  /** Only these reaction ids (e.g. the ones a listing found again); default: every removed one. */
  readonly only?: ReadonlySet<string>;
  readonly now?: () => number;
}

/**
 * Re-reads the removed reactions of `batches` and records what it found in the journal (one `checked`
 * record per batch). A reaction whose account is gone, or whose read failed, is `unchecked` with why;
 * nothing is ever written to a service.
 */
export async function verifyBatches(
  batches: readonly JournalBatch[],
  serviceFor: (accountId: string) => AccountService,
  journal: RestoreJournal,
  options: VerifyOptions = {},
): Promise<BatchVerification[]> {
  const now = options.now ?? Date.now;
  const work = batches.map((batch) => ({
    batch,
    reactions: batch.reactions.filter((r) => !batch.restored[r.id] && (!options.only || options.only.has(r.id))),
    items: [] as VerifiedReaction[],
  }));
  const read = await readBack(
    work.flatMap((w) => w.reactions),
    serviceFor,
    options,
  );
  let k = 0;
  for (const w of work) for (let i = 0; i < w.reactions.length; i++) w.items.push(read[k++]);
  const at = new Date(now()).toISOString();
  const out: BatchVerification[] = [];
  for (const w of work) {
    const counts = Object.fromEntries(CHECK_STATUSES.map((s) => [s, 0])) as Record<CheckStatus, number>;
    const results: Record<string, CheckStatus> = {};
    const reasons: Record<string, string> = {};
    for (const x of w.items) {
      counts[x.status]++;
      results[x.reaction.id] = x.status;
      if (x.reason) reasons[x.reaction.id] = x.reason;
    }
    await journal.recordCheck(w.batch.id, options.by ?? 'verify', results, reasons);
    out.push({ batch: w.batch, items: w.items, counts, at });
  }
  return out;
}

/**
 * One fresh read of each reaction (never a write), in input order: `came-back` means it is on the server.
 * Verify Removals reads removed reactions with it; a put-back reads what it put back.
 */
export async function readBack(
  reactions: readonly Reaction[],
  serviceFor: (accountId: string) => AccountService,
  options: Pick<VerifyOptions, 'signal' | 'concurrency'> = {},
): Promise<VerifiedReaction[]> {
  const out: VerifiedReaction[] = new Array(reactions.length);
  let next = 0;
  await pool(Math.max(1, options.concurrency ?? 4), () => {
    const i = next++;
    if (i >= reactions.length) return undefined;
    return async () => {
      out[i] = await checkOne(reactions[i], serviceFor, options.signal);
    };
  });
  return out;
}

async function checkOne(
  r: Reaction,
  serviceFor: (accountId: string) => AccountService,
  signal: AbortSignal | undefined,
): Promise<VerifiedReaction> {
  if (signal?.aborted) return { reaction: r, status: 'unchecked', reason: 'Cancelled before it was read.' };
  let service: AccountService;
  try {
    service = serviceFor(r.accountId);
  } catch {
    return { reaction: r, status: 'unchecked', reason: 'Its account is no longer added.' };
  }
  try {
    const found = await service.check(r, signal);
    if (found.outcome === 'present') return { reaction: found.reaction, status: 'came-back' };
    return { reaction: r, status: found.outcome === 'absent' ? 'still-removed' : 'target-deleted' };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return { reaction: r, status: 'unchecked', reason: reason.slice(0, 300) };
  }
}

/** The batches removed within the last `days` days (newest first, as the journal lists them). */
export function batchesWithin(batches: readonly JournalBatch[], days: number, now = Date.now()): JournalBatch[] {
  const cutoff = now - days * DAY_MS;
  return batches.filter((b) => Date.parse(b.at) >= cutoff);
}
