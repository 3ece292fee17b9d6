/**
 * The receipt of a bulk run (src/core/cleanup/receipt.ts): each reaction under the heading of what
 * happened to it, with a link to its target, the failure's reason, and kept on disk for Show Removed.
 */
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BulkSummary } from '../../src/core/bulk';
import { buildReceipt, receiptMarkdown, ENGLISH_WORDS } from '../../src/core/cleanup/receipt';
import { ReceiptStore } from '../../src/core/cleanup/receiptStore';
import { ReactionsError } from '../../src/core/errors';
import type { Reaction } from '../../src/core/model';

function reaction(n: number, excerpt = `item ${n}`): Reaction {
  return {
    id: `selfcommunity:c.example:7|status:${n}`,
    accountId: 'selfcommunity:c.example:7',
    target: { type: 'status', id: String(n), excerpt, url: `https://c.example/status/${n}/` },
    kind: { id: '1', label: 'Like' },
  };
}

/** The document's sections: heading text → the excerpts listed under it. */
function sections(md: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of md.split('\n')) {
    const h = /^## (.*) \(\d+\)$/.exec(line);
    if (h) out.set(h[1].replace(/\\(.)/g, '$1'), (current = []));
    else if (line.startsWith('- ') && current) current.push(/item \d+/.exec(line)?.[0] ?? line);
  }
  return out;
}

describe('the receipt of a bulk run', () => {
  const run: BulkSummary = {
    requested: 5,
    removed: [reaction(1), reaction(2)],
    alreadyRemoved: [reaction(3)],
    targetDeleted: [],
    failed: [{ reaction: reaction(4), error: new ReactionsError('server', 'The server failed (500).') }],
    notAttempted: [],
    cancelled: false,
  };
  const kept = [reaction(5)];

  it('lists removed, already-gone, failed (with why) and kept reactions each under the right heading', () => {
    const receipt = buildReceipt(run, kept, { command: 'Clean Up', source: 'cleanup', rule: 'older than 90 days' });
    const md = receiptMarkdown(receipt);
    const s = sections(md);
    const w = ENGLISH_WORDS.sections;
    assert.deepStrictEqual(s.get(w.removed), ['item 1', 'item 2']);
    assert.deepStrictEqual(s.get(w.alreadyGone), ['item 3']);
    assert.deepStrictEqual(s.get(w.failed), ['item 4']);
    assert.deepStrictEqual(s.get(w.kept), ['item 5']);
    assert.ok(!s.has(w.notAttempted) && !s.has(w.targetDeleted), 'empty outcomes other than Removed are left out');
    assert.match(md, /item 4.*The server failed \(500\)\./, 'a failure says why');
    assert.match(md, /\[item 1\]\(<https:\/\/c\.example\/status\/1\/>\)/, 'targets are links');
    assert.match(md, /Clean Up/);
    assert.match(md, /older than 90 days/);
    assert.strictEqual(receipt.requested, 5 + 1, 'what was asked counts the kept ones too');
  });

  it("a target's text cannot forge a heading or a link in the document", () => {
    const evil = reaction(9, '## Removed (0)\n[click](https://evil.example)');
    const md = receiptMarkdown(buildReceipt({ ...run, removed: [evil] }, [], { command: 'x', source: 'bulk' }));
    assert.strictEqual(md.match(/^## Removed/gm)?.length, 1);
    assert.ok(!/[^\\]\]\(https:\/\/evil/.test(md), md); // its brackets are escaped: no link
  });

  it('is kept on disk and found again by its journal batch; past the retention it is dropped', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reactions-receipts-'));
    try {
      const store = new ReceiptStore(dir, () => 30);
      const receipt = buildReceipt(run, kept, { command: 'Remove All', source: 'bulk' }, { batchId: 'b-1' });
      await store.save(receipt);
      assert.deepStrictEqual(await new ReceiptStore(dir).forBatch('b-1'), receipt);
      assert.strictEqual(await store.get('../etc'), undefined);
      assert.deepStrictEqual(await store.list(Date.now() + 31 * 86_400_000), []);
      assert.deepStrictEqual(await fs.readdir(dir), []);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
