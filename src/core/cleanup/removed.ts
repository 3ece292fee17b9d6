/**
 * What the journal says is removed now, and which listed reactions are among it ("came back"): the
 * reactions that are on the server again. The newest batch that removed a reaction is the one that
 * counts (a reaction removed again later is judged by that later batch). Loaded at activation (the tree
 * marks them); Verify Removals (verify.ts) loads on first use.
 */
import type { Reaction } from '../model';
import type { JournalBatch } from './journal';

/** A removed reaction as the journal knows it: the newest batch that removed it. */
export interface RemovedEntry {
  readonly reaction: Reaction;
  readonly batchId: string;
  /** ISO time of that removal. */
  readonly at: string;
}

/** Each reaction id removed and not put back since, with the newest batch that removed it. */
export function removedNow(batches: readonly JournalBatch[]): Map<string, RemovedEntry> {
  const out = new Map<string, RemovedEntry>();
  const oldestFirst = [...batches].sort((a, b) => a.at.localeCompare(b.at));
  for (const b of oldestFirst)
    for (const r of b.reactions) {
      if (b.restored[r.id]) out.delete(r.id);
      else out.set(r.id, { reaction: r, batchId: b.id, at: b.at });
    }
  return out;
}

/** The reactions among `listed` that the journal says were removed: they came back. */
export function cameBack(listed: Iterable<Reaction>, removed: ReadonlyMap<string, RemovedEntry>): Reaction[] {
  const out: Reaction[] = [];
  for (const r of listed) if (removed.has(r.id)) out.push(r);
  return out;
}
