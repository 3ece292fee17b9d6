/** Dates as the UI shows them: short ("3 d", "Mar 2024") in rows, full in tooltips, "5 min ago". */
import * as vscode from 'vscode';
import { ageOf } from '../core/dates';

/** "now", "5 min", "3 h", "12 d", then "Mar 2024": short enough for a row's description. */
export function shortDate(ms: number, now = Date.now()): string {
  const age = ageOf(ms, now);
  switch (age.unit) {
    case 'now':
      return vscode.l10n.t('now');
    case 'min':
      return vscode.l10n.t('{0} min', age.n);
    case 'h':
      return vscode.l10n.t('{0} h', age.n);
    case 'd':
      return vscode.l10n.t('{0} d', age.n);
    case 'month':
      return monthName(age.month, age.year, 'short', true);
  }
}

/** "March" or "Mar 2024", in the display language. */
export function monthName(month: number, year: number, width: 'short' | 'long', withYear: boolean): string {
  return new Intl.DateTimeFormat(vscode.env.language, {
    month: width,
    ...(withYear ? { year: 'numeric' as const } : {}),
  }).format(new Date(year, month, 1));
}

/** The full local date and time, for tooltips. */
export function fullDate(ms: number): string {
  return new Date(ms).toLocaleString(vscode.env.language);
}

/** "just now", "5 min ago", "3 h ago", "2 d ago". */
export function timeAgo(then: Date, now = Date.now()): string {
  const minutes = Math.floor(Math.max(0, now - then.getTime()) / 60_000);
  if (minutes < 1) return vscode.l10n.t('just now');
  if (minutes < 60) return vscode.l10n.t('{0} min ago', minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return vscode.l10n.t('{0} h ago', hours);
  return vscode.l10n.t('{0} d ago', Math.floor(hours / 24));
}
