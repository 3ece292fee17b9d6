/**
 * The clean-up rule last used, as kept in globalState: read at activation (for the "Clean Up Again"
 * menu's context key) without loading the clean-up commands themselves.
 */
import type * as vscode from 'vscode';
import { parseRule, type CleanupRule } from '../../core/cleanup/rule';

export const LAST_RULE_KEY = 'reactions.cleanUp.lastRule';

export function lastRule(state: vscode.Memento): CleanupRule | undefined {
  const saved = state.get<unknown>(LAST_RULE_KEY);
  if (!saved) return undefined;
  try {
    return parseRule(saved);
  } catch {
    return undefined;
  }
}
