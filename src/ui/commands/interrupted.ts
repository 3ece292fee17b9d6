/**
 * A bulk removal or Clean Up cut short (window reloaded, VS Code closed or crashed) is noticed once at the
 * next start (after reading the few reactions whose write was in flight, to count them right): one non-modal notification, "Clean Up was interrupted after 1,210 of 5,000 reactions." with
 * Resume (sends only what is left, reading first as always) and Show Removed. Exactly one window tells it
 * (core/cleanup/runs.ts `claimNotice`); a run another window is still working on is not interrupted — it is
 * looked at again once its heartbeat would have gone stale.
 */
import * as vscode from 'vscode';
import type { JournalBatch } from '../../core/cleanup/journal';
import {
  claimNotice,
  interruptedRuns,
  resolveInFlight,
  resumePlan,
  runCounts,
  STALE_MS,
} from '../../core/cleanup/runs';
import type { Deps } from '../deps';
import { errorMessage } from '../errorMessage';
import { sourceLabel } from './showRemoved';
import type { RemovalSummary } from './remove';

function num(n: number): string {
  return n.toLocaleString(vscode.env.language);
}

/** "Clean Up was interrupted after 1,210 of 5,000 reactions." */
export function interruptedText(batch: JournalBatch): string {
  const { asked, done } = runCounts(batch);
  return asked === 1
    ? vscode.l10n.t('{0} was interrupted after {1} of {2} reaction.', sourceLabel(batch.source), num(done), num(asked))
    : vscode.l10n.t(
        '{0} was interrupted after {1} of {2} reactions.',
        sourceLabel(batch.source),
        num(done),
        num(asked),
      );
}

/** Continues an interrupted run: only what is left, each read before any write; outcomes go to the same entry. */
export async function resumeRun(deps: Deps, batchId: string): Promise<RemovalSummary | undefined> {
  await deps.journal.reread();
  const batch = await deps.journal.get(batchId);
  if (!batch?.run) return undefined;
  const left = resumePlan(batch);
  deps.logger.info(`resume run ${batch.id}: ${left.length} of ${batch.run.asked.length} left`);
  if (left.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Nothing is left to remove.'));
    return undefined;
  }
  const { removeMany } = await import('./remove');
  // The person pressed Resume: no second count question, but a Tines key never proven is asked about
  // (scripted, it would send nothing for that account).
  return removeMany(deps, left, 'key', batch.source, { resume: batch });
}

async function notify(deps: Deps, batch: JournalBatch): Promise<void> {
  deps.logger.info(`interrupted run ${batch.id}: ${JSON.stringify(runCounts(batch))}`);
  const resume = vscode.l10n.t('Resume');
  const show = vscode.l10n.t('Show Removed');
  const choice = await vscode.window.showWarningMessage(interruptedText(batch), resume, show);
  if (choice === resume) await resumeRun(deps, batch.id);
  else if (choice === show) await vscode.commands.executeCommand('reactions.showRemoved');
}

/**
 * Tells about runs cut short (called once after activation, no request). Resolves when the notices are
 * shown (not answered); `recheck` looks again once the heartbeat of a run still live elsewhere would be stale.
 */
export async function checkInterrupted(deps: Deps, recheck = true): Promise<JournalBatch[]> {
  const runs = await interruptedRuns(deps.journal);
  const told: JournalBatch[] = [];
  for (const found of runs) {
    if (!(await claimNotice(deps.journal, found.id))) continue;
    // The few writes in flight when it stopped: a read tells whether they landed (no write is sent).
    const batch = await resolveInFlight(
      deps.journal,
      found,
      async (r) => (await deps.accounts.client(r.accountId).check(r)).outcome !== 'present',
      (m) => deps.logger.warn(m),
    );
    told.push(batch);
    void notify(deps, batch).catch((e) => deps.logger.warn(`interrupted run: ${errorMessage(e)}`));
  }
  const unfinished = (await deps.journal.list()).some((b) => b.run && !b.run.ended && !runs.includes(b));
  if (recheck && unfinished) {
    const timer = setTimeout(() => void checkInterrupted(deps, false).catch(() => undefined), STALE_MS + 2_000);
    (timer as { unref?: () => void }).unref?.();
  }
  return told;
}
