/**
 * How commands find what they act on. Every command accepts, in this order:
 *   1. a tree node (from a menu), plus VS Code's multi-selection as the second argument;
 *   2. a plain object (scripts, keybindings' `args`), e.g. `{ reactionIds: [...] }`, `{ accountId }`;
 *   3. nothing (Command Palette): a QuickPick over what the tree already knows — no new fetch unless
 *      nothing was listed yet.
 */
import * as vscode from 'vscode';
import { ReactionsError } from '../../core/errors';
import type { Account, Reaction } from '../../core/model';
import { groupOf, serviceOfAccount } from '../../core/store';
import { pickAccount } from '../auth/flows/pickAccount';
import type { Deps } from '../deps';
import { groupLabel, kindText, serviceLabel } from '../labels';
import { AccountNode } from '../tree/accountNode';
import { ErrorNode } from '../tree/errorNode';
import { GroupNode } from '../tree/groupNode';
import type { TreeNode } from '../tree/node';
import { ReactionNode } from '../tree/reactionNode';
import { isArgs, isNode, stringArg } from './plainArgs';

export { isArgs, isNode, skipConfirm, stringArg } from './plainArgs';

function reactionsOfNode(node: TreeNode): Reaction[] {
  if (node instanceof ReactionNode) return [node.reaction];
  if (node instanceof GroupNode) return [...node.reactions];
  if (node instanceof AccountNode) return node.reactions;
  return [];
}

function dedupe(reactions: Reaction[]): Reaction[] {
  const seen = new Set<string>();
  return reactions.filter((r) => !seen.has(r.id) && !!seen.add(r.id));
}

/** Looks reaction ids up in the store; unknown ids are an error (nothing is done silently). */
export function reactionsByIds(deps: Deps, ids: unknown): Reaction[] {
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
    throw new ReactionsError('invalid-input', vscode.l10n.t('"reactionIds" must be a list of reaction ids.'));
  }
  const found: Reaction[] = [];
  const missing: string[] = [];
  for (const id of ids as string[]) {
    const r = deps.store.get(id);
    if (r) found.push(r);
    else missing.push(id);
  }
  if (missing.length) {
    throw new ReactionsError(
      'not-found',
      vscode.l10n.t('Unknown reaction id(s): {0}. Refresh the list first.', missing.slice(0, 5).join(', ')),
    );
  }
  return dedupe(found);
}

/**
 * The reactions a command acts on, or undefined when the person cancelled the picker.
 * With a node that is part of a multi-selection, the whole selection.
 */
export async function reactionsFor(
  deps: Deps,
  arg: unknown,
  selection: unknown,
  pick: { canPickMany: boolean; placeHolder: string },
): Promise<Reaction[] | undefined> {
  if (isNode(arg)) {
    const selected = Array.isArray(selection) ? selection.filter(isNode) : [];
    const nodes = selected.length > 1 && selected.includes(arg) ? selected : [arg];
    return dedupe(nodes.flatMap(reactionsOfNode));
  }
  if (isArgs(arg)) {
    if (arg.reactionIds !== undefined) return reactionsByIds(deps, arg.reactionIds);
    const one = stringArg(arg, 'reactionId');
    if (one !== undefined) return reactionsByIds(deps, [one]);
    const accountId = stringArg(arg, 'accountId');
    if (accountId !== undefined) {
      deps.accounts.require(accountId);
      const groupKey = stringArg(arg, 'groupKey');
      const all = deps.store.visible(accountId);
      return groupKey === undefined ? all : all.filter((r) => groupOf(r).key === groupKey);
    }
    throw new ReactionsError('invalid-input', vscode.l10n.t('Pass "reactionIds", "reactionId" or "accountId".'));
  }
  return pickReactions(deps, pick);
}

/** Lists what was never listed (with progress), so a palette picker has something to offer. */
export async function ensureListed(deps: Deps): Promise<void> {
  if (!deps.listings.busy) return;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Listing your reactions…') },
    async () => {
      await deps.listings.ensureLoaded();
      await deps.listings.whenIdle();
    },
  );
}

interface ReactionPick extends vscode.QuickPickItem {
  reaction: Reaction;
}

/** A QuickPick over the visible reactions; the tree's current selection is pre-picked. */
export async function pickReactions(
  deps: Deps,
  o: { canPickMany: boolean; placeHolder: string },
): Promise<Reaction[] | undefined> {
  if (deps.accounts.list().length === 0) {
    await pickAccount(deps.accounts, o.placeHolder); // offers "Add Account"
    return undefined;
  }
  await ensureListed(deps);
  const reactions = deps.store.visible();
  if (reactions.length === 0) {
    void vscode.window.showInformationMessage(
      deps.store.isFiltered ? vscode.l10n.t('No reactions match the filter.') : vscode.l10n.t('No reactions found.'),
    );
    return undefined;
  }
  const accounts = new Map(deps.accounts.list().map((a) => [a.id, a]));
  const selectedIds = new Set(deps.view.selection.flatMap(reactionsOfNode).map((r) => r.id));
  const items: ReactionPick[] = [];
  for (const accountId of [...new Set(reactions.map((r) => r.accountId))]) {
    const account = accounts.get(accountId);
    items.push({ label: account?.label ?? accountId, kind: vscode.QuickPickItemKind.Separator } as ReactionPick);
    for (const g of deps.store.groups(accountId)) {
      for (const r of g.reactions) {
        items.push({
          label: r.target.excerpt,
          description: kindText(r.kind),
          detail: `${groupLabel(g.type, g.title)} · ${serviceLabel(serviceOfAccount(accountId))}`,
          picked: selectedIds.has(r.id),
          reaction: r,
        });
      }
    }
  }
  if (o.canPickMany) {
    const picked = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      placeHolder: o.placeHolder,
      matchOnDescription: true,
      matchOnDetail: true,
    });
    return picked?.length ? picked.map((p) => p.reaction) : undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: o.placeHolder,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked ? [picked.reaction] : undefined;
}

/** The account a command acts on: from a node, `{ accountId }`, or a picker. */
export async function accountFor(deps: Deps, arg: unknown, placeHolder: string): Promise<Account | undefined> {
  if (arg instanceof AccountNode) return deps.accounts.require(arg.accountId);
  if (arg instanceof GroupNode || arg instanceof ErrorNode) return deps.accounts.require(arg.accountId);
  if (arg instanceof ReactionNode) return deps.accounts.require(arg.reaction.accountId);
  if (isArgs(arg)) {
    const id = stringArg(arg, 'accountId');
    if (!id) throw new ReactionsError('invalid-input', vscode.l10n.t('Pass "accountId".'));
    return deps.accounts.require(id);
  }
  return pickAccount(deps.accounts, placeHolder);
}
