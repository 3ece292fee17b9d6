/**
 * The groups under an account, as the view options ask: by where (the store's groups) or by when
 * (This week / This month / each month of this year / each earlier year / No date), newest or oldest first. A time group is a
 * GroupNode (Remove All, selection and pickers treat it like any group) with its own label and icon.
 */
import * as vscode from 'vscode';
import { sortByDate, groupByTime, type TimeGroup } from '../../core/cleanup/timeGroups';
import { monthName } from '../dates';
import { GroupNode } from './groupNode';
import type { TreeContext, TreeNode } from './node';

/** "This week", "This month", "March" (a month of this year), "2024" (an earlier year), "No date". */
export function timeGroupLabel(g: Pick<TimeGroup, 'bucket' | 'month' | 'year'>): string {
  switch (g.bucket) {
    case 'week':
      return vscode.l10n.t('This week');
    case 'month':
      return vscode.l10n.t('This month');
    case 'monthOf':
      return monthName(g.month ?? 0, g.year ?? 0, 'long', false);
    case 'year':
      return String(g.year);
    case 'undated':
      return vscode.l10n.t('No date');
  }
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
      { key: timeGroup.key, type: 'case', title: timeGroupLabel(timeGroup), reactions: timeGroup.reactions },
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
