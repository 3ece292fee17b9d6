/** Receipts on disk (see receipt.ts): one JSON file per bulk run, kept as long as the journal. */
import { promises as fs } from 'fs';
import * as path from 'path';
import { DAY_MS } from '../dates';
import type { Receipt } from './receipt';

/** Receipts on disk: one JSON file per run in `folder`, dropped after the journal's retention. */
export class ReceiptStore {
  constructor(
    readonly folder: string,
    private readonly retentionDays: () => number = () => 90,
  ) {}

  async save(receipt: Receipt): Promise<void> {
    await fs.mkdir(this.folder, { recursive: true });
    const file = this.file(receipt.id);
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(receipt), 'utf8');
    await fs.rename(tmp, file);
  }

  async get(id: string): Promise<Receipt | undefined> {
    if (!/^[a-z0-9-]+$/i.test(id)) return undefined;
    try {
      return JSON.parse(await fs.readFile(this.file(id), 'utf8')) as Receipt;
    } catch {
      return undefined;
    }
  }

  /** The receipts within the retention, newest first (older files are deleted). */
  async list(now = Date.now()): Promise<Receipt[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.folder);
    } catch {
      return [];
    }
    const cutoff = now - this.retentionDays() * DAY_MS;
    const out: Receipt[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const r = await this.get(name.slice(0, -'.json'.length));
      if (!r) continue;
      if (Date.parse(r.at) < cutoff) await fs.rm(this.file(r.id), { force: true });
      else out.push(r);
    }
    return out.sort((a, b) => b.at.localeCompare(a.at));
  }

  async forBatch(batchId: string): Promise<Receipt | undefined> {
    return (await this.list()).find((r) => r.batchId === batchId);
  }

  private file(id: string): string {
    return path.join(this.folder, `${id}.json`);
  }
}
