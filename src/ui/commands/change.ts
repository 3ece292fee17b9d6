/**
 * `reactions.changeReaction` — changes a reaction to another kind.
 *   args: reaction node | `{ reactionId, kindId }` (kindId = a kind's id or label, e.g. "2", "Love",
 *   "heart") | `{ reactionId }` (asks for the kind) | none (QuickPick of reactions, then of kinds).
 *   The kinds come from the account's `reactionKinds()`. Returns the reaction as it now is.
 */
import * as vscode from 'vscode';
import { proveBefore } from './keyProof';
import { ReactionsError, isReactionsError } from '../../core/errors';
import type { Reaction, ReactionKind } from '../../core/model';
import type { Deps } from '../deps';
import { command, showError } from '../commandRunner';
import { kindText, quote } from '../labels';
import { VIEW_ID } from '../listings';
import { isArgs, reactionsFor, stringArg } from './args';

async function kindsFor(deps: Deps, r: Reaction): Promise<ReactionKind[]> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Loading the reactions this site offers…') },
    () => deps.accounts.client(r.accountId).reactionKinds(),
  );
}

export function findKind(kinds: readonly ReactionKind[], wanted: string): ReactionKind | undefined {
  const w = wanted.trim().toLowerCase();
  return kinds.find((k) => k.id.toLowerCase() === w) ?? kinds.find((k) => k.label.toLowerCase() === w);
}

async function pickKind(deps: Deps, r: Reaction): Promise<ReactionKind | undefined> {
  const kinds = await kindsFor(deps, r);
  const items = kinds.map((k) => ({
    label: kindText(k),
    description: k.id === r.kind.id ? vscode.l10n.t('current') : undefined,
    reactionKind: k,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Change Reaction'),
    placeHolder: vscode.l10n.t('Change your {0} reaction on {1} to…', r.kind.label, quote(r.target.excerpt)),
  });
  return picked?.reactionKind;
}

export async function changeTo(
  deps: Deps,
  r: Reaction,
  kind: ReactionKind,
  notify = true,
  /** Whether a key not proven yet may be asked about (not for scripted calls: they get the refusal). */
  ask = true,
): Promise<Reaction> {
  const done = deps.tree.markBusy([r]);
  try {
    await proveBefore(deps, r, 'restore', ask);
    const updated = await vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () =>
      deps.accounts
        .client(r.accountId)
        .change(r, kind)
        .catch((e: unknown) => {
          // A half-done change (Tines: added, the old one not removed): the tree shows what is there now.
          if (isReactionsError(e) && e.present?.length) deps.store.upsert([...e.present]);
          throw e;
        }),
    );
    deps.store.replace(r.id, updated);
    deps.logger.info(`change ${r.id}: ${r.kind.id} → ${updated.kind.id}`);
    if (notify)
      void vscode.window.showInformationMessage(
        vscode.l10n.t('Changed your reaction on {0} to {1}.', quote(r.target.excerpt), kindText(updated.kind)),
      );
    return updated;
  } finally {
    done();
  }
}

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    command(deps, 'reactions.changeReaction', async (arg?: unknown): Promise<Reaction | undefined> => {
      // Change acts on one reaction: the clicked one, not the whole selection.
      const reactions = await reactionsFor(deps, arg, undefined, {
        canPickMany: false,
        placeHolder: vscode.l10n.t('Which reaction do you want to change?'),
      });
      const r = reactions?.[0];
      if (!r) return undefined;
      if (reactions!.length > 1)
        throw new ReactionsError('invalid-input', vscode.l10n.t('Change one reaction at a time.'));
      const kindId = isArgs(arg) ? stringArg(arg, 'kindId') : undefined;
      let kind: ReactionKind | undefined;
      if (kindId !== undefined) {
        const kinds = await deps.accounts.client(r.accountId).reactionKinds();
        kind = findKind(kinds, kindId);
        if (!kind) {
          throw new ReactionsError(
            'invalid-input',
            vscode.l10n.t(
              '"{0}" is not a reaction this site offers. Choose one of: {1}.',
              kindId,
              kinds.map((k) => `${k.id} (${k.label})`).join(', '),
            ),
          );
        }
      } else {
        kind = await pickKind(deps, r);
      }
      if (!kind) return undefined;
      if (kind.id === r.kind.id) return r;
      try {
        return await changeTo(deps, r, kind, true, !isArgs(arg));
      } catch (e) {
        if (isArgs(arg)) throw e;
        showError(deps, e, r.accountId);
        return undefined;
      }
    }),
  );
}
