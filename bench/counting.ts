import type { Logger } from '../src/core/log';

/**
 * Counts requests (every answered request is one log line "→ status (N ms)") and the answers 429 among
 * them; `starts` keeps when each request the server accepted started (its answer's time less N ms).
 */
export class CountingLogger implements Logger {
  requests = 0;
  refused = 0;
  readonly starts: number[] = [];
  trace() {}
  debug() {}
  info(m: string) {
    if (m.includes(' → ')) this.count(m, false);
  }
  warn(m: string) {
    if (m.includes(' → ')) this.count(m, m.includes(' → 429'));
  }
  error() {}
  reset() {
    this.requests = this.refused = 0;
    this.starts.length = 0;
  }
  private count(m: string, refused: boolean) {
    this.requests++;
    if (refused) return void this.refused++;
    const ms = / \((\d+) ms\)/.exec(m);
    this.starts.push(Date.now() - Number(ms?.[1] ?? 0));
  }
}
