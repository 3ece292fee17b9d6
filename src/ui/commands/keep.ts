/**
 * The keep list.
 * - `reactions.keep` / `reactions.unkeep` — pin / unpin reactions: kept ones show a pin and are left out
 *   of every bulk removal and clean-up. args: tree node (+ selection) | `{ reactionIds }` | `{ reactionId }`
 *   | none (QuickPick). Returns how many changed.
 */
import * as vscode from 'vscode';
import type { Deps } from '../deps';
import { command } from '../commandRunner';
import { reactionsFor } from './args';

export function register(context: vscode.ExtensionContext, deps: Deps): void {
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
  );
  context.subscriptions.push(
    toDisposable(deps.keep.onDidChange(() => deps.tree.refreshAll())),
    deps.accounts.onDidChange(() => void forgetRemovedAccounts(deps)),
  );
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
