/**
 * How far a bulk removal is, for its notification: done of total, the time left at the pace seen so
 * far (waits included: they are part of the time elapsed), never less than a rate-limit wait in
 * progress on any of the accounts, and how long that wait still is. Plain arithmetic; injectable clock.
 */
import type { PaceView } from './progress';

export interface BulkSnapshot {
  readonly done: number;
  readonly total: number;
  /** Estimated milliseconds left, or undefined until a few have finished. */
  readonly remainingMs: number | undefined;
  /** Milliseconds left of a rate-limit wait in progress (0: none). */
  readonly waitingMs: number;
}

/** Outcomes needed before the time left is shown. */
const MIN_DONE = 3;

export class BulkProgress {
  private finished = 0;
  private readonly started: number;

  constructor(
    private readonly total: number,
    private readonly paces: readonly PaceView[] = [],
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  /** One more reaction has its outcome. */
  done(): void {
    this.finished++;
  }

  snapshot(): BulkSnapshot {
    const left = Math.max(0, this.total - this.finished);
    const waitingMs = left > 0 ? Math.max(0, ...this.paces.map((p) => p.waitingMs())) : 0;
    let remainingMs: number | undefined;
    if (left === 0) remainingMs = 0;
    else if (this.finished >= MIN_DONE) {
      const perItem = (this.now() - this.started) / this.finished;
      remainingMs = Math.max(left * perItem, waitingMs);
    } else if (waitingMs >= 1000) remainingMs = waitingMs;
    return { done: this.finished, total: this.total, remainingMs, waitingMs };
  }
}
