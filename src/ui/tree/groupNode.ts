/** A group under an account: SelfCommunity Statuses / Discussions / Posts / Comments, or one Tines case. */
import * as vscode from 'vscode';
import type { ReactionGroup } from '../../core/store';
import { groupIcon, groupLabel } from '../labels';
import type { TreeContext, TreeNode } from './node';
import { ReactionNode } from './reactionNode';

/**
 * A group this big starts collapsed: expanded, every refresh of its account would build and send all
 * its rows to the view. The view keeps whatever the user chose afterwards (the id is stable).
 */
export const EXPAND_UP_TO = 200;

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
    item.id = GroupNode.treeId(this.accountId, g.key);
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

  getChildren(): TreeNode[] {
    return this.group.reactions.map((r) => new ReactionNode(r, this, this.ctx));
  }
}
