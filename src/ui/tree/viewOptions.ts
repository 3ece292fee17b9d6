/**
 * How the tree shows an account's reactions: grouped by where (today's Statuses / Discussions / cases)
 * or by when (This week / This month / This year / Older), newest or oldest first. The choice persists
 * in globalState and drives the context keys the view-title submenu reads.
 */
import * as vscode from 'vscode';
import type { SortOrder } from '../../core/cleanup/timeGroups';
import type { ContextKeys } from '../contextKeys';

export type GroupBy = 'where' | 'when';

export interface ViewChoice {
  readonly groupBy: GroupBy;
  readonly sort: SortOrder;
}

export const VIEW_OPTIONS_KEY = 'reactions.view.v1';

export class ViewOptions implements vscode.Disposable {
  private current: ViewChoice;
  private readonly changed = new vscode.EventEmitter<ViewChoice>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly keys: ContextKeys,
  ) {
    const saved = state.get<Partial<ViewChoice>>(VIEW_OPTIONS_KEY) ?? {};
    this.current = {
      groupBy: saved.groupBy === 'when' ? 'when' : 'where',
      sort: saved.sort === 'oldest' ? 'oldest' : 'newest',
    };
    this.updateKeys();
  }

  get groupBy(): GroupBy {
    return this.current.groupBy;
  }

  get sort(): SortOrder {
    return this.current.sort;
  }

  get choice(): ViewChoice {
    return this.current;
  }

  async set(change: Partial<ViewChoice>): Promise<ViewChoice> {
    const next = { ...this.current, ...change };
    if (next.groupBy === this.current.groupBy && next.sort === this.current.sort) return this.current;
    this.current = next;
    this.updateKeys();
    await this.state.update(VIEW_OPTIONS_KEY, next);
    this.changed.fire(next);
    return next;
  }

  private updateKeys(): void {
    this.keys.set('reactions.groupByWhen', this.current.groupBy === 'when');
    this.keys.set('reactions.sortOldest', this.current.sort === 'oldest');
  }

  dispose(): void {
    this.changed.dispose();
  }
}
