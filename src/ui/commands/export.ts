/**
 * `reactions.export` — writes the reactions the tree shows (the filter applies) to a JSON or CSV file
 * through `workspace.fs` (so it also works in remote and virtual workspaces).
 *   args: `{ format: 'json' | 'csv', uri: string | Uri }` (no UI) | none (QuickPick of the format, then
 *   a save dialog). Returns `{ uri, count }`. The file holds no token (reactions never carry one).
 */
import * as vscode from 'vscode';
import { ReactionsError } from '../../core/errors';
import type { Account, Reaction } from '../../core/model';
import { serviceOfAccount } from '../../core/store';
import type { Deps } from '../deps';
import { command } from '../commandRunner';
import { isArgs, stringArg } from './args';

export type ExportFormat = 'json' | 'csv';

export interface ExportRow {
  service: string;
  account: string;
  accountId: string;
  targetType: string;
  targetId: string;
  parentType: string;
  parentId: string;
  parentTitle: string;
  excerpt: string;
  author: string;
  createdAt: string;
  url: string;
  reactionId: string;
  reaction: string;
  reactionLabel: string;
  emoji: string;
  reactedAt: string;
  /** 'yes' when the reaction is on the keep list. */
  kept: string;
}

const COLUMNS: readonly (keyof ExportRow)[] = [
  'service',
  'account',
  'accountId',
  'targetType',
  'targetId',
  'parentType',
  'parentId',
  'parentTitle',
  'excerpt',
  'author',
  'createdAt',
  'url',
  'reactionId',
  'reaction',
  'reactionLabel',
  'emoji',
  'reactedAt',
  'kept',
];

/** A kept date (ms) as the export writes it: ISO 8601 in UTC, or empty. */
const isoDate = (ms: number | undefined): string => (ms === undefined ? '' : new Date(ms).toISOString());

export function toRow(r: Reaction, account: Account | undefined, kept = false, url = r.target.url): ExportRow {
  const t = r.target;
  return {
    service: serviceOfAccount(r.accountId),
    account: account?.label ?? '',
    accountId: r.accountId,
    targetType: t.type,
    targetId: t.id,
    parentType: t.parent?.type ?? '',
    parentId: t.parent?.id ?? '',
    parentTitle: t.parent?.title ?? '',
    excerpt: t.excerpt,
    author: t.author ?? '',
    createdAt: isoDate(t.createdAt),
    url: url ?? '',
    reactionId: r.id,
    reaction: r.kind.id,
    reactionLabel: r.kind.label,
    emoji: r.kind.emoji ?? '',
    reactedAt: isoDate(r.reactedAt),
    kept: kept ? 'yes' : '',
  };
}

/** One CSV cell (RFC 4180), neutralising spreadsheet formulas (but keeping values like `+1`/`-1`). */
export function csvCell(value: string): string {
  let v = value;
  if (/^[=@\t\r]/.test(v) || /^[+-](?![0-9.]+$)/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The rows as CSV; `extra` columns (e.g. a receipt's outcome and reason) come after the reaction's. */
export function toCsv(rows: readonly ExportRow[], extra: readonly string[] = []): string {
  const columns: readonly string[] = [...COLUMNS, ...extra];
  const lines = [columns.join(',')];
  for (const row of rows)
    lines.push(columns.map((c) => csvCell((row as unknown as Record<string, string>)[c] ?? '')).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The rows as JSON; `head` (e.g. what a receipt's run was asked) comes before them. */
export function toJson(rows: readonly ExportRow[], head: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ exportedAt: new Date().toISOString(), ...head, count: rows.length, reactions: rows }, null, 2)}\n`;
}

/** The file to export to: from plain-object args `{ format, uri }`, else a QuickPick and a save dialog. */
export async function exportTarget(
  arg: unknown,
  title: string,
  baseName: string,
): Promise<{ format: ExportFormat; uri: vscode.Uri } | undefined> {
  if (isArgs(arg)) {
    const f = (stringArg(arg, 'format') ?? 'json').toLowerCase();
    if (f !== 'json' && f !== 'csv')
      throw new ReactionsError('invalid-input', vscode.l10n.t('"format" must be "json" or "csv".'));
    return { format: f, uri: uriArg(arg.uri) };
  }
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'JSON', description: vscode.l10n.t('every field, for scripts'), format: 'json' as const },
      { label: 'CSV', description: vscode.l10n.t('for spreadsheets'), format: 'csv' as const },
    ],
    { title, placeHolder: vscode.l10n.t('File format') },
  );
  if (!picked) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const name = `${baseName}.${picked.format}`;
  const uri = await vscode.window.showSaveDialog({
    title,
    defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
    filters: picked.format === 'json' ? { JSON: ['json'] } : { CSV: ['csv'] },
    saveLabel: vscode.l10n.t('Export'),
  });
  return uri && { format: picked.format, uri };
}

/** Writes an export and, when a person asked for it (no args), says where with an Open button. */
export async function writeExport(deps: Deps, uri: vscode.Uri, text: string, count: number, quiet: boolean) {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  deps.logger.info(`exported ${count} reaction(s) to ${uri.toString(true)}`);
  if (quiet) return;
  const open = vscode.l10n.t('Open');
  const where = uri.scheme === 'file' ? uri.fsPath : uri.toString(true);
  void vscode.window
    .showInformationMessage(
      count === 1
        ? vscode.l10n.t('Exported {0} reaction to {1}.', count, where)
        : vscode.l10n.t('Exported {0} reactions to {1}.', count, where),
      open,
    )
    .then((c) => {
      if (c === open) void vscode.window.showTextDocument(uri);
    });
}

function uriArg(v: unknown): vscode.Uri {
  if (v instanceof vscode.Uri) return v;
  if (typeof v === 'string' && v) {
    return /^[a-z][a-z0-9+.-]*:/i.test(v) && !/^[a-z]:[\\/]/i.test(v) ? vscode.Uri.parse(v, true) : vscode.Uri.file(v);
  }
  if (v && typeof v === 'object' && typeof (v as { scheme?: unknown }).scheme === 'string')
    return vscode.Uri.from(v as vscode.Uri);
  throw new ReactionsError('invalid-input', vscode.l10n.t('"uri" must be a file URI or path.'));
}

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    command(deps, 'reactions.export', async (arg?: unknown): Promise<{ uri: string; count: number } | undefined> => {
      const target = await exportTarget(arg, vscode.l10n.t('Export Reactions'), 'reactions');
      if (!target) return undefined;
      const { format, uri } = target;
      const accounts = new Map(deps.accounts.list().map((a) => [a.id, a]));
      const rows = deps.store
        .visible()
        .sort((a, b) => a.accountId.localeCompare(b.accountId) || a.id.localeCompare(b.id))
        .map((r) => {
          const account = accounts.get(r.accountId);
          // SelfCommunity links are derived, not kept with each reaction: the account's client makes them
          const url = account ? deps.accounts.client(account.id).webUrl(r.target) : r.target.url;
          return toRow(r, account, deps.keep.has(r.id), url);
        });
      await writeExport(deps, uri, format === 'json' ? toJson(rows) : toCsv(rows), rows.length, isArgs(arg));
      return { uri: uri.toString(), count: rows.length };
    }),
  );
}
