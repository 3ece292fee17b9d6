/**
 * What every tree node is: a small object that makes its own TreeItem and children (the style of
 * GitHub Pull Requests' tree nodes). Nodes read from the shared `TreeContext`, never fetch.
 */
import type * as vscode from 'vscode';
import type { KeepList } from '../../core/cleanup/keepList';
import type { ReactionStore } from '../../core/store';
import type { AccountManager } from '../auth';
import type { ListingScheduler } from '../listings';
import type { ViewOptions } from './viewOptions';

export type NodeKind = 'account' | 'group' | 'reaction' | 'error' | 'message';

export interface TreeNode {
  readonly kind: NodeKind;
  readonly parent?: TreeNode;
  getTreeItem(): vscode.TreeItem;
  getChildren(): TreeNode[];
  /** Fills in the tooltip lazily (`resolveTreeItem`). */
  resolveTreeItem?(item: vscode.TreeItem): vscode.TreeItem;
}

/** What the nodes read: the store, the load state, the accounts, and the reactions being worked on. */
export interface TreeContext {
  readonly store: ReactionStore;
  readonly listings: ListingScheduler;
  readonly accounts: AccountManager;
  /** Reaction ids with a removal / change / undo in flight (shown with a spinner). */
  readonly busy: ReadonlySet<string>;
  /** Kept reactions show a pin. */
  readonly keep?: KeepList;
  /** How accounts group and sort their reactions (by where when absent). */
  readonly view?: ViewOptions;
  /** How many rows a long group shows, by its "Show more" row's id (ROWS_PER_PAGE when absent). */
  readonly rows?: ReadonlyMap<string, number>;
}
