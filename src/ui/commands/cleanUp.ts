/**
 * Clean Up: remove what matches a rule, kept reactions excepted, after a preview and a confirmation.
 * - `reactions.cleanUp` — args: a rule `{ olderThanDays?, from?, to?, kinds?, services?, accountIds?,
 *   text?, confirm?: false, dryRun?: true }`; `confirm: false` removes without preview or modal (scripts,
 *   tasks), `dryRun: true` only computes the preview; other args show the preview and the confirmation.
 *   none: asks for the rule (older than N days → accounts → reactions → text), prefilled with the last.
 *   Returns `CleanUpResult`.
 * - `reactions.cleanUpAgain` — reruns the remembered rule with a fresh preview.
 * The rule is remembered in globalState (no token). With `reactions.cleanUp.notifyOnStartup`, a start
 * whose cached reactions match the rule shows one quiet notification with "Review" (never removes).
 */
import * as vscode from 'vscode';
import { isEmptyRule, parseRule, previewCleanup, type CleanupRule, type PreviewAccount } from '../../core/cleanup/rule';
import { pickAccount } from '../auth/flows/pickAccount';
import type { Deps } from '../deps';
import { command, runCommand } from '../commandRunner';
import { filterParts } from '../tree/provider';
import { ensureListed, isArgs, skipConfirm } from './args';
import { LAST_RULE_KEY, lastRule } from './lastRule';
import { PREVIEW_SCHEME, previewDocuments, refreshPreviewDocuments, showPreview } from './cleanUpPreview';
import { askRule } from './cleanUpRule';
import { removeMany, type RemovalSummary } from './remove';
import { scheduleRecheck } from './verify';

export interface CleanUpResult {
  readonly rule: CleanupRule;
  /** What the rule matched and would remove (kept excluded). */
  readonly matched: number;
  /** Reaction ids the rule matched but the keep list protects. */
  readonly kept: string[];
  readonly accounts: readonly PreviewAccount[];
  /** The ids of what the rule removes (the preview's list, in order). */
  readonly reactionIds: string[];
  /** Absent for a dry run or when the person stopped at the preview. */
  readonly summary?: RemovalSummary;
}

export function describeRule(deps: Deps, rule: CleanupRule): string {
  const parts = filterParts(rule);
  if (rule.accountIds?.length) {
    const labels = new Map(deps.accounts.list().map((a) => [a.id, a.label]));
    parts.push(rule.accountIds.map((id) => labels.get(id) ?? id).join(', '));
  }
  return parts.length ? parts.join(' · ') : vscode.l10n.t('every reaction');
}

async function run(
  deps: Deps,
  rule: CleanupRule,
  mode: { interactive: boolean; confirm: boolean; dryRun: boolean },
): Promise<CleanUpResult | undefined> {
  for (;;) {
    await ensureListed(deps);
    await deps.globalState.update(LAST_RULE_KEY, rule);
    deps.keys.set('reactions.hasCleanUpRule', true);
    const p = previewCleanup(deps.store.all(), rule, (id) => deps.keep.has(id));
    const base = {
      rule,
      matched: p.toRemove.length,
      kept: p.kept.map((r) => r.id),
      accounts: p.accounts,
      reactionIds: p.toRemove.map((r) => r.id),
    };
    deps.logger.info(
      `clean-up preview: ${p.toRemove.length} match, ${p.kept.length} kept (${describeRule(deps, rule)})`,
    );
    if (mode.dryRun) return base;
    if (mode.interactive) {
      const matching = rule;
      const choice = await showPreview(deps, p, describeRule(deps, rule), () =>
        previewCleanup(deps.store.all(), matching, (id) => deps.keep.has(id)),
      );
      if (choice === 'edit') {
        const next = await askRule(deps, rule);
        if (!next) return base;
        rule = next;
        continue;
      }
      if (choice !== 'remove') return base;
    } else if (p.toRemove.length === 0) {
      return { ...base, summary: await removeMany(deps, [], false, 'cleanup') };
    }
    const summary = await removeMany(deps, p.toRemove, mode.confirm, 'cleanup', {
      command: vscode.l10n.t('Clean Up'),
      rule: describeRule(deps, rule),
    });
    const recheck = scheduleRecheck(deps, summary.batchId);
    if (recheck) rechecks.add(recheck);
    refreshPreviewDocuments();
    return { ...base, summary };
  }
}

/**
 * On startup, when `reactions.cleanUp.notifyOnStartup` is on (activation checks the setting before it
 * loads this module): one quiet notification if the remembered rule matches anything.
 */
export async function checkOnStartup(deps: Deps): Promise<void> {
  const rule = lastRule(deps.globalState);
  if (!rule || isEmptyRule(rule)) return;
  const n = previewCleanup(deps.store.all(), rule, (id) => deps.keep.has(id)).toRemove.length;
  if (n === 0) return;
  const review = vscode.l10n.t('Review');
  const choice = await vscode.window.showInformationMessage(
    n === 1
      ? vscode.l10n.t('{0} reaction matches your clean-up rule.', n)
      : vscode.l10n.t('{0} reactions match your clean-up rule.', n),
    review,
  );
  if (choice === review) await runCommand('reactions.cleanUpAgain');
}

/** The automatic re-checks still waiting (cancelled when the extension stops). */
const rechecks = new Set<vscode.Disposable>();

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    { dispose: () => rechecks.forEach((d) => d.dispose()) },
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previewDocuments),
    command(deps, 'reactions.cleanUp', async (arg?: unknown): Promise<CleanUpResult | undefined> => {
      if (isArgs(arg)) {
        const confirm = !skipConfirm(arg);
        return run(deps, parseRule(arg), { interactive: confirm, confirm, dryRun: arg.dryRun === true });
      }
      if (deps.accounts.list().length === 0) {
        await pickAccount(deps.accounts, vscode.l10n.t('Clean up which account?'));
        return undefined;
      }
      const rule = await askRule(deps, lastRule(deps.globalState));
      return rule && run(deps, rule, { interactive: true, confirm: true, dryRun: false });
    }),
    command(deps, 'reactions.cleanUpAgain', async (): Promise<CleanUpResult | undefined> => {
      const rule = lastRule(deps.globalState);
      if (!rule) return runCommand<CleanUpResult>('reactions.cleanUp');
      return run(deps, rule, { interactive: true, confirm: true, dryRun: false });
    }),
  );
}
