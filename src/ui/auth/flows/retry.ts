/**
 * Which typed input a failed sign-in blames (no `vscode` here: unit-tested in Node). The core sets
 * `field` where it knows; otherwise the kind decides: a rejected token → the token, anything about
 * reaching the site → the URL.
 */
import { isReactionsError, type InputField } from '../../../core/errors';

const ABOUT_THE_SITE = new Set(['network', 'not-found', 'bad-response', 'unsafe', 'timeout', 'server']);

export function blamedInput(e: unknown): InputField | undefined {
  if (!isReactionsError(e)) return undefined;
  if (e.field) return e.field;
  if (e.kind === 'auth' || e.kind === 'forbidden') return 'token';
  if (e.kind === 'unsafe' && !e.url) return undefined; // e.g. a forged sign-in answer: nothing typed was wrong
  return ABOUT_THE_SITE.has(e.kind) ? 'baseUrl' : undefined;
}
