/**
 * The person's side of the Tines key proof (core: services/tines/keyProof.ts): a key not yet shown to
 * be the account user's writes nothing until a harmless removal proved it; when none of the reactions
 * at hand can prove it, a modal asks before the first write and explains the risk.
 */
import * as vscode from 'vscode';
import type { Account, Reaction } from '../../core/model';
import type { RemoveResult } from '../../core/services/service';
import type { Deps } from '../deps';
import { withTreeFeedback } from './treeFeedback';

/** Asks whether to write with a key not proven to be the account user's; false when declined. */
export async function confirmUnprovenKey(
  account: Account,
  reactions: readonly Reaction[],
  what: 'removal' | 'restore',
): Promise<boolean> {
  const who = account.email || account.label;
  const go = vscode.l10n.t('Write Anyway');
  const risk =
    what === 'removal'
      ? reactions.length === 1
        ? vscode.l10n.t(
            "Someone else also reacted with the same emoji on this comment: if the key is another person's, the removal takes away THEIR reaction instead of yours.",
          )
        : vscode.l10n.t(
            "On each of these {0} comments someone else also reacted with the same emoji: if the key is another person's, the first removal takes away THEIR reaction instead of yours.",
            reactions.length,
          )
      : vscode.l10n.t(
          "Putting a reaction back cannot prove the key: if it is another person's, Tines adds a reaction in THEIR name (and notifies people).",
        );
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t("This Tines key has not been shown to be {0}'s yet.", who),
    {
      modal: true,
      detail: [
        risk,
        vscode.l10n.t(
          'Removing one of your reactions that nobody else made with the same emoji proves the key without that risk. If you write anyway, the first write runs alone and is checked; if the key is not yours, nothing more is written.',
        ),
      ].join('\n\n'),
    },
    go,
  );
  return choice === go;
}

/**
 * Before one write (Remove, Change): proves the account's key with `r` when it can (returns r's outcome
 * when the proof removed it), else asks. Declined: the write then refuses and sends nothing.
 */
export async function proveBefore(
  deps: Deps,
  r: Reaction,
  what: 'removal' | 'restore',
  ask = true,
): Promise<RemoveResult | undefined> {
  const service = withTreeFeedback(deps, r.accountId);
  if (!service.keyProof) return undefined;
  const p = await service.keyProof.proveKey(what === 'removal' ? [r] : []);
  if (p.state === 'proven') return p.proof;
  if (p.state === 'failed') throw p.error;
  if (ask && (await confirmUnprovenKey(service.account, [r], what))) await service.keyProof.trustKeyOnce();
  return undefined;
}
