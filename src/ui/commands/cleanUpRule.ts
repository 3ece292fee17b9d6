/**
 * The Clean Up rule, asked step by step like Add Account: older than N days → accounts → reactions →
 * text, with a step counter and Back on every step after the first, prefilled with the last rule.
 */
import * as vscode from 'vscode';
import { parseRule, type CleanupRule } from '../../core/cleanup/rule';
import { MultiStepInput, type Step } from '../auth/flows/multiStepInput';
import type { Deps } from '../deps';
import { kindChoices, serviceLabel } from '../labels';

/** The rule, step by step; undefined when cancelled. */
export async function askRule(deps: Deps, last: CleanupRule | undefined): Promise<CleanupRule | undefined> {
  const title = vscode.l10n.t('Clean Up');
  const accounts = deps.accounts.list();
  const kinds = kindChoices(deps.store.all());
  const totalSteps = 2 + (accounts.length > 1 ? 1 : 0) + (kinds.length > 1 ? 1 : 0);
  const state = {
    days: String(last?.olderThanDays ?? 90),
    accountIds: last?.accountIds,
    kinds: last?.kinds,
    text: last?.text ?? '',
  };
  let step = 0;
  let done = false;

  const askDays: Step = async (flow) => {
    step = 1;
    state.days = await flow.ask({
      title,
      step,
      totalSteps,
      prompt: vscode.l10n.t('Remove reactions older than how many days? Empty: any age.'),
      value: state.days,
      validate: (v) =>
        v.trim() === '' || /^\d{1,5}$/.test(v.trim()) ? undefined : vscode.l10n.t('A whole number of days, e.g. 90.'),
    });
    return accounts.length > 1 ? askAccounts : kinds.length > 1 ? askKinds : askText;
  };

  const askAccounts: Step = async (flow) => {
    step = 2;
    const was = new Set(state.accountIds ?? accounts.map((a) => a.id));
    const picked = await flow.pickMany({
      title,
      step,
      totalSteps,
      placeholder: vscode.l10n.t('From which accounts?'),
      items: accounts.map((a) => ({
        label: a.label,
        description: serviceLabel(a.service),
        id: a.id,
        picked: was.has(a.id),
      })),
    });
    if (picked.length === 0) return flow.dismiss();
    state.accountIds = picked.length === accounts.length ? undefined : picked.map((p) => p.id);
    return kinds.length > 1 ? askKinds : askText;
  };

  const askKinds: Step = async (flow) => {
    step = accounts.length > 1 ? 3 : 2;
    const was = new Set((state.kinds ?? []).map((k) => k.toLowerCase()));
    const picked = await flow.pickMany({
      title,
      step,
      totalSteps,
      placeholder: vscode.l10n.t('Only these reactions? (none checked: all)'),
      items: kinds.map((k) => ({ ...k, picked: was.has(k.key) })),
    });
    state.kinds = picked.length ? picked.map((p) => p.key) : undefined;
    return askText;
  };

  const askText: Step = async (flow) => {
    step = totalSteps;
    state.text = await flow.ask({
      title,
      step,
      totalSteps,
      prompt: vscode.l10n.t('Only reactions on items containing these words? Empty: any.'),
      value: state.text,
      validate: () => undefined,
    });
    done = true;
    return undefined;
  };

  await new MultiStepInput(deps.logger).run(askDays);
  if (!done) return undefined;
  return parseRule({
    olderThanDays: state.days.trim() || undefined,
    accountIds: state.accountIds,
    kinds: state.kinds,
    text: state.text,
  });
}
