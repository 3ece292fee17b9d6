/**
 * Entry point: wires the pieces and registers every disposable. No network I/O here — listing starts
 * when the "My Reactions" view becomes visible, on Refresh, or when an account is added. Right after
 * activation the reactions cached by the last session are read from globalStorage (no request), so
 * the view shows them at once while the listing brings them up to date.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { CacheSync, ReactionCache } from './core/cache';
import { RestoreJournal } from './core/cleanup/journal';
import { KeepList } from './core/cleanup/keepList';
import { ReceiptStore } from './core/cleanup/receiptStore';
import { ReactionStore } from './core/store';
import { AccountManager } from './ui/auth';
import { AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, SelfCommunityAuthProvider } from './ui/auth/authProvider';
import { createApi, testHooksEnabled, type ReactionsExports } from './ui/api';
import { COMMAND_FAMILIES, type CommandFamilyName } from './ui/commandIds';
import { registerLazily, type CommandFamily } from './ui/commands/lazy';
import { lastRule } from './ui/commands/lastRule';
import * as viewCommands from './ui/commands/view';
import { CameBack } from './ui/cameBack';
import { ContextKeys } from './ui/contextKeys';
import type { Deps } from './ui/deps';
import { ListingScheduler, VIEW_ID } from './ui/listings';
import { OutputLogger } from './ui/outputLogger';
import type { TreeNode } from './ui/tree/node';
import { ReactionsTreeProvider } from './ui/tree/provider';
import { ViewOptions } from './ui/tree/viewOptions';
import { stopRuns } from './ui/runs';
import { UndoHistory } from './ui/undoHistory';

export type { ReactionsApi, ReactionsExports } from './ui/api';

/** Writes the pending cache saves; deactivate() waits for it. */
let flushCache: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): ReactionsExports {
  const started = performance.now();
  let activationMs = 0;
  const logger = new OutputLogger('Reactions');
  const keys = new ContextKeys();
  const store = new ReactionStore();
  const cache: CacheSync = new CacheSync(store, new ReactionCache(context.globalStorageUri.fsPath, { logger }), {
    logger,
    isKnown: (id: string): boolean => !!accounts.get(id),
    isScanning: (id: string): boolean => listings.isLoading(id),
  });
  const accounts: AccountManager = new AccountManager(context, logger, store, Date.now, cache);
  const listings: ListingScheduler = new ListingScheduler(accounts, store, logger, cache);
  const undo = new UndoHistory(keys);
  const keep = new KeepList(context.globalState);
  const viewOptions = new ViewOptions(context.globalState, keys);
  const journal = RestoreJournal.inFolder(context.globalStorageUri.fsPath, {
    retentionDays: () => vscode.workspace.getConfiguration('reactions').get<number>('journal.retentionDays', 90),
    warn: (m) => logger.warn(m),
  });
  const cameBack = new CameBack(() => deps.journal, store, logger);
  const receipts = new ReceiptStore(path.join(context.globalStorageUri.fsPath, 'receipts'), () =>
    vscode.workspace.getConfiguration('reactions').get<number>('journal.retentionDays', 90),
  );
  const tree = new ReactionsTreeProvider({ store, accounts, listings, keep, view: viewOptions, cameBack }, keys);
  const view = vscode.window.createTreeView<TreeNode>(VIEW_ID, {
    treeDataProvider: tree,
    canSelectMany: true,
    showCollapseAll: true,
  });
  tree.attach(view);
  // The cache first: its last saves start before the rest (and the log) go away.
  context.subscriptions.push({ dispose: () => void cache.dispose() }, logger, accounts, listings, undo, tree, view, {
    dispose: () => store.dispose(),
  });
  context.subscriptions.push(viewOptions, { dispose: () => keep.dispose() }, cameBack);
  // Every listing that ends is compared with the journal: what was removed and is listed again "came back".
  context.subscriptions.push(
    listings.onDidChange((id) => {
      if (listings.state(id).status === 'loaded') void cameBack.listed(id);
    }),
  );
  flushCache = () => cache.flush();

  // OAuth: the browser comes back through the URI handler; the Accounts menu lists SelfCommunity sign-ins.
  const authProvider = new SelfCommunityAuthProvider(accounts);
  context.subscriptions.push(
    authProvider,
    vscode.window.registerUriHandler(accounts.uriHandler),
    vscode.authentication.registerAuthenticationProvider(AUTH_PROVIDER_ID, AUTH_PROVIDER_LABEL, authProvider, {
      supportsMultipleAccounts: true,
    }),
  );

  const deps: Deps = {
    store,
    accounts,
    listings,
    tree,
    view,
    logger,
    undo,
    keys,
    keep,
    journal,
    cameBack,
    receipts,
    viewOptions,
    globalState: context.globalState,
  };
  viewCommands.register(context, deps);
  // The rest load on first use (lazy.ts): activation parses only what the tree needs.
  const lazily = <M extends CommandFamily>(family: Exclude<CommandFamilyName, 'view'>, load: () => Promise<M>) =>
    registerLazily(context, deps, COMMAND_FAMILIES[family], load);
  lazily('accounts', () => import('./ui/commands/accounts'));
  lazily('remove', () => import('./ui/commands/remove'));
  lazily('undo', () => import('./ui/commands/undo'));
  lazily('change', () => import('./ui/commands/change'));
  lazily('open', () => import('./ui/commands/open'));
  lazily('filter', () => import('./ui/commands/filter'));
  lazily('export', () => import('./ui/commands/export'));
  lazily('keep', () => import('./ui/commands/keep'));
  const cleanUp = lazily('cleanUp', () => import('./ui/commands/cleanUp'));
  lazily('showRemoved', () => import('./ui/commands/showRemoved'));
  lazily('verify', () => import('./ui/commands/verify'));
  lazily('receipt', () => import('./ui/commands/receipt'));
  lazily('viewOptions', () => import('./ui/commands/viewOptions'));
  keys.set('reactions.hasCleanUpRule', !!lastRule(context.globalState));
  // The cache is read once activate() has returned (no request); then listing starts when the view is
  // shown (ensureLoaded waits for the cache read, so the two never race).
  void listings.startWarm().then(async () => {
    void cameBack.refresh(); // the cached reactions against the journal (a file read, no request)
    if (view.visible) keys.set('reactions.viewSeen', true);
    if (view.visible) void listings.ensureLoaded();
    // A bulk removal or Clean Up cut short last time: one notice (Resume / Show Removed), no request.
    await import('./ui/commands/interrupted')
      .then((m) => m.checkInterrupted(deps))
      .catch((e: unknown) => logger.warn(`interrupted-run check failed: ${String(e)}`));
    if (vscode.workspace.getConfiguration('reactions').get<boolean>('cleanUp.notifyOnStartup', false))
      await cleanUp
        .load()
        .then((m) => m.checkOnStartup(deps))
        .catch((e: unknown) => logger.warn(`clean-up check on startup failed: ${String(e)}`));
  });
  context.subscriptions.push(
    view.onDidChangeVisibility((e) => {
      if (e.visible) keys.set('reactions.viewSeen', true);
      if (e.visible) void listings.ensureLoaded();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('reactions')) accounts.resetClients();
    }),
  );

  const withTestHooks = testHooksEnabled(context.extensionMode);
  const { api, disposable } = createApi({
    deps,
    withTestHooks,
    cache,
    activationMs: () => activationMs,
    authProvider,
  });
  context.subscriptions.push(disposable);
  activationMs = performance.now() - started;
  logger.info(`Reactions activated in ${activationMs.toFixed(1)} ms (${accounts.list().length} account(s))`);
  return api;
}

export async function deactivate(): Promise<void> {
  // A bulk run stops starting writes and journals the ones in flight (it stays "interrupted" for the next start).
  await stopRuns();
  // Everything else is in context.subscriptions; the cache's pending saves are written first.
  await flushCache?.();
  flushCache = undefined;
}
