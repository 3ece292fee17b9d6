/** The last removal batch, for "Undo Last Removal" (and the "Undo" button on the result message). */
import * as vscode from 'vscode';
import type { Reaction } from '../core/model';
import type { ContextKeys } from './contextKeys';

export class UndoHistory implements vscode.Disposable {
  private last: readonly Reaction[] | undefined;
  /** Reactions put back since they were last removed: an older "Undo" button must not send them again. */
  private readonly putBack = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly keys: ContextKeys) {
    keys.set('reactions.canUndo', false);
  }

  /** Remembers a removed batch (replacing the previous one). Empty batches are ignored. */
  record(removed: readonly Reaction[]): void {
    if (removed.length === 0) return;
    for (const r of removed) this.putBack.delete(r.id);
    this.last = [...removed];
    this.update();
  }

  /** Notes reactions that were put back (by any Undo). */
  markPutBack(ids: readonly string[]): void {
    for (const id of ids) this.putBack.add(id);
  }

  /** The reactions of a batch not put back yet. */
  notPutBack(batch: readonly Reaction[]): Reaction[] {
    return batch.filter((r) => !this.putBack.has(r.id));
  }

  peek(): readonly Reaction[] | undefined {
    return this.last;
  }

  /** Forgets the given batch if it is the last one (it was undone), or everything of an account. */
  forget(batch?: readonly Reaction[], accountId?: string): void {
    if (!this.last) return;
    if (batch && this.last !== batch && !sameIds(this.last, batch)) {
      // Another batch was undone through its own message: drop those from the last one.
      const ids = new Set(batch.map((r) => r.id));
      const rest = this.last.filter((r) => !ids.has(r.id));
      this.last = rest.length ? rest : undefined;
    } else if (accountId) {
      const rest = this.last.filter((r) => r.accountId !== accountId);
      this.last = rest.length ? rest : undefined;
    } else {
      this.last = undefined;
    }
    this.update();
  }

  private update(): void {
    this.keys.set('reactions.canUndo', !!this.last?.length);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function sameIds(a: readonly Reaction[], b: readonly Reaction[]): boolean {
  return a.length === b.length && a.every((r, i) => r.id === b[i].id);
}
