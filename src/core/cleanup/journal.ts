/**
 * The restore journal: every removal (one, a selection, Remove All, Clean Up) appended to a local file in
 * the extension's global storage, so that any of it can be put back later — also after VS Code restarts.
 *
 * - Append-only JSON lines, each `{ v: 1, t, batch, at, … }`: `removed` (reactions of a batch as the service
 *   removed them; several lines of one batch add up), `restored` (ids of a batch put back), and the records of
 *   a bulk run written as it goes (see runs.ts): `run` (what was asked), `sending`, `settled`, `end`; and `checked` (what a later read found: still removed,
 *   came back, item deleted, could not check — with when and why).
 *   A line that does not parse (a torn last line after a crash) is skipped, never fatal; a record of a type
 *   this version does not know is kept in the file and ignored, so newer records can be added.
 * - Crash-safe appends: before its first append a journal makes sure the file ends with a newline, so a torn
 *   line left by a killed window never swallows the next record.
 * - Kept for `retentionDays` (a setting): older batches are dropped when the journal is read, and the file
 *   is rewritten without them.
 * - Holds Reaction objects only (what the tree shows) — never a token, a header or a URL with a query.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import type { Reaction } from '../model';
import { DAY_MS } from '../dates';
import {
  applyToBatch,
  linesOf,
  plain,
  readLine,
  type Line,
  type MutableBatch,
  type RemovalSource,
  type RunLine,
  type RunRecord,
  type RunUpdate,
  type CheckSource,
  type CheckStatus,
  type JournalCheck,
} from './journalFormat';

export type {
  CheckSource,
  CheckStatus,
  JournalCheck,
  RemovalSource,
  RunRecord,
  RunUpdate,
  SettledOutcome,
} from './journalFormat';

export const JOURNAL_FILE = 'removed.jsonl';
export const DEFAULT_RETENTION_DAYS = 90;

export interface JournalBatch {
  readonly id: string;
  /** ISO time of the removal. */
  readonly at: string;
  readonly source: RemovalSource;
  readonly reactions: readonly Reaction[];
  /** Reaction ids of this batch put back since, with when. */
  readonly restored: Readonly<Record<string, string>>;
  /** Later reads of this batch's reactions, oldest first. */
  readonly checks?: readonly JournalCheck[];
  /** Set when the batch was written as a run (bulk removal, Clean Up): what was asked and how far it got. */
  readonly run?: RunRecord;
}

export interface JournalOptions {
  /** Days a batch is kept (read on every use, so a settings change applies at once). */
  retentionDays?: () => number;
  now?: () => number;
  /** Told about unreadable lines and failed writes (the journal never throws for those on read). */
  warn?: (message: string) => void;
}

export class RestoreJournal {
  private batches: MutableBatch[] | undefined;
  private loading: Promise<MutableBatch[]> | undefined;
  /** Writes run one after another, in the order they were asked for. */
  private queue: Promise<unknown> = Promise.resolve();
  private counter = 0;
  private mended: Promise<void> | undefined;

  constructor(
    readonly file: string,
    readonly options: JournalOptions = {},
  ) {}

  static inFolder(folder: string, options?: JournalOptions): RestoreJournal {
    return new RestoreJournal(path.join(folder, JOURNAL_FILE), options);
  }

  /** Appends a removed batch (empty batches are ignored). */
  async record(source: RemovalSource, reactions: readonly Reaction[]): Promise<JournalBatch | undefined> {
    if (reactions.length === 0) return undefined;
    const batches = await this.load();
    const now = this.now();
    const batch: MutableBatch = {
      id: this.newId(now),
      at: new Date(now).toISOString(),
      source,
      reactions: plain(reactions),
      restored: {},
      checks: [],
    };
    batches.push(batch);
    await this.append({ v: 1, t: 'removed', batch: batch.id, at: batch.at, source, reactions: batch.reactions });
    return batch;
  }

  /**
   * Starts a run: a batch with no removal yet, and what it was asked to remove. Its outcomes are added with
   * `addToRun` as they become known; `endRun` closes it. Resolves once the record is written.
   */
  async startRun(source: RemovalSource, asked: readonly Reaction[]): Promise<JournalBatch> {
    const batches = await this.load();
    const now = this.now();
    const run = { asked: plain(asked), settled: {}, sending: new Set<string>() };
    const batch: MutableBatch = {
      id: this.newId(now),
      at: new Date(now).toISOString(),
      source,
      reactions: [],
      restored: {},
      checks: [],
      run,
    };
    batches.push(batch);
    await this.append({ v: 1, t: 'run', batch: batch.id, at: batch.at, source, asked: run.asked });
    return batch;
  }

  /**
   * Adds records to a run (a batch of this journal): writes they are about to send, reactions removed,
   * other outcomes, its end. Once the journal is read, every record is in memory at once and its write
   * queued (in call order) before this returns; the promise says when it is written.
   */
  async addToRun(batchId: string, record: RunUpdate): Promise<void> {
    const batch = (this.batches ?? (await this.load())).find((b) => b.id === batchId);
    if (!batch) throw new Error(`journal: no run ${batchId}`);
    const at = new Date(this.now()).toISOString();
    const run = (batch.run ??= { asked: [], settled: {}, sending: new Set() });
    return this.append(applyToBatch(batch, run, { ...record, at } as RunLine));
  }

  /**
   * Marks reactions as put back: each id in the newest batch that removed it and does not show it
   * restored yet. Returns how many were marked.
   */
  async markRestored(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const batches = await this.load();
    const at = new Date(this.now()).toISOString();
    const byBatch = new Map<MutableBatch, string[]>();
    for (const id of new Set(ids)) {
      const batch = [...batches].reverse().find((b) => !b.restored[id] && b.reactions.some((r) => r.id === id));
      if (!batch) continue;
      batch.restored[id] = at;
      byBatch.set(batch, [...(byBatch.get(batch) ?? []), id]);
    }
    for (const [batch, list] of byBatch) await this.append({ v: 1, t: 'restored', batch: batch.id, at, ids: list });
    return [...byBatch.values()].reduce((n, l) => n + l.length, 0);
  }

  /** Appends what a check of a batch found (ignored for a batch no longer in the journal). */
  async recordCheck(
    batchId: string,
    by: CheckSource,
    results: Readonly<Record<string, CheckStatus>>,
    reasons?: Readonly<Record<string, string>>,
  ): Promise<JournalCheck | undefined> {
    const batch = (await this.load()).find((b) => b.id === batchId);
    if (!batch || Object.keys(results).length === 0) return undefined;
    const check: JournalCheck = {
      at: new Date(this.now()).toISOString(),
      by,
      results: { ...results },
      ...(reasons && Object.keys(reasons).length ? { reasons: { ...reasons } } : {}),
    };
    batch.checks.push(check);
    await this.append({ v: 1, t: 'checked', batch: batchId, ...check });
    return check;
  }

  /** The batches within the retention, newest first. */
  async list(): Promise<JournalBatch[]> {
    return [...(await this.load())].reverse();
  }

  /** Reads the file again at the next use (another window may have appended to it). */
  async reread(): Promise<void> {
    await this.flush();
    if (this.loading) await this.loading;
    this.batches = undefined;
    this.loading = undefined;
  }

  async get(batchId: string): Promise<JournalBatch | undefined> {
    return (await this.load()).find((b) => b.id === batchId);
  }

  /** Drops batches older than the retention, and rewrites the file when it did. */
  async prune(): Promise<number> {
    const batches = await this.load();
    const cutoff = this.now() - this.retentionDays() * DAY_MS;
    const keep = batches.filter((b) => Date.parse(b.at) >= cutoff);
    const dropped = batches.length - keep.length;
    if (dropped === 0) return 0;
    this.batches = keep;
    await this.enqueue(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      const lines = keep.flatMap((b) => linesOf(b));
      const tmp = `${this.file}.${process.pid}.tmp`;
      await fs.writeFile(tmp, lines.map((l) => JSON.stringify(l) + '\n').join(''), 'utf8');
      await fs.rename(tmp, this.file);
    });
    return dropped;
  }

  /** Waits for the pending writes. */
  flush(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  private retentionDays(): number {
    const d = this.options.retentionDays?.() ?? DEFAULT_RETENTION_DAYS;
    return Number.isFinite(d) && d >= 1 ? d : DEFAULT_RETENTION_DAYS;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private newId(now: number): string {
    return `${now.toString(36)}-${(this.counter++).toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  }

  private async load(): Promise<MutableBatch[]> {
    if (this.batches) return this.batches;
    this.loading ??= this.read().then(async (b) => {
      this.batches = b;
      await this.prune();
      return this.batches;
    });
    return this.loading;
  }

  /** A torn last line (a window killed mid-append) gets its newline, so the next record starts on a line of its own. */
  private async mendTail(): Promise<void> {
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(this.file, 'r');
      const { size } = await handle.stat();
      if (size === 0) return;
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) await fs.appendFile(this.file, '\n', 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    } finally {
      await handle?.close();
    }
  }

  private async read(): Promise<MutableBatch[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.options.warn?.(`journal not readable: ${String(e)}`);
      return [];
    }
    const batches = new Map<string, MutableBatch>();
    let bad = 0;
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        bad++;
        continue;
      }
      if (line?.v !== 1 || typeof line.batch !== 'string' || typeof line.at !== 'string') bad++;
      else if (!readLine(batches, line)) bad++;
    }
    if (bad) this.options.warn?.(`journal: skipped ${bad} unreadable line(s)`);
    return [...batches.values()].sort((a, b) => a.at.localeCompare(b.at));
  }

  private append(line: Line): Promise<void> {
    return this.enqueue(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      this.mended ??= this.mendTail();
      await this.mended;
      // One write per line with O_APPEND: appends of other windows land before or after it, never inside.
      await fs.appendFile(this.file, JSON.stringify(line) + '\n', 'utf8');
    });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work, work);
    this.queue = run.catch((e) => this.options.warn?.(`journal not written: ${String(e)}`));
    return run;
  }
}
