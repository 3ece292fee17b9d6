/**
 * The groups under an account, as the view options ask: by where (the store's groups) or by when
 * (This week / This month / This year / Older / No date), newest or oldest first. A time group is a
 * GroupNode (Remove All, selection and pickers treat it like any group) with its own label and icon.
 */
import * as vscode from 'vscode';
import { sortByDate, groupByTime, type TimeBucket, type TimeGroup } from '../../core/cleanup/timeGroups';
import { GroupNode } from './groupNode';
import type { TreeContext, TreeNode } from './node';

export function timeBucketLabel(bucket: TimeBucket): string {
  const labels: Record<TimeBucket, () => string> = {
    week: () => vscode.l10n.t('This week'),
    month: () => vscode.l10n.t('This month'),
    year: () => vscode.l10n.t('This year'),
    older: () => vscode.l10n.t('Older'),
    undated: () => vscode.l10n.t('No date'),
  };
  return labels[bucket]();
}

export class TimeGroupNode extends GroupNode {
  constructor(
    accountId: string,
    readonly timeGroup: TimeGroup,
    parent: TreeNode,
    ctx: TreeContext,
  ) {
    super(
      accountId,
      { key: timeGroup.key, type: 'case', title: timeBucketLabel(timeGroup.bucket), reactions: timeGroup.reactions },
      parent,
      ctx,
    );
  }

  override getTreeItem(): vscode.TreeItem {
    const item = super.getTreeItem();
    item.iconPath = new vscode.ThemeIcon(this.timeGroup.bucket === 'undated' ? 'question' : 'calendar');
    item.contextValue = `group when:${this.timeGroup.bucket}`;
    return item;
  }
}

/** The group nodes of one account, grouped and sorted as the view options say. */
export function accountGroups(accountId: string, parent: TreeNode, ctx: TreeContext): GroupNode[] {
  const sort = ctx.view?.sort ?? 'newest';
  if (ctx.view?.groupBy === 'when') {
    return groupByTime(ctx.store.visible(accountId), new Date(), sort).map(
      (g) => new TimeGroupNode(accountId, g, parent, ctx),
    );
  }
  return ctx.store
    .groups(accountId)
    .map(
      (g) =>
        new GroupNode(
          accountId,
          sort === 'newest' ? g : { ...g, reactions: sortByDate(g.reactions, sort) },
          parent,
          ctx,
        ),
    );
}
