/**
 * What a removal did: the JSON-friendly summary the removal commands return, and the message a bulk
 * removal ends with (what was removed, already gone, failed and why, not attempted; Undo, Open Receipt).
 */
import * as vscode from 'vscode';
import type { Reaction } from '../../core/model';
import type { Deps } from '../deps';
import type { Failure } from './treeFeedback';
import { undoRemoval } from './undo';

/** What a removal command did, by reaction id (JSON-friendly, for scripts and tests). */
export interface RemovalSummary {
  readonly requested: number;
  readonly removed: string[];
  readonly alreadyRemoved: string[];
  readonly targetDeleted: string[];
  readonly failed: Failure[];
  /** Not attempted because the person cancelled (still in the tree, untouched). */
  readonly notAttempted: string[];
  readonly cancelled: boolean;
  /** Left out because they are on the keep list (bulk removals only). */
  readonly kept: string[];
  /** The restore journal's batch of what was removed (bulk removals that removed something). */
  readonly batchId?: string;
  /** The run's receipt (`reactions.openReceipt`), for bulk removals. */
  readonly receiptId?: string;
}

export function emptySummary(requested: number): RemovalSummary {
  return {
    requested,
    removed: [],
    alreadyRemoved: [],
    targetDeleted: [],
    failed: [],
    notAttempted: [],
    cancelled: false,
    kept: [],
  };
}

export function reportBulk(deps: Deps, s: RemovalSummary, removed: readonly Reaction[]): void {
  const ok = s.removed.length + s.alreadyRemoved.length + s.targetDeleted.length;
  const extras: string[] = [];
  if (s.alreadyRemoved.length)
    extras.push(
      s.alreadyRemoved.length === 1
        ? vscode.l10n.t('{0} was already gone', s.alreadyRemoved.length)
        : vscode.l10n.t('{0} were already gone', s.alreadyRemoved.length),
    );
  if (s.targetDeleted.length)
    extras.push(
      s.targetDeleted.length === 1
        ? vscode.l10n.t('{0} was on a deleted item', s.targetDeleted.length)
        : vscode.l10n.t('{0} were on deleted items', s.targetDeleted.length),
    );
  const extra = extras.length ? ` (${extras.join(', ')})` : '';
  const undo = vscode.l10n.t('Undo');
  const showLog = vscode.l10n.t('Show Log');
  const openReceipt = vscode.l10n.t('Open Receipt');
  const buttons = [...(removed.length ? [undo] : []), ...(s.receiptId ? [openReceipt] : [])];
  const onChoice = (c: string | undefined) => {
    if (c === undo) void undoRemoval(deps, removed);
    if (c === openReceipt) void vscode.commands.executeCommand('reactions.openReceipt', { receiptId: s.receiptId });
    if (c === showLog) deps.logger.show();
  };
  deps.logger.info(
    `bulk removal: ${s.removed.length} removed, ${s.alreadyRemoved.length} already gone, ${s.targetDeleted.length} target deleted, ${s.failed.length} failed, ${s.notAttempted.length} not attempted`,
  );
  for (const f of s.failed) deps.logger.warn(`  failed: ${f.id}: ${f.error}`);
  if (s.failed.length === 0 && s.notAttempted.length === 0) {
    void vscode.window
      .showInformationMessage(
        s.requested === 1
          ? vscode.l10n.t('Removed {0} of {1} reaction{2}.', ok, s.requested, extra)
          : vscode.l10n.t('Removed {0} of {1} reactions{2}.', ok, s.requested, extra),
        ...buttons,
      )
      .then(onChoice);
    return;
  }
  const parts = [
    s.requested === 1
      ? vscode.l10n.t('Removed {0} of {1} reaction{2}.', ok, s.requested, extra)
      : vscode.l10n.t('Removed {0} of {1} reactions{2}.', ok, s.requested, extra),
  ];
  if (s.failed.length) {
    const reasons = [...new Set(s.failed.map((f) => f.error))];
    const shown = reasons.slice(0, 3).join(' · ');
    parts.push(
      reasons.length > 3
        ? reasons.length - 3 === 1
          ? vscode.l10n.t(
              '{0} failed and stay in the list: {1} (and {2} more reason).',
              s.failed.length,
              shown,
              reasons.length - 3,
            )
          : vscode.l10n.t(
              '{0} failed and stay in the list: {1} (and {2} more reasons).',
              s.failed.length,
              shown,
              reasons.length - 3,
            )
        : vscode.l10n.t('{0} failed and stay in the list: {1}', s.failed.length, shown),
    );
  }
  if (s.notAttempted.length)
    parts.push(
      s.notAttempted.length === 1
        ? vscode.l10n.t('Cancelled: {0} was not attempted and is unchanged.', s.notAttempted.length)
        : vscode.l10n.t('Cancelled: {0} were not attempted and are unchanged.', s.notAttempted.length),
    );
  void vscode.window.showWarningMessage(parts.join(' '), ...buttons, showLog).then(onChoice);
}
