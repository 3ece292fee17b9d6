/**
 * The keep list and the view's grouping.
 * - `reactions.keep` / `reactions.unkeep` — pin / unpin reactions: kept ones show a pin and are left out
 *   of every bulk removal and clean-up. args: tree node (+ selection) | `{ reactionIds }` | `{ reactionId }`
 *   | none (QuickPick). Returns how many changed.
 * - `reactions.groupByWhen` / `reactions.groupByWhere` / `reactions.sortOldest` / `reactions.sortNewest`
 *   — set the grouping or the order from the palette; the choice persists. Return `{ groupBy, sort }`.
 * - `reactions.viewOptions` — the view-title "Group and Sort…": a QuickPick that shows the current
 *   grouping and order checked. Returns `{ groupBy, sort }` (unchanged when dismissed).
 * - `reactions.deleteSelected` — the Delete key on the focused view: removes the selected reactions
 *   through the same flow as the context menu's Remove Reaction.
 */
import * as vscode from 'vscode';
import type { Deps } from '../deps';
import { command } from '../commandRunner';
import { ReactionNode } from '../tree/reactionNode';
import type { ViewChoice } from '../tree/viewOptions';
import { reactionsFor } from './args';

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  const setView = (change: Partial<ViewChoice>) => async (): Promise<ViewChoice> => {
    const choice = await deps.viewOptions.set(change);
    deps.tree.flush();
    return choice;
  };
  context.subscriptions.push(
    command(deps, 'reactions.keep', async (arg?: unknown, selection?: unknown): Promise<number | undefined> => {
      const reactions = await reactionsFor(deps, arg, selection, {
        canPickMany: true,
        placeHolder: vscode.l10n.t('Reactions to keep (no bulk removal or clean-up takes them)'),
      });
      if (!reactions?.length) return undefined;
      const n = await deps.keep.add(reactions);
      deps.tree.flush();
      return n;
    }),
    command(deps, 'reactions.unkeep', async (arg?: unknown, selection?: unknown): Promise<number | undefined> => {
      const kept = new Set(deps.keep.ids());
      const reactions = await reactionsFor(deps, arg, selection, {
        canPickMany: true,
        placeHolder: vscode.l10n.t('Reactions to stop keeping'),
      });
      if (!reactions?.length) return undefined;
      const n = await deps.keep.remove(reactions.filter((r) => kept.has(r.id)));
      deps.tree.flush();
      return n;
    }),
    command(deps, 'reactions.groupByWhen', setView({ groupBy: 'when' })),
    command(deps, 'reactions.groupByWhere', setView({ groupBy: 'where' })),
    command(deps, 'reactions.sortOldest', setView({ sort: 'oldest' })),
    command(deps, 'reactions.sortNewest', setView({ sort: 'newest' })),
    command(deps, 'reactions.viewOptions', async (): Promise<ViewChoice> => {
      const picked = await vscode.window.showQuickPick(viewChoices(deps.viewOptions.choice), {
        title: vscode.l10n.t('Group and Sort'),
        placeHolder: vscode.l10n.t('The current grouping and order are checked'),
      });
      return picked && 'change' in picked ? setView((picked as ViewItem).change)() : deps.viewOptions.choice;
    }),
    command(deps, 'reactions.deleteSelected', async (arg?: unknown, selection?: unknown): Promise<unknown> => {
      const picked = Array.isArray(selection) && selection.length ? selection : arg ? [arg] : deps.view.selection;
      const nodes = picked.filter((n): n is ReactionNode => n instanceof ReactionNode);
      if (nodes.length === 0) return undefined;
      return vscode.commands.executeCommand('reactions.removeReaction', nodes[0], nodes);
    }),
  );
  context.subscriptions.push(
    deps.viewOptions.onDidChange(() => deps.tree.refreshAll()),
    toDisposable(deps.keep.onDidChange(() => deps.tree.refreshAll())),
    deps.accounts.onDidChange(() => void forgetRemovedAccounts(deps)),
  );
}

type ViewItem = vscode.QuickPickItem & { change: Partial<ViewChoice> };

/** Both groupings and both orders, the current ones with a check (a menu cannot show one). */
export function viewChoices(current: ViewChoice): Array<ViewItem | vscode.QuickPickItem> {
  const item = (label: string, checked: boolean, change: Partial<ViewChoice>): ViewItem => ({
    label,
    iconPath: new vscode.ThemeIcon(checked ? 'check' : 'blank'),
    description: checked ? vscode.l10n.t('current') : undefined,
    change,
  });
  const separator = (label: string) => ({ label, kind: vscode.QuickPickItemKind.Separator });
  return [
    separator(vscode.l10n.t('Group')),
    item(vscode.l10n.t('By place (Statuses, Discussions, cases…)'), current.groupBy === 'where', { groupBy: 'where' }),
    item(vscode.l10n.t('By date (This week, This month, months, years)'), current.groupBy === 'when', {
      groupBy: 'when',
    }),
    separator(vscode.l10n.t('Sort')),
    item(vscode.l10n.t('Newest first'), current.sort === 'newest', { sort: 'newest' }),
    item(vscode.l10n.t('Oldest first'), current.sort === 'oldest', { sort: 'oldest' }),
  ];
}

function toDisposable(sub: { dispose(): void }): vscode.Disposable {
  return new vscode.Disposable(() => sub.dispose());
}

/** A removed account's keep list goes with it (the journal keeps its removals until they expire). */
async function forgetRemovedAccounts(deps: Deps): Promise<void> {
  const known = new Set(deps.accounts.list().map((a) => a.id));
  const ids = new Set(deps.keep.ids().map((id) => id.slice(0, id.indexOf('|'))));
  for (const accountId of ids) if (!known.has(accountId)) await deps.keep.forgetAccount(accountId);
}
