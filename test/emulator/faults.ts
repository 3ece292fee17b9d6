/** Fault injection: a list of specs, matched in the order they were added. */
import type { FaultHandle, FaultSpec } from './types';

interface Entry {
  spec: FaultSpec;
  hits: number;
  seen: number;
  removed: boolean;
}

/** Whether a fault's `path` (exact, `prefix*`, or a RegExp) matches a request's path. */
export function pathMatches(pattern: string | RegExp, path: string): boolean {
  if (pattern instanceof RegExp) {
    pattern.lastIndex = 0;
    return pattern.test(path);
  }
  return pattern.endsWith('*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern;
}

/** True when the fault makes the answer fail (as opposed to only delaying or rewriting it). */
export function isFailing(spec: FaultSpec): boolean {
  return !!(
    spec.reset ||
    spec.hang ||
    spec.redirectTo ||
    spec.malformedJson ||
    spec.status !== undefined ||
    spec.body !== undefined
  );
}

export class Faults {
  private entries: Entry[] = [];

  add(spec: FaultSpec): FaultHandle {
    if (!spec || (typeof spec.path !== 'string' && !(spec.path instanceof RegExp)))
      throw new Error('fault: `path` (string or RegExp) is required');
    if (spec.times !== undefined && !(spec.times >= 0)) throw new Error('fault: `times` must be a number >= 0');
    const entry: Entry = { spec, hits: 0, seen: 0, removed: false };
    this.entries.push(entry);
    return {
      get hits() {
        return entry.hits;
      },
      remove: () => {
        entry.removed = true;
        this.entries = this.entries.filter((e) => e !== entry);
      },
    };
  }

  clear(): void {
    for (const e of this.entries) e.removed = true;
    this.entries = [];
  }

  /**
   * The first active fault for this request, counted as a hit; undefined when none applies. `queued`:
   * only the faults that hold a request before the rate limit (`queuedMs`), otherwise only the others.
   */
  take(server: 'selfcommunity' | 'tines', method: string, path: string, queued = false): FaultSpec | undefined {
    for (const e of this.entries) {
      const { spec } = e;
      if (e.removed || (spec.times !== undefined && e.hits >= spec.times)) continue;
      if ((spec.queuedMs !== undefined) !== queued) continue;
      if (spec.server && spec.server !== server) continue;
      if (spec.method && spec.method.toUpperCase() !== method) continue;
      if (!pathMatches(spec.path, path)) continue;
      e.seen++;
      if (e.seen <= (spec.skip ?? 0)) continue;
      e.hits++;
      return spec;
    }
    return undefined;
  }
}
