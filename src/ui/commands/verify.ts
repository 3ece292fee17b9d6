/**
 * Verify Removals and Remove Again.
 * - `reactions.verifyRemovals` — args `{ batchId }` | `{ days }` (every removal of the last N days) | none
 *   (QuickPick: one removal, or all of the last 7 / 30 / 90 days). Re-reads every removed reaction (one
 *   read each, never a write), records the result in the journal, shows what came back in the tree and
 *   reports per removal: still removed / came back / on a deleted item / could not check (with why).
 *   Returns `VerifyReport`.
 * - `reactions.removeAgain` — what came back: a reaction (and the selection), an account's (account row),
 *   `{ reactionIds }` | `{ accountId }`, or none (all that came back). Removes them like any removal.
 * - `scheduleRecheck` — the one automatic re-check after a Clean Up (`reactions.verifyAfterCleanUp`).
 */
import * as vscode from 'vscode';
import type { JournalBatch } from '../../core/cleanup/journal';
import { batchesWithin, verifyBatches, type BatchVerification } from '../../core/cleanup/verify';
import { ReactionsError } from '../../core/errors';
import type { Reaction } from '../../core/model';
import { command } from '../commandRunner';
import type { Deps } from '../deps';
import { errorMessage } from '../errorMessage';
import { kindText } from '../labels';
import { AccountNode } from '../tree/accountNode';
import { isArgs, isNode, reactionsFor, skipConfirm, stringArg } from './args';
import { removeMany, removeOne, type RemovalSummary } from './remove';
import { sourceLabel } from './showRemoved';

export const VERIFY_SCHEME = 'reactions-verify';
const reports = new Map<string, string>();

/** What a verification found, by journal batch (JSON-friendly, for scripts and tests). */
export interface VerifyReport {
  readonly batches: Array<{
    batchId: string;
    removedAt: string;
    checkedAt: string;
    stillRemoved: number;
    cameBack: string[];
    targetDeleted: string[];
    unchecked: Array<{ id: string; reason: string }>;
  }>;
}

async function pickBatches(deps: Deps, arg: unknown): Promise<JournalBatch[] | undefined> {
  const all = await deps.journal.list();
  if (isArgs(arg)) {
    const batchId = stringArg(arg, 'batchId');
    if (batchId) {
      const b = all.find((x) => x.id === batchId);
      if (!b)
        throw new ReactionsError(
          'not-found',
          vscode.l10n.t('No removal {0} in the journal (it may have expired).', batchId),
        );
      return [b];
    }
    const days = Number(arg.days);
    if (!Number.isFinite(days) || days <= 0)
      throw new ReactionsError('invalid-input', vscode.l10n.t('Pass "batchId" or "days".'));
    return batchesWithin(all, days);
  }
  if (all.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('There are no removals to verify.'));
    return undefined;
  }
  type Item = vscode.QuickPickItem & { batches: JournalBatch[] };
  const items: Item[] = [7, 30, 90].map((d) => ({
    label: `$(checklist) ${d === 1 ? vscode.l10n.t('All removals of the last {0} day', d) : vscode.l10n.t('All removals of the last {0} days', d)}`,
    description:
      batchesWithin(all, d).length === 1
        ? vscode.l10n.t('1 removal')
        : vscode.l10n.t('{0} removals', batchesWithin(all, d).length),
    batches: batchesWithin(all, d),
  }));
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator, batches: [] });
  for (const b of all)
    items.push({
      label: `$(history) ${b.reactions.length === 1 ? vscode.l10n.t('1 reaction') : vscode.l10n.t('{0} reactions', b.reactions.length)}`,
      description: `${sourceLabel(b.source)} · ${new Date(b.at).toLocaleString(vscode.env.language)}`,
      detail: b.checks?.length
        ? vscode.l10n.t(
            'last checked {0}',
            new Date(b.checks[b.checks.length - 1].at).toLocaleString(vscode.env.language),
          )
        : undefined,
      batches: [b],
    });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Verify Removals'),
    placeHolder: vscode.l10n.t('Which removals to read again (nothing is changed on the server)'),
  });
  return picked?.batches.length ? picked.batches : undefined;
}

/** Re-reads the batches, records and shows what came back; `quiet` (automatic re-check) reports only news. */
export async function verify(deps: Deps, batches: readonly JournalBatch[], quiet = false): Promise<VerifyReport> {
  const found = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Verifying removals'), cancellable: true },
    (_progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      return verifyBatches(batches, (id) => deps.accounts.client(id), deps.journal, {
        by: quiet ? 'auto' : 'verify',
        signal: controller.signal,
      }).finally(() => sub.dispose());
    },
  );
  const back = found.flatMap((v) => v.items.filter((x) => x.status === 'came-back').map((x) => x.reaction));
  deps.store.upsert(back.filter((r) => deps.accounts.get(r.accountId)));
  await deps.cameBack.refresh();
  const report: VerifyReport = { batches: found.map(toReport) };
  deps.logger.info(`verify: ${found.length} removal(s), ${back.length} came back`);
  const total = (k: keyof BatchVerification['counts']) => found.reduce((n, v) => n + v.counts[k], 0);
  if (quiet && back.length === 0) return report;
  const message = vscode.l10n.t(
    'Removals read again — still removed: {0} · came back: {1} · on deleted items: {2} · could not check: {3}',
    total('still-removed'),
    back.length,
    total('target-deleted'),
    total('unchecked'),
  );
  const again = vscode.l10n.t('Remove Again');
  const details = vscode.l10n.t('Show Details');
  const show = back.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void show(message, ...(back.length ? [again] : []), details).then((c) => {
    if (c === again)
      void vscode.commands.executeCommand('reactions.removeAgain', { reactionIds: back.map((r) => r.id) });
    if (c === details) void openReport(deps, found);
  });
  return report;
}

function toReport(v: BatchVerification): VerifyReport['batches'][number] {
  const ids = (s: string) => v.items.filter((x) => x.status === s).map((x) => x.reaction.id);
  return {
    batchId: v.batch.id,
    removedAt: v.batch.at,
    checkedAt: v.at,
    stillRemoved: v.counts['still-removed'],
    cameBack: ids('came-back'),
    targetDeleted: ids('target-deleted'),
    unchecked: v.items
      .filter((x) => x.status === 'unchecked')
      .map((x) => ({ id: x.reaction.id, reason: x.reason ?? '' })),
  };
}

/** The report as a read-only Markdown document: per removal, the counts and the reactions that need a look. */
async function openReport(deps: Deps, found: readonly BatchVerification[]): Promise<void> {
  const label = (r: Reaction) => `${kindText(r.kind)} · ${r.target.excerpt.replace(/[\r\n[\]]+/g, ' ')}`;
  const lines = [`# ${vscode.l10n.t('Verify Removals')}`, ''];
  for (const v of found) {
    lines.push(`## ${sourceLabel(v.batch.source)} · ${new Date(v.batch.at).toLocaleString(vscode.env.language)}`, '');
    lines.push(
      vscode.l10n.t(
        'Still removed: {0} · came back: {1} · on deleted items: {2} · could not check: {3}',
        v.counts['still-removed'],
        v.counts['came-back'],
        v.counts['target-deleted'],
        v.counts.unchecked,
      ),
      '',
    );
    for (const x of v.items.filter((i) => i.status === 'came-back'))
      lines.push(`- ${vscode.l10n.t('Came back')}: ${label(x.reaction)}`);
    for (const x of v.items.filter((i) => i.status === 'unchecked'))
      lines.push(`- ${vscode.l10n.t('Could not check')}: ${label(x.reaction)} — ${x.reason ?? ''}`);
    lines.push('');
  }
  const path = `/verify-${Date.now()}.md`;
  reports.set(path, lines.join('\n'));
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: VERIFY_SCHEME, path }));
  await vscode.window.showTextDocument(doc, { preview: true });
}

/** After a Clean Up: one re-check of its removal later in this session (when the setting is on). */
export function scheduleRecheck(deps: Deps, batchId: string | undefined): vscode.Disposable | undefined {
  const config = vscode.workspace.getConfiguration('reactions');
  if (!batchId || !config.get<boolean>('verifyAfterCleanUp', true)) return undefined;
  const minutes = Math.max(0.01, config.get<number>('verifyAfterCleanUpMinutes', 10));
  deps.logger.info(`clean-up: its removal is checked again in ${minutes} min`);
  const timer = setTimeout(() => {
    void (async () => {
      const batch = await deps.journal.get(batchId);
      if (batch) await verify(deps, [batch], true);
    })().catch((e: unknown) => deps.logger.warn(`automatic re-check failed: ${errorMessage(e)}`));
  }, minutes * 60_000);
  return { dispose: () => clearTimeout(timer) };
}

async function cameBackFor(deps: Deps, arg: unknown, selection: unknown): Promise<Reaction[]> {
  if (arg instanceof AccountNode) return deps.cameBack.reactions(arg.accountId);
  if (isNode(arg) || isArgs(arg)) {
    const asked = (await reactionsFor(deps, arg, selection, { canPickMany: true, placeHolder: '' })) ?? [];
    return isArgs(arg) && arg.reactionIds !== undefined ? asked : asked.filter((r) => deps.cameBack.has(r.id));
  }
  return deps.cameBack.reactions();
}

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(VERIFY_SCHEME, {
      provideTextDocumentContent: (uri) => reports.get(uri.path) ?? '',
    }),
    command(deps, 'reactions.verifyRemovals', async (arg?: unknown): Promise<VerifyReport | undefined> => {
      const batches = await pickBatches(deps, arg);
      return batches && verify(deps, batches);
    }),
    command(
      deps,
      'reactions.removeAgain',
      async (arg?: unknown, selection?: unknown): Promise<RemovalSummary | undefined> => {
        const reactions = await cameBackFor(deps, arg, selection);
        if (reactions.length === 0) {
          void vscode.window.showInformationMessage(vscode.l10n.t('Nothing here came back after it was removed.'));
          return undefined;
        }
        if (reactions.length === 1 && !isArgs(arg)) return removeOne(deps, reactions[0]);
        return removeMany(deps, reactions, !skipConfirm(arg), 'again', { command: vscode.l10n.t('Remove Again') });
      },
    ),
  );
}
