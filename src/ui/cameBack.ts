/**
 * Which listed reactions "came back": the journal says they were removed (and not put back since), yet a
 * listing (or Verify Removals) found them on the server again. The tree marks them, the account's tooltip
 * counts them, Show Removed names them, and Remove Again takes them off again.
 *
 * What the journal removed is read again after every change of it (`refresh`); a reaction is marked while
 * it is in the store — after Remove Again it leaves the store and the mark goes with it. A listing that
 * finds one appends a `checked` record (by `listing`) to the journal, once per reaction and removal.
 */
import * as vscode from 'vscode';
import type { RestoreJournal } from '../core/cleanup/journal';
import { cameBack, removedNow, type RemovedEntry } from '../core/cleanup/removed';
import type { Reaction } from '../core/model';
import type { ReactionStore } from '../core/store';
import type { OutputLogger } from './outputLogger';

export class CameBack implements vscode.Disposable {
  private removed = new Map<string, RemovedEntry>();
  /** `${batch}|${id}` already recorded as found by a listing. */
  private readonly recorded = new Set<string>();
  private readonly changed = new vscode.EventEmitter<string[]>();
  /** Fires with the account ids whose marks may have changed. */
  readonly onDidChange = this.changed.event;
  private loading: Promise<void> | undefined;

  constructor(
    /** The journal in use (read each time: a test hook swaps it to simulate a restart). */
    private readonly journalOf: () => RestoreJournal,
    private readonly store: ReactionStore,
    private readonly logger: OutputLogger,
  ) {}

  /** Reads the journal again (after a removal, a put-back, a check), then records what listings found. */
  refresh(): Promise<void> {
    const run = (async () => {
      const prev = this.removed;
      this.removed = removedNow(await this.journalOf().list());
      const touched = new Set<string>();
      for (const [id, e] of prev) if (!this.removed.has(id)) touched.add(e.reaction.accountId);
      for (const [id, e] of this.removed) if (!prev.has(id)) touched.add(e.reaction.accountId);
      await this.recordFound();
      if (touched.size) this.changed.fire([...touched]);
    })().catch((e: unknown) => this.logger.warn(`came-back check: ${String(e)}`));
    this.loading = run;
    return run;
  }

  /** After a listing of `accountId` ended: what it found again is recorded (the marks show at once). */
  async listed(accountId: string): Promise<void> {
    await (this.loading ?? this.refresh());
    await this.recordFound(accountId);
    this.changed.fire([accountId]);
  }

  has(id: string): boolean {
    return this.removed.has(id);
  }

  /** When the reaction was removed (ISO), for a came-back one. */
  removedAt(id: string): string | undefined {
    return this.removed.get(id)?.at;
  }

  /** The listed reactions that came back (of one account, or all). */
  reactions(accountId?: string): Reaction[] {
    const listed: Reaction[] = [];
    for (const [id, e] of this.removed) {
      if (accountId && e.reaction.accountId !== accountId) continue;
      const r = this.store.get(id);
      if (r) listed.push(r);
    }
    return cameBack(listed, this.removed);
  }

  count(accountId?: string): number {
    return this.reactions(accountId).length;
  }

  private async recordFound(accountId?: string): Promise<void> {
    const byBatch = new Map<string, Record<string, 'came-back'>>();
    for (const r of this.reactions(accountId)) {
      const e = this.removed.get(r.id)!;
      const key = `${e.batchId}|${r.id}`;
      if (this.recorded.has(key)) continue;
      this.recorded.add(key);
      byBatch.set(e.batchId, { ...byBatch.get(e.batchId), [r.id]: 'came-back' });
    }
    for (const [batch, results] of byBatch) {
      this.logger.warn(`${Object.keys(results).length} removed reaction(s) of batch ${batch} are listed again`);
      await this.journalOf().recordCheck(batch, 'listing', results);
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
