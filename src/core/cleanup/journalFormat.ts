/**
 * The restore journal's file format (see journal.ts): one JSON record per line, and how records add up to
 * batches. Plain data, no I/O.
 */
import { modelOnly, upgradeDates, type Reaction } from '../model';

export type RemovalSource = 'single' | 'bulk' | 'cleanup' | 'again';

/** What a later read found for one removed reaction. */
export type CheckStatus = 'still-removed' | 'came-back' | 'target-deleted' | 'unchecked';
/** Who checked: Verify Removals, a listing that found it again, the automatic re-check after a Clean Up. */
export type CheckSource = 'verify' | 'listing' | 'auto';

export interface JournalCheck {
  /** ISO time of the check. */
  readonly at: string;
  readonly by: CheckSource;
  /** By reaction id (only the reactions checked). */
  readonly results: Readonly<Record<string, CheckStatus>>;
  /** Why a reaction could not be checked, by id. */
  readonly reasons?: Readonly<Record<string, string>>;
}

/** Outcomes of a run's reaction that leave nothing to put back (`failed` is left for a Resume). */
export type SettledOutcome = 'already-removed' | 'target-deleted' | 'failed';

/** A bulk run as its records tell it (present on batches written as a run). */
export interface RunRecord {
  /** Every reaction the run was asked to remove (kept ones already left out). */
  readonly asked: readonly Reaction[];
  /** Outcomes other than `removed`, by reaction id. */
  readonly settled: Readonly<Record<string, SettledOutcome>>;
  /** Ids whose write was about to be sent (an outcome not recorded after it is unknown). */
  readonly sending: ReadonlySet<string>;
  /** The run finished (or the person cancelled it): set when it was not cut short. */
  readonly ended?: { at: string; cancelled: boolean };
}

export type Line =
  | { v: 1; t: 'removed'; batch: string; at: string; source: RemovalSource; reactions: Reaction[] }
  | { v: 1; t: 'restored'; batch: string; at: string; ids: string[] }
  | { v: 1; t: 'run'; batch: string; at: string; source: RemovalSource; asked: Reaction[] }
  | { v: 1; t: 'sending'; batch: string; at: string; ids: string[] }
  | { v: 1; t: 'settled'; batch: string; at: string; outcome: SettledOutcome; ids: string[] }
  | { v: 1; t: 'end'; batch: string; at: string; cancelled: boolean }
  | ({ v: 1; t: 'checked'; batch: string } & JournalCheck);

export interface MutableRun {
  asked: Reaction[];
  settled: Record<string, SettledOutcome>;
  sending: Set<string>;
  ended?: { at: string; cancelled: boolean };
}

export interface MutableBatch {
  id: string;
  at: string;
  source: RemovalSource;
  reactions: Reaction[];
  restored: Record<string, string>;
  checks: JournalCheck[];
  run?: MutableRun;
}

/** What `addToRun` takes: one run record without its version, batch and time. */
export type RunUpdate =
  | { t: 'removed'; reactions: readonly Reaction[] }
  | { t: 'sending'; ids: string[] }
  | { t: 'settled'; outcome: SettledOutcome; ids: string[] }
  | { t: 'end'; cancelled: boolean };

export type RunLine = RunUpdate & { at: string };

/** Applies a run record to its batch; returns the line to write (reactions reduced to the model's fields). */
export function applyToBatch(batch: MutableBatch, run: MutableRun, record: RunLine): Line {
  const head = { v: 1 as const, batch: batch.id, at: record.at };
  switch (record.t) {
    case 'removed': {
      const reactions = plain(record.reactions);
      addRemoved(batch, reactions);
      return { ...head, t: 'removed', source: batch.source, reactions };
    }
    case 'sending':
      for (const id of record.ids) run.sending.add(id);
      return { ...head, t: 'sending', ids: record.ids };
    case 'settled':
      for (const id of record.ids) run.settled[id] = record.outcome;
      return { ...head, t: 'settled', outcome: record.outcome, ids: record.ids };
    case 'end':
      run.ended = { at: record.at, cancelled: record.cancelled };
      return { ...head, t: 'end', cancelled: record.cancelled };
  }
}

/** Reads one line into the batches; false when it is malformed. Unknown record types are skipped. */
export function readLine(batches: Map<string, MutableBatch>, line: Line): boolean {
  const b = batches.get(line.batch);
  switch (line.t) {
    case 'removed':
    case 'run': {
      const list = line.t === 'removed' ? line.reactions : line.asked;
      if (!Array.isArray(list)) return false;
      list.forEach(upgradeDates); // lines written before dates were times
      const batch = b ?? { id: line.batch, at: line.at, source: line.source, reactions: [], restored: {}, checks: [] };
      batches.set(line.batch, batch);
      if (line.t === 'removed') addRemoved(batch, line.reactions);
      else batch.run = { asked: line.asked, settled: {}, sending: new Set() };
      return true;
    }
    case 'restored':
      if (!Array.isArray(line.ids)) return false;
      for (const id of b ? line.ids : []) b!.restored[id] = line.at;
      return true;
    case 'checked': {
      if (!line.results || typeof line.results !== 'object') return false;
      const { v: _v, t: _t, batch: _b, ...check } = line;
      b?.checks.push(check);
      return true;
    }
    case 'sending':
    case 'settled':
    case 'end':
      if (b?.run) applyToBatch(b, b.run, line as RunLine);
      return true;
    default:
      return true; // a record of a newer version: kept in the file, not read by this one
  }
}

/** Adds removed reactions to a batch (a reaction removed again replaces its earlier entry). */
function addRemoved(batch: MutableBatch, reactions: readonly Reaction[]): void {
  const ids = new Set(reactions.map((r) => r.id));
  batch.reactions = [...batch.reactions.filter((r) => !ids.has(r.id)), ...reactions];
}

/** Only the model's fields: whatever else an object carries (a raw API object, a token) never reaches the file. */
export function plain(reactions: readonly Reaction[]): Reaction[] {
  return JSON.parse(JSON.stringify(reactions.map(modelOnly))) as Reaction[];
}

export function linesOf(b: MutableBatch): Line[] {
  const lines: Line[] = [];
  const run = b.run;
  if (run) lines.push({ v: 1, t: 'run', batch: b.id, at: b.at, source: b.source, asked: run.asked });
  if (b.reactions.length || !run)
    lines.push({ v: 1, t: 'removed', batch: b.id, at: b.at, source: b.source, reactions: b.reactions });
  const byAt = new Map<string, string[]>();
  for (const [id, at] of Object.entries(b.restored)) byAt.set(at, [...(byAt.get(at) ?? []), id]);
  for (const [at, ids] of byAt) lines.push({ v: 1, t: 'restored', batch: b.id, at, ids });
  for (const check of b.checks) lines.push({ v: 1, t: 'checked', batch: b.id, ...check });
  if (run) {
    if (run.sending.size) lines.push({ v: 1, t: 'sending', batch: b.id, at: b.at, ids: [...run.sending] });
    const byOutcome = new Map<SettledOutcome, string[]>();
    for (const [id, o] of Object.entries(run.settled)) byOutcome.set(o, [...(byOutcome.get(o) ?? []), id]);
    for (const [outcome, ids] of byOutcome) lines.push({ v: 1, t: 'settled', batch: b.id, at: b.at, outcome, ids });
    if (run.ended) lines.push({ v: 1, t: 'end', batch: b.id, ...run.ended });
  }
  return lines;
}
