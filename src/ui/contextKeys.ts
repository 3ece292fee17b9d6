/** The `reactions.*` context keys the manifest's `when` clauses use (set only when they change). */
import * as vscode from 'vscode';

export type ContextKey =
  /** At least one account was added. */
  | 'reactions.hasAccounts'
  /** Some account is listing or was not listed yet (viewsWelcome "loading"). */
  | 'reactions.loading'
  /** A filter is set (Clear Filter shows; viewsWelcome "nothing matches"). */
  | 'reactions.filtered'
  /** There is a removal to undo. */
  | 'reactions.canUndo'
  /** The tree groups by when (This week / This month / …) instead of by where. */
  | 'reactions.groupByWhen'
  /** The tree shows the oldest reactions first. */
  | 'reactions.sortOldest'
  /** A clean-up rule was run before ("Clean Up Again" shows). */
  | 'reactions.hasCleanUpRule'
  /** The "My Reactions" view was shown (the walkthrough's "Find your reactions" step). */
  | 'reactions.viewSeen'
  /** "Show Removed…" listed the journal (the walkthrough's "Put back anything" step). */
  | 'reactions.removedShown';

export class ContextKeys {
  private readonly values = new Map<ContextKey, boolean>();

  set(key: ContextKey, value: boolean): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  get(key: ContextKey): boolean {
    return this.values.get(key) ?? false;
  }
}
