/**
 * How a listing's progress (core/progress.ts) shows: the account row's "412 found · 38% · ~1 min left",
 * the tooltip's per-type breakdown, the view's determinate progress bar, and — for a Full Rescan of a
 * large account — a cancellable notification with the same numbers, visible when the view is hidden.
 * `ProgressFeed` coalesces the many page-by-page changes into a few updates per second per account.
 */
import * as vscode from 'vscode';
import type { BulkSnapshot } from '../core/bulkProgress';
import type { Account } from '../core/model';
import type { PartialListing, ProgressSnapshot, ScanProgress, SourceId } from '../core/progress';

/** At most this many progress updates per second and account reach the view. */
export const PROGRESS_THROTTLE_MS = 250;
/** A Full Rescan of an account with more items than this offers a notification. */
export const LARGE_SCAN_ITEMS = 20_000;

/** What the progress UI needs from the listings (kept narrow: no cycle with listings.ts). */
export interface ProgressSource {
  progress(accountId: string): ProgressSnapshot | undefined;
  isLoading(accountId: string): boolean;
  cancelListing(accountId: string): boolean;
  readonly onDidProgress: vscode.Event<string>;
}

export function itemsKnown(s: ProgressSnapshot): number {
  return s.sources.reduce((a, x) => a + x.known, 0);
}

function num(n: number): string {
  return Math.round(n).toLocaleString(vscode.env.language);
}

/** "~20 s left", "~3 min left", "~2 h left". */
export function remainingText(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return vscode.l10n.t('~{0} s left', s < 10 ? s : Math.ceil(s / 5) * 5);
  const min = Math.round(s / 60);
  if (min < 90) return vscode.l10n.t('~{0} min left', min);
  return vscode.l10n.t('~{0} h left', Math.round(min / 60));
}

/** "waiting for the server's rate limit, ~40 s" (or "~3 minutes"): while the server makes us wait. */
export function waitingText(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  if (s < 60) return vscode.l10n.t("waiting for the server's rate limit, ~{0} s", s);
  const min = Math.round(s / 60);
  return min === 1
    ? vscode.l10n.t("waiting for the server's rate limit, ~1 minute")
    : vscode.l10n.t("waiting for the server's rate limit, ~{0} minutes", min);
}

/** Shown only when a wait is long enough to notice. */
const SHOWN_WAIT_MS = 1000;

/** "412 found · 38% · ~1 min left" (or "· estimating…" until the rate has settled), and a rate-limit wait. */
export function progressText(s: ProgressSnapshot): string {
  const parts = [vscode.l10n.t('{0} found', num(s.found)), `${s.percent}%`];
  parts.push(s.remainingMs === undefined ? vscode.l10n.t('estimating…') : remainingText(s.remainingMs));
  if (s.waitingMs >= SHOWN_WAIT_MS) parts.push(waitingText(s.waitingMs));
  return parts.join(' · ');
}

/** A bulk removal's notification: "120 of 2,713 · ~3 min left · waiting for the server's rate limit, ~40 s". */
export function bulkProgressText(s: BulkSnapshot): string {
  const parts = [vscode.l10n.t('{0} of {1}', num(s.done), num(s.total))];
  parts.push(s.remainingMs === undefined ? vscode.l10n.t('estimating…') : remainingText(s.remainingMs));
  if (s.waitingMs >= SHOWN_WAIT_MS) parts.push(waitingText(s.waitingMs));
  return parts.join(' · ');
}

/** "partial — cancelled" (or the pager's reason). */
export function partialText(p: PartialListing): string {
  return vscode.l10n.t('partial — {0}', p.reason === 'cancelled' ? vscode.l10n.t('cancelled') : p.reason);
}

export function partialTooltip(p: PartialListing): string {
  const why = p.reason === 'cancelled' ? vscode.l10n.t('you cancelled the listing') : (p.detail ?? p.reason);
  return vscode.l10n.t(
    'Partial: {0} ({1}). The reactions found so far are shown; some may be missing until the next Refresh or Full Rescan.',
    why,
    p.at.toLocaleTimeString(vscode.env.language),
  );
}

const SOURCE_LABELS: Record<SourceId, () => string> = {
  status: () => vscode.l10n.t('Statuses'),
  discussion: () => vscode.l10n.t('Discussions'),
  post: () => vscode.l10n.t('Posts'),
  comment: () => vscode.l10n.t('Comments and replies'),
  case: () => vscode.l10n.t('Cases'),
  case_comment: () => vscode.l10n.t('Case comments'),
};

/** The tooltip's breakdown: one line per source ("Statuses: 1,200 of 1,200 read"), then the requests. */
export function progressLines(s: ProgressSnapshot): string[] {
  const lines = s.sources.map((x) =>
    vscode.l10n.t('{0}: {1} of {2} read', SOURCE_LABELS[x.source](), num(x.scanned), num(x.known)),
  );
  lines.push(vscode.l10n.t('Requests: {0} of ~{1}', num(s.requestsDone), num(s.requestsEstimated)));
  return lines;
}

/** Coalesces progress changes per account and remembers how big each account's last listing was. */
export class ProgressFeed implements vscode.Disposable {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly lastKnown = new Map<string, number>();

  constructor(private readonly fire: (accountId: string) => void) {}

  /**
   * Follows one listing until `done`. `large` is called once if the account is large (from its last
   * listing, or as soon as the first counts say so).
   */
  watch(accountId: string, progress: ScanProgress, done: Promise<void>, large?: () => void): void {
    let offered = !large;
    const offer = () => {
      if (offered || itemsKnown(progress.snapshot()) <= LARGE_SCAN_ITEMS) return;
      offered = true;
      large!();
    };
    if (!offered && (this.lastKnown.get(accountId) ?? 0) > LARGE_SCAN_ITEMS) {
      offered = true;
      large!();
    }
    const stop = progress.onChange(() => {
      offer();
      if (this.timers.has(accountId)) return;
      const timer = setTimeout(() => {
        this.timers.delete(accountId);
        this.fire(accountId);
      }, PROGRESS_THROTTLE_MS);
      this.timers.set(accountId, timer);
    });
    void done.finally(() => {
      stop();
      clearTimeout(this.timers.get(accountId));
      this.timers.delete(accountId);
      const known = itemsKnown(progress.snapshot());
      if (known > 0) this.lastKnown.set(accountId, known);
      this.fire(accountId);
    });
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}

/** The mean percent of the given accounts' listings (an account not listing counts as done). */
function meanPercent(source: ProgressSource, ids: readonly string[]): number {
  const each = ids.map((id) => (source.isLoading(id) ? (source.progress(id)?.percent ?? 0) : 100));
  return each.reduce((a, b) => a + b, 0) / Math.max(1, ids.length);
}

/** A determinate progress bar in the view while `all` runs, advanced by increments as the mean percent grows. */
export function showViewProgress(
  source: ProgressSource,
  viewId: string,
  ids: readonly string[],
  all: Promise<void>,
): void {
  void vscode.window.withProgress({ location: { viewId } }, (bar) => {
    let shown = 0;
    const sub = source.onDidProgress((id) => {
      if (!ids.includes(id)) return;
      const now = Math.min(100, meanPercent(source, ids));
      if (now > shown) bar.report({ increment: now - shown });
      shown = Math.max(shown, now);
    });
    return all.finally(() => sub.dispose());
  });
}

/** A cancellable notification with the account's numbers until its listing ends (Cancel = Cancel Listing). */
export function showScanNotification(source: ProgressSource, account: Account, done: Promise<void>): void {
  void vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Full Rescan of {0}', account.label),
      cancellable: true,
    },
    (bar, token) => {
      let shown = 0;
      const update = () => {
        const s = source.progress(account.id);
        if (!s) return;
        bar.report({ increment: Math.max(0, s.percent - shown), message: progressText(s) });
        shown = Math.max(shown, s.percent);
      };
      update();
      const sub = source.onDidProgress((id) => id === account.id && update());
      const cancel = token.onCancellationRequested(() => source.cancelListing(account.id));
      return done.finally(() => {
        sub.dispose();
        cancel.dispose();
      });
    },
  );
}
