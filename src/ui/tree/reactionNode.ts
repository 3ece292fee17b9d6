/**
 * One reaction: label = the reaction's kind, then the target's text without markdown (so the kind is
 * never cut off); description = a short date ("3 d", "Mar 2024"; the author too on case comments, so
 * rows with the same text can be told apart); tooltip resolved lazily with the full dates.
 */
import * as vscode from 'vscode';
import type { Reaction } from '../../core/model';
import { reactionTime } from '../../core/dates';
import { serviceOfAccount } from '../../core/store';
import { plainText } from '../../core/text';
import { fullDate, shortDate } from '../dates';
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
    const text = short(plainText(r.target.excerpt)) || targetTypeLabel(r.target.type);
    const item = new vscode.TreeItem(`${kindText(r.kind)} · ${text}`, vscode.TreeItemCollapsibleState.None);
    item.id = ReactionNode.treeId(r.id);
    const time = reactionTime(r);
    const date = time === undefined ? vscode.l10n.t('no date') : shortDate(time);
    const when = r.target.type === 'case_comment' && r.target.author ? `${date} · ${r.target.author}` : date;
    item.description = busy
      ? vscode.l10n.t('{0} · working…', when)
      : back
        ? vscode.l10n.t('{0} · came back', when)
        : kept
          ? vscode.l10n.t('{0} · kept', when)
          : when;
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
    if (this.ctx.keep?.has(r.id)) {
      md.appendMarkdown(' · $(pinned) ');
      md.appendText(vscode.l10n.t('Kept: Clean Up and Remove All leave it out.'));
    }
    md.appendMarkdown('\n\n');
    md.appendText(plainText(t.excerpt));
    const removedAt = this.ctx.cameBack?.removedAt(r.id);
    if (removedAt) {
      md.appendMarkdown('\n\n$(history) ');
      md.appendText(
        vscode.l10n.t(
          'Came back: removed {0}, but the server shows it again. Remove Again takes it off.',
          Number.isNaN(Date.parse(removedAt)) ? removedAt : fullDate(Date.parse(removedAt)),
        ),
      );
    }
    md.appendMarkdown('\n\n---\n\n');
    const rows: Array<[string, string | undefined]> = [
      [vscode.l10n.t('In'), t.parent?.title],
      [vscode.l10n.t('Author'), t.author],
      [vscode.l10n.t('Posted'), t.createdAt === undefined ? undefined : fullDate(t.createdAt)],
      [vscode.l10n.t('Reacted'), r.reactedAt === undefined ? undefined : fullDate(r.reactedAt)],
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

/** A label's text is cut short, so the date after it stays in view; the tooltip has all of it. */
const LABEL_TEXT_MAX = 40;
function short(text: string): string {
  return text.length > LABEL_TEXT_MAX ? `${text.slice(0, LABEL_TEXT_MAX - 1).trimEnd()}…` : text;
}
