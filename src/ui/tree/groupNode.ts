/** A group under an account: SelfCommunity Statuses / Discussions / Posts / Comments, or one Tines case. */
import * as vscode from 'vscode';
import type { ReactionGroup } from '../../core/store';
import type { CommandId } from '../commandIds';
import { groupIcon, groupLabel } from '../labels';
import type { TreeContext, TreeNode } from './node';
import { ReactionNode } from './reactionNode';

/**
 * A group this big starts collapsed: expanded, every refresh of its account would build and send all
 * its rows to the view. The view keeps whatever the user chose afterwards (the id is stable).
 */
export const EXPAND_UP_TO = 200;

/**
 * An expanded group shows this many rows, then a "Show N more…" row that adds as many again. Every
 * refresh of an account sends the rows of its expanded groups to the view: 45 000 of them took the
 * extension host for seconds (and made a 350 ms block while a listing filled in 2 700).
 */
export const ROWS_PER_PAGE = 200;

export class GroupNode implements TreeNode {
  readonly kind = 'group' as const;

  constructor(
    readonly accountId: string,
    readonly group: ReactionGroup,
    readonly parent: TreeNode,
    private readonly ctx: TreeContext,
  ) {}

  static treeId(accountId: string, key: string): string {
    return `group/${accountId}/${key}`;
  }

  get reactions() {
    return this.group.reactions;
  }

  getTreeItem(): vscode.TreeItem {
    const g = this.group;
    const label = groupLabel(g.type, g.title);
    const state =
      g.reactions.length > EXPAND_UP_TO
        ? vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.Expanded;
    const item = new vscode.TreeItem(label, state);
    // Filtered, a group has its own id: VS Code opens it afresh (as `state` says) instead of keeping it
    // closed, so a match is never hidden inside a collapsed group; clearing the filter brings back the
    // expansion the user chose.
    item.id = GroupNode.treeId(this.accountId, g.key) + (this.ctx.store.isFiltered ? '/filtered' : '');
    item.description = String(g.reactions.length);
    item.iconPath = groupIcon(g.type);
    item.tooltip =
      g.reactions.length === 1
        ? vscode.l10n.t('{0}: 1 reaction', label)
        : vscode.l10n.t('{0}: {1} reactions', label, g.reactions.length);
    item.accessibilityInformation = { label: item.tooltip, role: 'treeitem' };
    item.contextValue = `group type:${g.type}`;
    return item;
  }

  /** The tree id of this group's "Show more" row. */
  get moreId(): string {
    return `more/${GroupNode.treeId(this.accountId, this.group.key)}`;
  }

  getChildren(): TreeNode[] {
    const all = this.group.reactions;
    const shown = Math.min(all.length, this.ctx.rows?.get(this.moreId) ?? ROWS_PER_PAGE);
    const rows: TreeNode[] = [];
    for (let i = 0; i < shown; i++) rows.push(new ReactionNode(all[i], this, this.ctx));
    if (shown < all.length) rows.push(new MoreNode(this, shown, all.length));
    return rows;
  }
}

/** "Show 200 more…" at the end of a long group: Enter or a click shows the next page of rows. */
export class MoreNode implements TreeNode {
  readonly kind = 'message' as const;

  constructor(
    readonly parent: GroupNode,
    readonly shown: number,
    readonly total: number,
  ) {}

  getTreeItem(): vscode.TreeItem {
    const next = Math.min(ROWS_PER_PAGE, this.total - this.shown);
    const item = new vscode.TreeItem(vscode.l10n.t('Show {0} more…', next), vscode.TreeItemCollapsibleState.None);
    item.id = this.parent.moreId;
    item.description = vscode.l10n.t('{0} of {1} shown', this.shown, this.total);
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.contextValue = 'more';
    item.accessibilityInformation = {
      label:
        next === 1
          ? vscode.l10n.t('Show {0} more reaction, {1} of {2} shown', next, this.shown, this.total)
          : vscode.l10n.t('Show {0} more reactions, {1} of {2} shown', next, this.shown, this.total),
      role: 'treeitem',
    };
    item.command = {
      command: 'reactions.showMore' satisfies CommandId,
      title: vscode.l10n.t('Show More'),
      arguments: [this],
    };
    return item;
  }

  getChildren(): TreeNode[] {
    return [];
  }
}
