/**
 * - `reactions.viewOptions` — the view-title "Group and Sort…": a QuickPick with both groupings and both
 *   orders, the ones in use checked (a menu cannot show a check). Picking one runs the matching command
 *   of view.ts (`reactions.groupByWhen`, …). Returns `{ groupBy, sort }` (unchanged when dismissed).
 */
import * as vscode from 'vscode';
import type { CommandId } from '../commandIds';
import { command } from '../commandRunner';
import type { Deps } from '../deps';
import type { ViewChoice } from '../tree/viewOptions';

type ViewItem = vscode.QuickPickItem & { command: CommandId };

/** Both groupings and both orders, the current ones with a check. */
export function viewChoices(current: ViewChoice): Array<ViewItem | vscode.QuickPickItem> {
  const item = (label: string, checked: boolean, id: CommandId): ViewItem => ({
    label,
    iconPath: new vscode.ThemeIcon(checked ? 'check' : 'blank'),
    description: checked ? vscode.l10n.t('current') : undefined,
    command: id,
  });
  const separator = (label: string) => ({ label, kind: vscode.QuickPickItemKind.Separator });
  return [
    separator(vscode.l10n.t('Group')),
    item(
      vscode.l10n.t('By place (Statuses, Discussions, cases…)'),
      current.groupBy === 'where',
      'reactions.groupByWhere',
    ),
    item(
      vscode.l10n.t('By date (This week, This month, months, years)'),
      current.groupBy === 'when',
      'reactions.groupByWhen',
    ),
    separator(vscode.l10n.t('Sort')),
    item(vscode.l10n.t('Newest first'), current.sort === 'newest', 'reactions.sortNewest'),
    item(vscode.l10n.t('Oldest first'), current.sort === 'oldest', 'reactions.sortOldest'),
  ];
}

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    command(deps, 'reactions.viewOptions', async (): Promise<ViewChoice> => {
      const picked = await vscode.window.showQuickPick(viewChoices(deps.viewOptions.choice), {
        title: vscode.l10n.t('Group and Sort'),
        placeHolder: vscode.l10n.t('The current grouping and order are checked'),
      });
      if (!picked || !('command' in picked)) return deps.viewOptions.choice;
      return (
        (await vscode.commands.executeCommand<ViewChoice>((picked as ViewItem).command)) ?? deps.viewOptions.choice
      );
    }),
  );
}
