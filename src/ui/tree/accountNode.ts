/**
 * One account: description = how many reactions (and "x of y" when filtered, "412 found · 38% · ~1 min
 * left" while listing, "partial — cancelled" after a listing stopped early, "cached 5 min ago" while it
 * shows the cache of an earlier session); the tooltip has the listing's per-type breakdown; children = an error
 * node when the last listing failed, then the groups. The provider keeps one instance per account so
 * it can refresh exactly this node when its reactions change.
 */
import * as vscode from 'vscode';
import type { Account } from '../../core/model';
import { provider } from '../../core/services/registry';
import { timeAgo } from '../dates';
import { serviceIcon } from '../labels';
import { partialText, partialTooltip, progressLines, progressText } from '../scanProgress';
import { ErrorNode } from './errorNode';
import { accountGroups } from './timeGroupNode';
import { MessageNode } from './messageNode';
import type { TreeContext, TreeNode } from './node';

export class AccountNode implements TreeNode {
  readonly kind = 'account' as const;
  readonly parent = undefined;

  constructor(
    public account: Account,
    private readonly ctx: TreeContext,
  ) {}

  static treeId(accountId: string): string {
    return `account/${accountId}`;
  }

  get accountId(): string {
    return this.account.id;
  }

  /** Visible (filtered) reactions of this account. */
  get reactions() {
    return this.ctx.store.visible(this.account.id);
  }

  getTreeItem(): vscode.TreeItem {
    const { store, listings } = this.ctx;
    const id = this.account.id;
    const state = listings.state(id);
    const total = store.count(id);
    const shown = store.visibleCount(id);
    const service = provider(this.account.service).label;
    // the service first: "alice @ host" and "Alice Martin @ host" alone do not say which is which
    const item = new vscode.TreeItem(`${service}: ${this.account.label}`, vscode.TreeItemCollapsibleState.Expanded);
    item.id = AccountNode.treeId(id);
    const counts = store.isFiltered ? vscode.l10n.t('{0} of {1}', shown, total) : String(total);
    const progress = state.status === 'loading' ? listings.progress(id) : undefined;
    item.description = progress
      ? store.isFiltered
        ? vscode.l10n.t('{0} shown · {1}', shown, progressText(progress))
        : progressText(progress)
      : state.status === 'loading'
        ? vscode.l10n.t('{0} · loading…', counts)
        : state.notRefreshed
          ? vscode.l10n.t('{0} · not refreshed: {1}', counts, state.notRefreshed.reason)
          : state.status === 'error'
            ? state.partial
              ? `${counts} · ${partialText(state.partial)}` // stopped early, kept what it had
              : vscode.l10n.t('{0} · error', counts)
            : state.partial
              ? `${counts} · ${partialText(state.partial)}`
              : state.cachedAt
                ? vscode.l10n.t('{0} · cached {1}', counts, timeAgo(state.cachedAt))
                : counts;
    item.iconPath =
      state.status === 'loading'
        ? new vscode.ThemeIcon('loading~spin')
        : state.status === 'error'
          ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
          : serviceIcon(this.account.service);
    const md = new vscode.MarkdownString();
    md.appendMarkdown('**');
    md.appendText(this.account.label);
    md.appendMarkdown('**\n\n');
    md.appendText(`${service} · ${this.account.baseUrl}`);
    md.appendMarkdown('\n\n');
    md.appendText(
      store.isFiltered
        ? total === 1
          ? vscode.l10n.t('{0} of {1} reaction matches the filter', shown, total)
          : vscode.l10n.t('{0} of {1} reactions match the filter', shown, total)
        : total === 1
          ? vscode.l10n.t('1 reaction')
          : vscode.l10n.t('{0} reactions', total),
    );
    if (progress) {
      md.appendMarkdown('\n\n');
      md.appendText(progressText(progress));
      for (const line of progressLines(progress)) {
        md.appendMarkdown('  \n');
        md.appendText(line);
      }
      md.appendMarkdown('\n\n');
    }
    if (state.notRefreshed && !progress) {
      md.appendMarkdown('\n\n');
      md.appendText(
        vscode.l10n.t(
          'Not refreshed: the Full Rescan stopped at {0} ({1}). The list from before it is shown; Remove All and Clean Up work on it.',
          state.notRefreshed.at.toLocaleTimeString(vscode.env.language),
          state.notRefreshed.reason,
        ),
      );
      md.appendMarkdown('\n\n');
    }
    if (state.partial && !progress) {
      md.appendMarkdown('\n\n');
      md.appendText(partialTooltip(state.partial));
      md.appendMarkdown('\n\n');
    }
    const back = this.ctx.cameBack?.count(id) ?? 0;
    if (back) {
      md.appendMarkdown('\n\n');
      md.appendText(
        back === 1
          ? vscode.l10n.t('1 removed reaction came back (Remove Again on the account takes it off)')
          : vscode.l10n.t('{0} removed reactions came back (Remove Again on the account takes them off)', back),
      );
      md.appendMarkdown('\n\n');
    }
    if (state.finishedAt) {
      md.appendMarkdown('  \n');
      md.appendText(vscode.l10n.t('Last listed {0}', state.finishedAt.toLocaleString(vscode.env.language)));
    }
    if (state.cachedAt) {
      md.appendMarkdown('  \n');
      md.appendText(
        state.cachedPartial
          ? vscode.l10n.t(
              'Shown from the cache of {0} (an unfinished listing; Full Rescan lists everything)',
              state.cachedAt.toLocaleString(vscode.env.language),
            )
          : vscode.l10n.t('Shown from the cache of {0}', state.cachedAt.toLocaleString(vscode.env.language)),
      );
    }
    item.tooltip = md;
    const spokenState = progress
      ? vscode.l10n.t(', loading, {0}', progressText(progress))
      : state.status === 'loading'
        ? vscode.l10n.t(', loading')
        : state.notRefreshed
          ? vscode.l10n.t(', not refreshed: {0}', state.notRefreshed.reason)
          : state.partial
            ? `, ${partialText(state.partial)}`
            : state.cachedAt && state.status !== 'error'
              ? vscode.l10n.t(', cached {0}', timeAgo(state.cachedAt))
              : '';
    item.accessibilityInformation = {
      label:
        shown === 1
          ? vscode.l10n.t('{0} account {1}, {2} reaction{3}', service, this.account.label, shown, spokenState)
          : vscode.l10n.t('{0} account {1}, {2} reactions{3}', service, this.account.label, shown, spokenState),
      role: 'treeitem',
    };
    const tokens = ['account', `service:${this.account.service}`, `state:${state.status}`];
    if (shown > 0) tokens.push('hasReactions');
    if (state.cachedAt) tokens.push('cached');
    if (listings.isLoading(id)) tokens.push('listing');
    if (state.partial) tokens.push('partial');
    if (back) tokens.push('hasCameBack');
    if (state.notRefreshed) tokens.push('notRefreshed');
    item.contextValue = tokens.join(' ');
    return item;
  }

  getChildren(): TreeNode[] {
    const { store, listings } = this.ctx;
    const state = listings.state(this.account.id);
    const children: TreeNode[] = [];
    if (state.status === 'error' && state.error)
      children.push(new ErrorNode(this.account.id, state.error, this, !!this.account.oauthClientId));
    const groups = accountGroups(this.account.id, this, this.ctx);
    children.push(...groups);
    if (groups.length === 0 && state.status !== 'error') {
      const id = `message/${this.account.id}`;
      if (state.status === 'loading' || (state.status === 'idle' && !state.cachedAt)) {
        children.push(new MessageNode(id, vscode.l10n.t('Looking for your reactions…'), 'loading~spin', this));
      } else if (store.isFiltered && store.count(this.account.id) > 0) {
        children.push(new MessageNode(id, vscode.l10n.t('No reactions match the filter'), 'filter', this));
      } else {
        children.push(new MessageNode(id, vscode.l10n.t('No reactions found'), 'info', this));
      }
    }
    return children;
  }
}
