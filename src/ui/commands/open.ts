/**
 * `reactions.openInBrowser` / `reactions.copyLink` — the target's web page.
 *   args: reaction node | `{ reactionId }` | none (QuickPick). Only http(s) links are opened.
 *   openInBrowser returns whether it opened; copyLink returns the link.
 */
import * as vscode from 'vscode';
import { ReactionsError } from '../../core/errors';
import type { Reaction } from '../../core/model';
import type { Deps } from '../deps';
import { command } from '../commandRunner';
import { reactionsFor } from './args';

export function linkOf(deps: Deps, r: Reaction): vscode.Uri {
  const raw = r.target.url ?? deps.accounts.client(r.accountId).webUrl(r.target);
  if (!raw) throw new ReactionsError('not-found', vscode.l10n.t('This item has no web page.'));
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(raw, true);
  } catch {
    throw new ReactionsError('unsafe', vscode.l10n.t('The link of this item is not a valid URL.'));
  }
  if (uri.scheme !== 'https' && uri.scheme !== 'http') {
    throw new ReactionsError('unsafe', vscode.l10n.t('Refusing to open a {0}: link.', uri.scheme));
  }
  return uri;
}

async function one(deps: Deps, arg: unknown, placeHolder: string): Promise<Reaction | undefined> {
  const reactions = await reactionsFor(deps, arg, undefined, { canPickMany: false, placeHolder });
  return reactions?.[0];
}

export function register(context: vscode.ExtensionContext, deps: Deps): void {
  context.subscriptions.push(
    command(deps, 'reactions.openInBrowser', async (arg?: unknown): Promise<boolean | undefined> => {
      const r = await one(deps, arg, vscode.l10n.t('Open which item in the browser?'));
      if (!r) return undefined;
      return vscode.env.openExternal(linkOf(deps, r));
    }),
    command(deps, 'reactions.copyLink', async (arg?: unknown): Promise<string | undefined> => {
      const r = await one(deps, arg, vscode.l10n.t('Copy the link of which item?'));
      if (!r) return undefined;
      const link = linkOf(deps, r).toString(true);
      await vscode.env.clipboard.writeText(link);
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Link copied: {0}', link), 3000);
      return link;
    }),
  );
}
