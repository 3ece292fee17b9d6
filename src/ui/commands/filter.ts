/**
 * `reactions.filter` / `reactions.clearFilter` — narrow the tree (and pickers, export, badge).
 *   filter args: `{ text?: string, kinds?: string[], services?: ('selfcommunity'|'tines')[],
 *   olderThanDays?: number, from?: 'YYYY-MM-DD', to?: 'YYYY-MM-DD' }` replaces
 *   the filter (kinds match a reaction's label or id, case-insensitively); none: a QuickPick to edit
 *   the text, reaction or service part. Both return the filter now in effect.
 */
import * as vscode from 'vscode';
import { parseDateRange } from '../../core/dates';
import { ReactionsError } from '../../core/errors';
import type { ServiceId } from '../../core/model';
import { providers } from '../../core/services/registry';
import type { ReactionFilter } from '../../core/store';
import type { Deps } from '../deps';
import { command } from '../commandRunner';
import { kindChoices, serviceLabel } from '../labels';
import { isArgs } from './args';

function stringList(v: unknown, name: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  throw new ReactionsError('invalid-input', vscode.l10n.t('"{0}" must be a list of strings.', name));
}

function filterFromArgs(arg: Record<string, unknown>): ReactionFilter {
  if (arg.text !== undefined && typeof arg.text !== 'string')
    throw new ReactionsError('invalid-input', vscode.l10n.t('"text" must be a string.'));
  const services = stringList(arg.services, 'services');
  const unknown = services?.filter((s) => !providers.some((p) => p.id === s));
  if (unknown?.length)
    throw new ReactionsError('invalid-input', vscode.l10n.t('Unknown service(s): {0}.', unknown.join(', ')));
  return {
    ...parseDateRange(arg),
    text: arg.text as string | undefined,
    kinds: stringList(arg.kinds, 'kinds'),
    services: services as ServiceId[] | undefined,
  };
}

async function editFilter(deps: Deps): Promise<void> {
  const f = deps.store.filter;
  type Choice = vscode.QuickPickItem & { id: 'text' | 'kind' | 'service' | 'date' | 'clear' };
  const none = vscode.l10n.t('any');
  const items: Choice[] = [
    { id: 'text', label: `$(search) ${vscode.l10n.t('Text…')}`, description: f.text ? `"${f.text}"` : none },
    { id: 'kind', label: `$(reactions) ${vscode.l10n.t('Reaction…')}`, description: f.kinds?.join(', ') || none },
    {
      id: 'service',
      label: `$(server) ${vscode.l10n.t('Service…')}`,
      description: f.services?.map(serviceLabel).join(', ') || none,
    },
    { id: 'date', label: `$(calendar) ${vscode.l10n.t('Date…')}`, description: dateText(f) || none },
  ];
  if (deps.store.isFiltered) items.push({ id: 'clear', label: `$(clear-all) ${vscode.l10n.t('Clear Filter')}` });
  const choice = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Filter Reactions'),
    placeHolder: vscode.l10n.t('Filter by…'),
  });
  if (!choice) return;
  switch (choice.id) {
    case 'clear':
      deps.store.clearFilter();
      return;
    case 'text': {
      const text = await vscode.window.showInputBox({
        title: vscode.l10n.t('Filter Reactions by Text'),
        value: f.text ?? '',
        prompt: vscode.l10n.t(
          'Words to look for in the text, author, case or reaction (all must match). Empty: no text filter.',
        ),
      });
      if (text === undefined) return;
      deps.store.setFilter({ ...f, text });
      return;
    }
    case 'date': {
      const range = await askDateRange(f);
      if (range) deps.store.setFilter({ ...f, olderThanDays: undefined, from: undefined, to: undefined, ...range });
      return;
    }
    case 'kind': {
      const choices = kindChoices(deps.store.all());
      if (choices.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No reactions are listed yet.'));
        return;
      }
      const current = new Set((f.kinds ?? []).map((k) => k.toLowerCase()));
      const kinds = await pickSubset(
        choices,
        current,
        vscode.l10n.t('Filter Reactions by Reaction'),
        vscode.l10n.t('Show only these reactions (none: all)'),
      );
      if (kinds) deps.store.setFilter({ ...f, kinds });
      return;
    }
    case 'service': {
      const current = new Set(f.services ?? []);
      const services = await pickSubset(
        providers.map((p) => ({ label: p.label, key: p.id })),
        current,
        vscode.l10n.t('Filter Reactions by Service'),
        vscode.l10n.t('Show only these services (none: all)'),
      );
      if (services) deps.store.setFilter({ ...f, services: services as ServiceId[] });
      return;
    }
  }
}

/** A multi-select QuickPick over `items`, with `current` ticked; the keys picked, or undefined when dismissed. */
async function pickSubset(
  items: { label: string; key: string; description?: string }[],
  current: ReadonlySet<string>,
  title: string,
  placeHolder: string,
): Promise<string[] | undefined> {
  const picked = await vscode.window.showQuickPick(
    items.map((i) => ({ ...i, picked: current.has(i.key) })),
    { canPickMany: true, title, placeHolder },
  );
  return picked?.map((p) => p.key);
}

function dateText(f: ReactionFilter): string {
  if (f.olderThanDays !== undefined)
    return f.olderThanDays === 1
      ? vscode.l10n.t('older than {0} day', f.olderThanDays)
      : vscode.l10n.t('older than {0} days', f.olderThanDays);
  if (f.from || f.to) return `${f.from ?? '…'} – ${f.to ?? '…'}`;
  return '';
}

/** "Older than N days" or "Between dates" (or any date); undefined when cancelled. */
async function askDateRange(f: ReactionFilter): Promise<ReactionFilter | undefined> {
  type Pick = vscode.QuickPickItem & { id: 'older' | 'between' | 'any' };
  const title = vscode.l10n.t('Filter Reactions by Date');
  const how = await vscode.window.showQuickPick<Pick>(
    [
      { id: 'older', label: vscode.l10n.t('Older than N days…') },
      { id: 'between', label: vscode.l10n.t('Between dates…') },
      { id: 'any', label: vscode.l10n.t('Any date') },
    ],
    { title, placeHolder: vscode.l10n.t('On the reaction date, or the item date where the service gives none') },
  );
  if (!how) return undefined;
  if (how.id === 'any') return {};
  const valid = (test: () => unknown) => {
    try {
      test();
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };
  if (how.id === 'older') {
    const days = await vscode.window.showInputBox({
      title,
      prompt: vscode.l10n.t('Show reactions older than how many days?'),
      value: String(f.olderThanDays ?? 90),
      validateInput: (v) => valid(() => parseDateRange({ olderThanDays: v })),
    });
    return days === undefined ? undefined : parseDateRange({ olderThanDays: days });
  }
  const from = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('From (YYYY-MM-DD, inclusive; empty: no start)'),
    value: f.from ?? '',
    validateInput: (v) => valid(() => parseDateRange({ from: v })),
  });
  if (from === undefined) return undefined;
  const to = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('To (YYYY-MM-DD, inclusive; empty: no end)'),
    value: f.to ?? '',
    validateInput: (v) => valid(() => parseDateRange({ from, to: v })),
  });
  return to === undefined ? undefined : parseDateRange({ from, to });
}

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    command(deps, 'reactions.filter', async (arg?: unknown): Promise<ReactionFilter> => {
      if (isArgs(arg)) deps.store.setFilter(filterFromArgs(arg));
      else await editFilter(deps);
      deps.tree.flush();
      return deps.store.filter;
    }),
    command(deps, 'reactions.clearFilter', async (): Promise<ReactionFilter> => {
      deps.store.clearFilter();
      deps.tree.flush();
      return deps.store.filter;
    }),
  );
}
