/**
 * Entry point: wires the pieces and registers every disposable. No network I/O here — listing starts
 * when the "My Reactions" view becomes visible, on Refresh, or when an account is added.
 */
import * as vscode from 'vscode';
import { ReactionStore } from './core/store';
import { AccountManager } from './ui/accounts';
import { createApi, type ReactionsExports } from './ui/api';
import * as accountCommands from './ui/commands/accounts';
import * as changeCommands from './ui/commands/change';
import * as exportCommands from './ui/commands/export';
import * as filterCommands from './ui/commands/filter';
import * as openCommands from './ui/commands/open';
import * as removeCommands from './ui/commands/remove';
import * as viewCommands from './ui/commands/view';
import { ContextKeys } from './ui/contextKeys';
import type { Deps } from './ui/deps';
import { Loader, VIEW_ID } from './ui/loader';
import { OutputLogger } from './ui/log';
import type { TreeNode } from './ui/tree/node';
import { ReactionsTreeProvider } from './ui/tree/provider';
import { UndoHistory } from './ui/undo';

export type { ReactionsApi, ReactionsExports } from './ui/api';

export function activate(context: vscode.ExtensionContext): ReactionsExports {
  const logger = new OutputLogger('Reactions');
  const keys = new ContextKeys();
  const store = new ReactionStore();
  const accounts = new AccountManager(context, logger, store);
  const loader = new Loader(accounts, store, logger);
  const undo = new UndoHistory(keys);
  const tree = new ReactionsTreeProvider({ store, accounts, loader }, keys);
  const view = vscode.window.createTreeView<TreeNode>(VIEW_ID, { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
  tree.attach(view);
  context.subscriptions.push(logger, accounts, loader, undo, tree, view, { dispose: () => store.dispose() });

  const deps: Deps = { store, accounts, loader, tree, view, logger, undo, keys };
  for (const family of [accountCommands, viewCommands, removeCommands, changeCommands, openCommands, filterCommands, exportCommands]) {
    family.register(context, deps);
  }

  // Listing starts when the view is shown (deferred so activation itself does no I/O).
  context.subscriptions.push(
    view.onDidChangeVisibility((e) => {
      if (e.visible) void loader.ensureLoaded();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('reactions')) accounts.resetClients();
    }),
  );
  if (view.visible) setTimeout(() => void loader.ensureLoaded(), 0);

  const withTestHooks =
    context.extensionMode !== vscode.ExtensionMode.Production || process.env.REACTIONS_TEST_HOOKS === '1' || !!process.env.REACTIONS_EMULATOR;
  const { api, disposable } = createApi(store, accounts, loader, tree, withTestHooks);
  context.subscriptions.push(disposable);
  logger.info(`Reactions activated (${accounts.list().length} account(s))`);
  return api;
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
