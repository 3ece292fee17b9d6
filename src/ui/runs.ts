/**
 * The bulk runs of this window (see core/cleanup/runs.ts): each journaled as it goes. When the window goes
 * away mid-run (reload, close), `stopRuns()` (from deactivate) stops starting writes, lets the ones in
 * flight finish and record their outcomes (a few seconds at most), and leaves the run without an end, so
 * the next start notices it as interrupted.
 */
import type { JournalBatch, RemovalSource } from '../core/cleanup/journal';
import type { RunOutcome } from '../core/cleanup/runs';
import type { Reaction } from '../core/model';
import type { Deps } from './deps';

/** How long deactivate waits for the writes in flight to be answered and journaled. */
const STOP_WAIT_MS = 4_000;

interface Active {
  readonly controller: AbortController;
  readonly settled: Promise<void>;
  stopping: boolean;
}

const active = new Set<Active>();

export interface RecordedRun {
  /** The journal batch the run writes to. */
  readonly batchId: string;
  sending(r: Reaction): Promise<void>;
  outcome(x: RunOutcome): Promise<void>;
  /** The run is over: its end is written, unless the window is going away (then it stays interrupted). */
  end(cancelled: boolean): Promise<void>;
}

/** Starts journaling a run (or continues `resume`); `controller` aborts it when the window goes away. */
export async function recordRun(
  deps: Deps,
  source: RemovalSource,
  reactions: readonly Reaction[],
  controller: AbortController,
  resume?: JournalBatch,
): Promise<RecordedRun> {
  const options = { warn: (m: string) => deps.logger.warn(m) };
  // The recorder loads with the first run: activation only needs stopRuns.
  const { RunRecorder } = await import('../core/cleanup/runs');
  const recorder = resume
    ? await RunRecorder.resume(deps.journal, resume, options)
    : await RunRecorder.start(deps.journal, source, reactions, options);
  let finish!: () => void;
  const entry: Active = { controller, settled: new Promise<void>((r) => (finish = r)), stopping: false };
  active.add(entry);
  return {
    batchId: recorder.runId,
    sending: (r) => recorder.sending(r),
    outcome: (x) => recorder.outcome(x),
    end: async (cancelled) => {
      try {
        if (entry.stopping) await recorder.abandon();
        else await recorder.end(cancelled);
      } finally {
        active.delete(entry);
        finish();
      }
    },
  };
}

/** The window goes away: every run stops starting writes; waits (bounded) for those in flight to be journaled. */
export async function stopRuns(): Promise<void> {
  const runs = [...active];
  for (const run of runs) {
    run.stopping = true;
    run.controller.abort();
  }
  if (runs.length === 0) return;
  await Promise.race([
    Promise.all(runs.map((r) => r.settled)),
    new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS)),
  ]);
}
