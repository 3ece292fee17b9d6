/**
 * Telling a command's arguments apart (see args.ts): a tree node from a menu, or a plain object from a
 * script or keybinding. Small on purpose: the commands that load at activation need only this.
 */
import * as vscode from 'vscode';
import { ReactionsError } from '../../core/errors';
import { AccountNode } from '../tree/accountNode';
import { ErrorNode } from '../tree/errorNode';
import { GroupNode } from '../tree/groupNode';
import type { TreeNode } from '../tree/node';
import { ReactionNode } from '../tree/reactionNode';

export function isNode(x: unknown): x is TreeNode {
  return x instanceof AccountNode || x instanceof GroupNode || x instanceof ReactionNode || x instanceof ErrorNode;
}

/** A plain-object argument (not a tree node, not a Uri). */
export function isArgs(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === 'object' && !isNode(x) && !(x instanceof vscode.Uri) && !Array.isArray(x);
}

export function stringArg(args: Record<string, unknown>, name: string): string | undefined {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string')
    throw new ReactionsError('invalid-input', vscode.l10n.t('The argument "{0}" must be a string.', name));
  return v;
}

/** Whether a plain-object call asked to skip a confirmation (`confirm: false`). */
export function skipConfirm(arg: unknown): boolean {
  return isArgs(arg) && arg.confirm === false;
}
