/** A line of text under an account: "Looking for your reactions…", "No reactions found". */
import * as vscode from 'vscode';
import type { TreeNode } from './node';

export class MessageNode implements TreeNode {
  readonly kind = 'message' as const;

  constructor(
    readonly id: string,
    readonly text: string,
    readonly icon: string,
    readonly parent: TreeNode,
  ) {}

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.contextValue = 'message';
    return item;
  }

  getChildren(): TreeNode[] {
    return [];
  }
}
