/**
 * The tree of the "My Reactions" view: account → group → reaction. Changes from the store, the listings
 * and the accounts are collected and flushed at most every ~100 ms (less often while a listing streams
 * into a tree that is costly to refresh), refreshing only the account nodes
 * that changed (the whole tree only when the root changes). It also keeps the view's badge, message
 * and the context keys in step.
 */
import * as vscode from 'vscode';
import type { Reaction } from '../../core/model';
import type { ReactionFilter } from '../../core/store';
import type { ContextKeys } from '../contextKeys';
import { serviceLabel } from '../labels';
import { AccountNode } from './accountNode';
import { MoreNode, ROWS_PER_PAGE } from './groupNode';
import type { TreeContext, TreeNode } from './node';

export const REFRESH_THROTTLE_MS = 100;
/**
 * While reactions stream in, the tree takes at most about this share of the extension host's one
 * thread: a refresh that cost 30 ms (tens of thousands of reactions, big groups the user expanded)
 * waits 300 ms before the next one, never more than MAX_STREAM_DELAY_MS. A change the user made
 * (a removal, a spinner) is never held back that long.
 */
const STREAM_SHARE = 0.1;
const MAX_STREAM_DELAY_MS = 1000;

export class ReactionsTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  private readonly accountNodes = new Map<string, AccountNode>();
  private readonly busyIds = new Set<string>();
  /** Rows shown per long group (Show More), by the "more" row's id. */
  private readonly groupRows = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private rootDirty = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDue = 0;
  /** Time spent in getChildren/getTreeItem since the last flush, and what the last refresh cost. */
  private spentMs = 0;
  private lastCostMs = 0;
  private lastRoot = '';
  private view: vscode.TreeView<TreeNode> | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private readonly ctx: TreeContext;

  constructor(
    ctx: Omit<TreeContext, 'busy'>,
    private readonly keys: ContextKeys,
  ) {
    this.ctx = { ...ctx, busy: this.busyIds, rows: this.groupRows };
    const storeSub = ctx.store.onDidChange((e) =>
      this.markDirty(e.accountIds, e.reason === 'filter', e.reason === 'add'),
    );
    this.disposables.push(
      { dispose: () => storeSub.dispose() },
      ctx.listings.onDidChange((id) => this.markDirty([id], false, this.ctx.listings.state(id).status === 'loading')),
      ctx.accounts.onDidChange(() => this.markDirty([], true)),
    );
    if (ctx.cameBack) this.disposables.push(ctx.cameBack.onDidChange((ids) => this.markDirty(ids, false)));
    this.updateViewState();
  }

  /** Connects the view (badge, message) once it is created. */
  attach(view: vscode.TreeView<TreeNode>): void {
    this.view = view;
    this.updateViewState();
  }

  // ---- TreeDataProvider ---------------------------------------------------------------------

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return this.timed(() => node.getTreeItem());
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return this.timed(() => {
      if (node) return node.getChildren();
      const roots = this.rootNodes();
      this.lastRoot = rootKey(roots);
      return roots;
    });
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    return node.resolveTreeItem?.(item) ?? item;
  }

  /**
   * The accounts, unless there is nothing to show under any of them (no reaction visible, no error):
   * then nothing, so the view's welcome content (no account / loading / nothing found / nothing
   * matches) explains why.
   */
  rootNodes(): AccountNode[] {
    const accounts = this.ctx.accounts.list();
    const known = new Set(accounts.map((a) => a.id));
    for (const id of [...this.accountNodes.keys()]) if (!known.has(id)) this.accountNodes.delete(id);
    const nodes = accounts.map((a) => {
      let n = this.accountNodes.get(a.id);
      if (!n) this.accountNodes.set(a.id, (n = new AccountNode(a, this.ctx)));
      else n.account = a;
      return n;
    });
    const anything = accounts.some(
      (a) => this.ctx.store.visibleCount(a.id) > 0 || this.ctx.listings.state(a.id).status === 'error',
    );
    return anything ? nodes : [];
  }

  accountNode(accountId: string): AccountNode | undefined {
    return this.accountNodes.get(accountId);
  }

  /** Redraws every account (the grouping, sort order or keep list changed). */
  refreshAll(): void {
    this.markDirty([], true);
  }

  /** Shows the next page of a long group's rows (its "Show more" row was chosen). */
  showMore(more: MoreNode): void {
    this.groupRows.set(more.parent.moreId, more.shown + ROWS_PER_PAGE);
    this.dirty.add(more.parent.accountId);
    this.flush();
  }

  // ---- busy markers ------------------------------------------------------------------------

  /** Marks reactions as being worked on (spinner) until the returned function is called. */
  markBusy(reactions: readonly Reaction[]): () => void {
    for (const r of reactions) this.busyIds.add(r.id);
    this.markDirty(reactions.map((r) => r.accountId));
    return () => {
      for (const r of reactions) this.busyIds.delete(r.id);
      this.markDirty(reactions.map((r) => r.accountId));
    };
  }

  // ---- change batching ---------------------------------------------------------------------

  /** `streaming`: reactions of a running listing (or its progress), which may wait for a costly tree. */
  private markDirty(accountIds: readonly string[], root = false, streaming = false): void {
    for (const id of accountIds) this.dirty.add(id);
    if (root) this.rootDirty = true;
    const delay = streaming
      ? Math.min(MAX_STREAM_DELAY_MS, Math.max(REFRESH_THROTTLE_MS, this.lastCostMs / STREAM_SHARE))
      : REFRESH_THROTTLE_MS;
    const due = performance.now() + delay;
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => this.flush(), delay);
  }

  private timed<T>(work: () => T): T {
    const started = performance.now();
    try {
      return work();
    } finally {
      this.spentMs += performance.now() - started;
    }
  }

  /** Fires the pending changes now (also used by tests through the API). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastCostMs = this.spentMs;
    this.spentMs = 0;
    const rootChanged = this.rootDirty || rootKey(this.rootNodes()) !== this.lastRoot;
    if (rootChanged) {
      this.changed.fire(undefined);
    } else {
      for (const id of this.dirty) {
        const node = this.accountNodes.get(id);
        if (node) this.changed.fire(node);
      }
    }
    this.dirty.clear();
    this.rootDirty = false;
    this.updateViewState();
  }

  /** Badge = visible reactions; message = the filter; context keys for menus and welcome content. */
  private updateViewState(): void {
    const { store, listings, accounts } = this.ctx;
    const list = accounts.list();
    this.keys.set('reactions.hasAccounts', list.length > 0);
    this.keys.set('reactions.loading', listings.busy);
    this.keys.set('reactions.filtered', store.isFiltered);
    if (!this.view) return;
    const shown = store.visibleCount();
    const total = store.count();
    // a filtered badge says so: "3 of 116 reactions match the filter", not just "3 reactions"
    const tooltip = store.isFiltered
      ? total === 1
        ? vscode.l10n.t('{0} of {1} reaction matches the filter', shown, total)
        : vscode.l10n.t('{0} of {1} reactions match the filter', shown, total)
      : shown === 1
        ? vscode.l10n.t('1 reaction')
        : vscode.l10n.t('{0} reactions', shown);
    this.view.badge = shown > 0 ? { value: shown, tooltip } : undefined;
    this.view.message = store.isFiltered ? describeFilter(store.filter, shown, store.count()) : undefined;
    this.view.description = store.isFiltered ? filterParts(store.filter).join(' · ') : undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.disposables.forEach((d) => d.dispose());
  }
}

function rootKey(nodes: readonly AccountNode[]): string {
  return nodes.map((n) => n.accountId).join('\n');
}

/** The filter in a few words: "older than 90 days", "text "x"", … (the view's description). */
export function filterParts(f: ReactionFilter): string[] {
  const parts: string[] = [];
  if (f.olderThanDays !== undefined)
    parts.push(
      f.olderThanDays === 1
        ? vscode.l10n.t('older than {0} day', f.olderThanDays)
        : vscode.l10n.t('older than {0} days', f.olderThanDays),
    );
  if (f.from && f.to) parts.push(vscode.l10n.t('{0} to {1}', f.from, f.to));
  else if (f.from) parts.push(vscode.l10n.t('since {0}', f.from));
  else if (f.to) parts.push(vscode.l10n.t('until {0}', f.to));
  if (f.text) parts.push(vscode.l10n.t('text "{0}"', f.text));
  if (f.kinds?.length) parts.push(vscode.l10n.t('reaction {0}', f.kinds.join(', ')));
  if (f.services?.length) parts.push(vscode.l10n.t('service {0}', f.services.map(serviceLabel).join(', ')));
  return parts;
}

export function describeFilter(f: ReactionFilter, shown: number, total: number): string {
  const parts = filterParts(f);
  return total === 1
    ? vscode.l10n.t('Showing {0} of {1} reaction matching {2}.', shown, total, parts.join('; '))
    : vscode.l10n.t('Showing {0} of {1} reactions matching {2}.', shown, total, parts.join('; '));
}
