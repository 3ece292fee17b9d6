/** Everything a command family needs, built once in `activate()`. */
import type * as vscode from 'vscode';
import type { RestoreJournal } from '../core/cleanup/journal';
import type { KeepList } from '../core/cleanup/keepList';
import type { ReactionStore } from '../core/store';
import type { AccountManager } from './auth';
import type { ContextKeys } from './contextKeys';
import type { ListingScheduler } from './listings';
import type { OutputLogger } from './outputLogger';
import type { TreeNode } from './tree/node';
import type { ReactionsTreeProvider } from './tree/provider';
import type { ViewOptions } from './tree/viewOptions';
import type { UndoHistory } from './undoHistory';

export interface Deps {
  readonly store: ReactionStore;
  readonly accounts: AccountManager;
  readonly listings: ListingScheduler;
  readonly tree: ReactionsTreeProvider;
  readonly view: vscode.TreeView<TreeNode>;
  readonly logger: OutputLogger;
  readonly undo: UndoHistory;
  readonly keys: ContextKeys;
  /** Reactions pinned against every bulk removal and clean-up. */
  readonly keep: KeepList;
  /** Every removal, for "Show Removed…" (persisted in globalStorage). */
  readonly journal: RestoreJournal;
  /** Group by where / when, newest / oldest first (persisted). */
  readonly viewOptions: ViewOptions;
  /** Where the last clean-up rule and other small choices persist (globalState). */
  readonly globalState: vscode.Memento;
}
