/**
 * Bulk runs written as they go, so a run cut short (window reloaded, VS Code closed or crashed) loses no
 * restorable entry and can be resumed. Plain Node, no `vscode`.
 *
 * - `RunRecorder` journals one run: its start (every reaction asked), before each write the id it is about to
 *   send (`sending`), each outcome as soon as it is known (`removed` with the reaction as the service removed
 *   it, or `settled`), and its end. The bulk worker waits for each record's write before it takes its next
 *   reaction, so what counts as done is on disk.
 * - Liveness: while a run works, a heartbeat file `runs/<id>.alive` ({ pid, at }) beside the journal is
 *   rewritten every few seconds. Another window sees the run as live while that file is fresh and its
 *   process exists; a crashed window stops refreshing it, so it never holds a run forever.
 * - `interruptedRuns` finds runs with no end, not live, and not yet noticed; `claimNotice` lets exactly one
 *   window tell the person (an exclusively created `runs/<id>.noticed` file).
 * - `resolveInFlight` reads (never writes) the few reactions whose write was in flight when the run stopped:
 *   one gone now joins the removed, so Show Removed lists exactly what the server no longer has.
 * - `resumePlan`: what a Resume sends — every asked reaction with no recorded outcome that settles it
 *   (failed ones and ones whose write was in flight included; the service reads before writing, so nothing
 *   already gone gets a second write).
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { Reaction } from '../model';
import type { JournalBatch, RemovalSource, RestoreJournal } from './journal';

export const HEARTBEAT_MS = 5_000;
/** A heartbeat older than this is a dead run, whatever its pid says. */
export const STALE_MS = 4 * HEARTBEAT_MS;

export interface RunCounts {
  readonly asked: number;
  /** Removed, already gone, or on a deleted target. */
  readonly done: number;
  readonly removed: number;
}

/** How far a run got (from its journal records). */
export function runCounts(batch: JournalBatch): RunCounts {
  const run = batch.run;
  if (!run) return { asked: batch.reactions.length, done: batch.reactions.length, removed: batch.reactions.length };
  const removed = new Set(batch.reactions.map((r) => r.id));
  const settled = Object.entries(run.settled).filter(([id, o]) => o !== 'failed' && !removed.has(id)).length;
  return { asked: run.asked.length, done: removed.size + settled, removed: removed.size };
}

/** What a Resume of the run sends: the asked reactions with no outcome that settles them, in the asked order. */
export function resumePlan(batch: JournalBatch): Reaction[] {
  const run = batch.run;
  if (!run) return [];
  const removed = new Set(batch.reactions.map((r) => r.id));
  const seen = new Set<string>();
  return run.asked.filter((r) => {
    if (seen.has(r.id)) return false;
    seen.add(r.id);
    const o = run.settled[r.id];
    return !removed.has(r.id) && (o === undefined || o === 'failed');
  });
}

/**
 * Ids whose outcome is not known: the write was being sent when the run stopped and no outcome was recorded,
 * or it failed (an answer lost when the window went away is a failure too, and it may have landed).
 */
export function inFlight(batch: JournalBatch): Set<string> {
  const run = batch.run;
  if (!run) return new Set();
  const removed = new Set(batch.reactions.map((r) => r.id));
  const open = (id: string) => !removed.has(id) && (run.settled[id] ?? 'failed') === 'failed';
  return new Set([...run.sending].filter(open));
}

/**
 * Settles the writes that were in flight when the run stopped, by reading (never writing): one gone now was
 * removed by that write and joins the removed (Show Removed can put it back); one still there stays for
 * Resume; one that cannot be read now stays unknown (Resume reads it again). Returns the batch as it now is.
 */
export async function resolveInFlight(
  journal: RestoreJournal,
  batch: JournalBatch,
  isGone: (r: Reaction) => Promise<boolean>,
  warn?: (message: string) => void,
): Promise<JournalBatch> {
  const pending = inFlight(batch);
  for (const r of batch.run?.asked.filter((x) => pending.has(x.id)) ?? []) {
    try {
      if (await isGone(r)) await journal.addToRun(batch.id, { t: 'removed', reactions: [r] });
    } catch (e) {
      warn?.(`run ${batch.id}: could not read ${r.id}: ${String(e)}`);
    }
  }
  return (await journal.get(batch.id)) ?? batch;
}

function runsFolder(journal: RestoreJournal): string {
  return path.join(path.dirname(journal.file), 'runs');
}

interface Heartbeat {
  pid: number;
  at: number;
}

export interface LivenessOptions {
  now?: () => number;
  /** Whether a process exists (default: signal 0). */
  isAlive?: (pid: number) => boolean;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether another window is still working on the run (fresh heartbeat of a living process). */
export async function isLive(journal: RestoreJournal, runId: string, options: LivenessOptions = {}): Promise<boolean> {
  let beat: Heartbeat;
  try {
    beat = JSON.parse(await fs.readFile(path.join(runsFolder(journal), `${runId}.alive`), 'utf8')) as Heartbeat;
  } catch {
    return false; // no heartbeat (or a torn one): nobody works on it
  }
  const now = options.now?.() ?? Date.now();
  if (!Number.isFinite(beat.at) || now - beat.at > STALE_MS) return false;
  return (options.isAlive ?? processExists)(beat.pid);
}

/** Runs that stopped before their end, are worked on by no window, and were not noticed yet (newest first). */
export async function interruptedRuns(journal: RestoreJournal, options: LivenessOptions = {}): Promise<JournalBatch[]> {
  await journal.reread();
  const out: JournalBatch[] = [];
  for (const b of await journal.list()) {
    if (!b.run || b.run.ended || (await noticed(journal, b.id))) continue;
    if (await isLive(journal, b.id, options)) continue;
    out.push(b);
  }
  return out;
}

async function noticed(journal: RestoreJournal, runId: string): Promise<boolean> {
  return fs.stat(path.join(runsFolder(journal), `${runId}.noticed`)).then(
    () => true,
    () => false,
  );
}

/** Marks a run as noticed; true for exactly one caller across windows. */
export async function claimNotice(journal: RestoreJournal, runId: string): Promise<boolean> {
  await fs.mkdir(runsFolder(journal), { recursive: true });
  try {
    await fs.writeFile(path.join(runsFolder(journal), `${runId}.noticed`), new Date().toISOString(), { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

export interface RecorderOptions {
  warn?: (message: string) => void;
  heartbeatMs?: number;
}

/** The outcome of one reaction, as the bulk removal reports it. */
export interface RunOutcome {
  readonly reaction: Reaction;
  /** `removed`, `already-removed`, `target-deleted`, `failed`; others (`not-attempted`) are not journaled. */
  readonly outcome: string;
}

/** Journals one run as it goes (see the file comment). A failed journal write is told to `warn`, never thrown. */
export class RunRecorder {
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly aliveFile: string;
  private beating: Promise<void> = Promise.resolve();

  private constructor(
    private readonly journal: RestoreJournal,
    readonly runId: string,
    /** Ids whose write was in flight when an earlier session stopped: gone now means we removed them. */
    private readonly unknown: ReadonlySet<string>,
    private readonly options: RecorderOptions,
  ) {
    this.aliveFile = path.join(runsFolder(journal), `${runId}.alive`);
  }

  /** Writes the run's start (what was asked) and starts its heartbeat. */
  static async start(
    journal: RestoreJournal,
    source: RemovalSource,
    asked: readonly Reaction[],
    options: RecorderOptions = {},
  ): Promise<RunRecorder> {
    const batch = await journal.startRun(source, asked);
    const recorder = new RunRecorder(journal, batch.id, new Set(), options);
    await recorder.beat();
    return recorder;
  }

  /** Continues an interrupted run: its new outcomes go to the same batch (one entry in Show Removed). */
  static async resume(
    journal: RestoreJournal,
    batch: JournalBatch,
    options: RecorderOptions = {},
  ): Promise<RunRecorder> {
    const recorder = new RunRecorder(journal, batch.id, inFlight(batch), options);
    await recorder.beat();
    return recorder;
  }

  /** Before a reaction's write is sent. */
  sending(r: Reaction): Promise<void> {
    return this.write({ t: 'sending', ids: [r.id] });
  }

  /** A reaction's outcome, as soon as it is known. */
  outcome(x: RunOutcome): Promise<void> {
    const { outcome, reaction } = x;
    // Its write was in flight when the window closed: gone now means that write removed it.
    if (outcome === 'removed' || (outcome === 'already-removed' && this.unknown.has(reaction.id)))
      return this.write({ t: 'removed', reactions: [reaction] });
    if (outcome === 'already-removed' || outcome === 'target-deleted' || outcome === 'failed')
      return this.write({ t: 'settled', outcome, ids: [reaction.id] });
    return Promise.resolve();
  }

  /** The run is over (finished, or the person cancelled it). */
  async end(cancelled: boolean): Promise<void> {
    await this.write({ t: 'end', cancelled });
    await this.stopBeating();
  }

  /** The window goes away mid-run: no end is written (the next start notices the run), the heartbeat goes. */
  async abandon(): Promise<void> {
    await this.journal.flush();
    await this.stopBeating();
  }

  private write(record: Parameters<RestoreJournal['addToRun']>[1]): Promise<void> {
    return this.journal.addToRun(this.runId, record).catch((e) => this.options.warn?.(`journal: ${String(e)}`));
  }

  private async beat(): Promise<void> {
    const write = async () => {
      await fs.mkdir(path.dirname(this.aliveFile), { recursive: true });
      const tmp = `${this.aliveFile}.${process.pid}.tmp`;
      await fs.writeFile(tmp, JSON.stringify({ pid: process.pid, at: Date.now() } satisfies Heartbeat));
      await fs.rename(tmp, this.aliveFile);
    };
    await write().catch((e) => this.options.warn?.(`run heartbeat: ${String(e)}`));
    this.timer = setInterval(() => {
      this.beating = this.beating.then(write).catch((e) => this.options.warn?.(`run heartbeat: ${String(e)}`));
    }, this.options.heartbeatMs ?? HEARTBEAT_MS);
    (this.timer as { unref?: () => void }).unref?.();
  }

  private async stopBeating(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
    await fs.rm(this.aliveFile, { force: true }).catch(() => undefined);
  }
}
