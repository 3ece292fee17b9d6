/**
 * An account's listing failed: the error as a node (not a toast). Clicking it retries — or, for a
 * rejected token, opens "Update Token"; inline actions offer Retry / Update Token and Show Log.
 */
import * as vscode from 'vscode';
import type { ReactionsError } from '../../core/errors';
import type { CommandId } from '../commandIds';
import type { TreeNode } from './node';

export class ErrorNode implements TreeNode {
  readonly kind = 'error' as const;

  constructor(
    readonly accountId: string,
    readonly error: ReactionsError,
    readonly parent: TreeNode,
    /** An OAuth sign-in: a rejected token means "sign in again", not "paste a new token". */
    readonly oauth = false,
  ) {}

  get isAuth(): boolean {
    return this.error.kind === 'auth';
  }

  getTreeItem(): vscode.TreeItem {
    const auth = this.isAuth;
    const label = auth
      ? this.oauth
        ? vscode.l10n.t('The sign-in has expired — sign in again')
        : vscode.l10n.t('The token was rejected — update it')
      : vscode.l10n.t('Could not list all reactions — retry');
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `error/${this.accountId}`;
    item.description = this.error.message;
    item.iconPath = new vscode.ThemeIcon(auth ? 'key' : 'error', new vscode.ThemeColor('errorForeground'));
    const md = new vscode.MarkdownString();
    md.appendText(this.error.message);
    md.appendMarkdown('\n\n');
    md.appendText(
      auth
        ? this.oauth
          ? vscode.l10n.t('Click to sign in again in the browser.')
          : vscode.l10n.t('Click to update the token.')
        : vscode.l10n.t('Click to retry. The log has the details.'),
    );
    item.tooltip = md;
    item.accessibilityInformation = { label: `${label}: ${this.error.message}`, role: 'treeitem' };
    item.contextValue = auth ? 'error auth' : 'error';
    item.command = auth
      ? {
          command: 'reactions.updateToken' satisfies CommandId,
          title: this.oauth ? vscode.l10n.t('Sign In Again') : vscode.l10n.t('Update Token'),
          arguments: [this],
        }
      : { command: 'reactions.refresh' satisfies CommandId, title: vscode.l10n.t('Retry'), arguments: [this] };
    return item;
  }

  getChildren(): TreeNode[] {
    return [];
  }
}
