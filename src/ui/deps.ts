/** Everything a command family needs, built once in `activate()`. */
import type * as vscode from 'vscode';
import type { ReactionStore } from '../core/store';
import type { AccountManager } from './accounts';
import type { ContextKeys } from './contextKeys';
import type { ListingScheduler } from './listings';
import type { OutputLogger } from './log';
import type { TreeNode } from './tree/node';
import type { ReactionsTreeProvider } from './tree/provider';
import type { UndoHistory } from './undo';

export interface Deps {
  readonly store: ReactionStore;
  readonly accounts: AccountManager;
  readonly listings: ListingScheduler;
  readonly tree: ReactionsTreeProvider;
  readonly view: vscode.TreeView<TreeNode>;
  readonly logger: OutputLogger;
  readonly undo: UndoHistory;
  readonly keys: ContextKeys;
}
