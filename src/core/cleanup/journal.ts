/**
 * The restore journal: every removal (one, a selection, Remove All, Clean Up) appended to a local file in
 * the extension's global storage, so that any of it can be put back later — also after VS Code restarts.
 *
 * - Append-only JSON lines: `removed` (a batch: when, how, the reactions as the service removed them) and
 *   `restored` (ids of a batch put back). A line that does not parse is skipped, never fatal.
 * - Kept for `retentionDays` (a setting): older batches are dropped when the journal is read, and the file
 *   is rewritten without them.
 * - Holds Reaction objects only (what the tree shows) — never a token, a header or a URL with a query.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import { modelOnly, upgradeDates, type Reaction } from '../model';
import { DAY_MS } from '../dates';

export type RemovalSource = 'single' | 'bulk' | 'cleanup';

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
}

type Line =
  | { v: 1; t: 'removed'; batch: string; at: string; source: RemovalSource; reactions: Reaction[] }
  | { v: 1; t: 'restored'; batch: string; at: string; ids: string[] };

interface MutableBatch {
  id: string;
  at: string;
  source: RemovalSource;
  reactions: Reaction[];
  restored: Record<string, string>;
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
      id: `${now.toString(36)}-${(this.counter++).toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
      at: new Date(now).toISOString(),
      source,
      // Only the model's fields: whatever else an object carries (a raw API object, a token) never reaches the file.
      reactions: JSON.parse(JSON.stringify(reactions.map(modelOnly))) as Reaction[],
      restored: {},
    };
    batches.push(batch);
    await this.append({ v: 1, t: 'removed', batch: batch.id, at: batch.at, source, reactions: batch.reactions });
    return batch;
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

  /** The batches within the retention, newest first. */
  async list(): Promise<JournalBatch[]> {
    return [...(await this.load())].reverse();
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

  private async load(): Promise<MutableBatch[]> {
    if (this.batches) return this.batches;
    this.loading ??= this.read().then(async (b) => {
      this.batches = b;
      await this.prune();
      return this.batches;
    });
    return this.loading;
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
      if (line?.v !== 1 || typeof line.batch !== 'string' || typeof line.at !== 'string') {
        bad++;
      } else if (line.t === 'removed' && Array.isArray(line.reactions)) {
        line.reactions.forEach(upgradeDates); // lines written before dates were times
        batches.set(line.batch, {
          id: line.batch,
          at: line.at,
          source: line.source,
          reactions: line.reactions,
          restored: {},
        });
      } else if (line.t === 'restored' && Array.isArray(line.ids)) {
        const b = batches.get(line.batch);
        for (const id of b ? line.ids : []) b!.restored[id] = line.at;
      } else {
        bad++;
      }
    }
    if (bad) this.options.warn?.(`journal: skipped ${bad} unreadable line(s)`);
    return [...batches.values()].sort((a, b) => a.at.localeCompare(b.at));
  }

  private append(line: Line): Promise<void> {
    return this.enqueue(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await fs.appendFile(this.file, JSON.stringify(line) + '\n', 'utf8');
    });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work, work);
    this.queue = run.catch((e) => this.options.warn?.(`journal not written: ${String(e)}`));
    return run;
  }
}

function linesOf(b: MutableBatch): Line[] {
  const lines: Line[] = [{ v: 1, t: 'removed', batch: b.id, at: b.at, source: b.source, reactions: b.reactions }];
  const byAt = new Map<string, string[]>();
  for (const [id, at] of Object.entries(b.restored)) byAt.set(at, [...(byAt.get(at) ?? []), id]);
  for (const [at, ids] of byAt) lines.push({ v: 1, t: 'restored', batch: b.id, at, ids });
  return lines;
}
