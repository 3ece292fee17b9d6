/** One reaction: label = the target's excerpt, description = the reaction, tooltip resolved lazily. */
import * as vscode from 'vscode';
import type { Reaction } from '../../core/model';
import { serviceOfAccount } from '../../core/store';
import { kindIcon, kindText, serviceLabel, spokenReaction, targetTypeLabel } from '../labels';
import type { TreeContext, TreeNode } from './node';

export class ReactionNode implements TreeNode {
  readonly kind = 'reaction' as const;

  constructor(
    readonly reaction: Reaction,
    readonly parent: TreeNode,
    private readonly ctx: TreeContext,
  ) {}

  static treeId(reactionId: string): string {
    return `reaction/${reactionId}`;
  }

  getTreeItem(): vscode.TreeItem {
    const r = this.reaction;
    const busy = this.ctx.busy.has(r.id);
    const kept = !busy && !!this.ctx.keep?.has(r.id);
    const back = !busy && !!this.ctx.cameBack?.has(r.id);
    const item = new vscode.TreeItem(
      r.target.excerpt.trim() || targetTypeLabel(r.target.type),
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = ReactionNode.treeId(r.id);
    item.description = busy
      ? vscode.l10n.t('{0} · working…', kindText(r.kind))
      : back
        ? vscode.l10n.t('{0} · came back', kindText(r.kind))
        : kept
          ? vscode.l10n.t('{0} · kept', kindText(r.kind))
          : kindText(r.kind);
    item.iconPath = busy
      ? new vscode.ThemeIcon('loading~spin')
      : back
        ? new vscode.ThemeIcon('history', new vscode.ThemeColor('problemsWarningIcon.foreground'))
        : kept
          ? new vscode.ThemeIcon('pinned', new vscode.ThemeColor('charts.blue'))
          : kindIcon(r.kind);
    const spoken = spokenReaction(r);
    item.accessibilityInformation = {
      label: back
        ? vscode.l10n.t('{0}, came back after it was removed', spoken)
        : kept
          ? vscode.l10n.t('{0}, kept', spoken)
          : spoken,
      role: 'treeitem',
    };
    const tokens = ['reaction', `service:${serviceOfAccount(r.accountId)}`, `type:${r.target.type}`];
    if (busy) tokens.push('busy');
    if (kept) tokens.push('kept');
    if (back) tokens.push('cameBack');
    item.contextValue = tokens.join(' ');
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem): vscode.TreeItem {
    const r = this.reaction;
    const t = r.target;
    const account = this.ctx.accounts.get(r.accountId);
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown('**');
    md.appendText(kindText(r.kind));
    md.appendMarkdown('** ');
    md.appendText(vscode.l10n.t('on a {0}', targetTypeLabel(t.type)));
    md.appendMarkdown('\n\n');
    md.appendText(t.excerpt);
    const removedAt = this.ctx.cameBack?.removedAt(r.id);
    if (removedAt) {
      md.appendMarkdown('\n\n$(history) ');
      md.appendText(
        vscode.l10n.t(
          'Came back: removed {0}, but the server shows it again. Remove Again takes it off.',
          formatDate(Date.parse(removedAt)) ?? removedAt,
        ),
      );
    }
    md.appendMarkdown('\n\n---\n\n');
    const rows: Array<[string, string | undefined]> = [
      [vscode.l10n.t('In'), t.parent?.title],
      [vscode.l10n.t('Author'), t.author],
      [vscode.l10n.t('Posted'), formatDate(t.createdAt)],
      [vscode.l10n.t('Reacted'), formatDate(r.reactedAt)],
      [vscode.l10n.t('Service'), serviceLabel(serviceOfAccount(r.accountId))],
      [vscode.l10n.t('Account'), account?.label],
    ];
    for (const [name, value] of rows) {
      if (!value) continue;
      md.appendMarkdown(`*${name}:* `);
      md.appendText(value);
      md.appendMarkdown('  \n');
    }
    item.tooltip = md;
    return item;
  }

  getChildren(): TreeNode[] {
    return [];
  }
}

function formatDate(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toLocaleString(vscode.env.language);
}
