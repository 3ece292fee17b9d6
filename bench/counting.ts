import type { Logger } from '../src/core/log';

/** Counts requests (every answered request is one log line "→ status") and the answers 429 among them. */
export class CountingLogger implements Logger {
  requests = 0;
  refused = 0;
  trace() {}
  debug() {}
  info(m: string) {
    if (m.includes(' → ')) this.requests++;
  }
  warn(m: string) {
    if (!m.includes(' → ')) return;
    this.requests++;
    if (m.includes(' → 429')) this.refused++;
  }
  error() {}
  reset() {
    this.requests = this.refused = 0;
  }
}
