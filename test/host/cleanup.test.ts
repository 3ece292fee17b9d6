/**
 * Clean-up rules in the extension host, against the emulator: grouping by when, the date filter, the
 * keep list against Remove All and Clean Up, the preview against what is really removed, and restoring
 * from the journal after a simulated restart (see "restart" below).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { Reaction } from '../../src/core/model';
import type { CleanUpResult } from '../../src/ui/commands/cleanUp';
import type { RemovalSummary, UndoSummary } from '../../src/ui/commands/remove';
import type { TreeNode } from '../../src/ui/tree/node';
import { addScAccount, children, extensionApi, refresh, scKey, scTruth, treeItem, useHostEmulator } from './helpers';

const DAY = 86_400_000;
const label = async (n: TreeNode) => String((await treeItem(n)).label);
const dateOf = (r: Reaction) => r.reactedAt ?? r.target.createdAt ?? NaN;

describe('host: clean-up rules', function () {
  this.timeout(120_000);
  const emu = useHostEmulator({ seed: 21 });
  let scId = '';
  let fresh = '';

  before(async function () {
    this.timeout(60_000);
    // One status voted today, so "This week" has something next to the seeded (older) data.
    const id = emu().sc.addItem('status', { html: 'Posted this week for the clean-up test' });
    emu().sc.setVote('status', id, 'alice', null);
    fresh = `status:${id}`;
    scId = (await addScAccount(emu())).id;
    await refresh();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('reactions.clearFilter');
    await vscode.commands.executeCommand('reactions.groupByWhere');
    await vscode.commands.executeCommand('reactions.sortNewest');
  });

  const all = async () => (await extensionApi()).reactions(scId);
  /** A day count that splits alice's reactions roughly in half. */
  async function medianAgeDays(): Promise<number> {
    const ages = (await all())
      .map((r) => Math.floor((Date.now() - dateOf(r)) / DAY))
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    return ages[Math.floor(ages.length / 2)];
  }

  it('groups by when: This week, This month, the months of this year, then one group per earlier year', async () => {
    const rs = await all();
    const years = new Set(rs.map((r) => new Date(dateOf(r)).getFullYear()));
    assert.ok(years.size >= 3, `the reactions span three years or more (${[...years].join(', ')})`);
    const now = new Date();
    const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
    const monday = new Date(today).setDate(today.getDate() - ((today.getDay() + 6) % 7));
    const expectedLabel = (t: number): [number, string] => {
      const d = new Date(t);
      if (t >= monday) return [Infinity, 'This week'];
      if (d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth()) return [1e9, 'This month'];
      if (d.getFullYear() === now.getFullYear())
        return [d.getFullYear() * 12 + d.getMonth(), d.toLocaleString('en', { month: 'long' })];
      return [d.getFullYear() * 12, String(d.getFullYear())];
    };
    const expected = [...new Map(rs.map((r) => expectedLabel(dateOf(r))).map(([k, l]) => [l, k])).entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([l]) => l);

    const choice = await vscode.commands.executeCommand<{ groupBy: string; sort: string }>('reactions.groupByWhen');
    assert.deepStrictEqual(choice, { groupBy: 'when', sort: 'newest' });
    const [account] = await children();
    const groups = await children(account);
    const labels = await Promise.all(groups.map(label));
    assert.deepStrictEqual(labels, expected, 'newest group first');
    assert.ok(labels.filter((l) => /^\d{4}$/.test(l)).length >= 2, `one group per earlier year: ${labels.join(' / ')}`);
    assert.ok(!labels.includes('Older'), 'no catch-all "Older" group');
    const week = await Promise.all(
      (await children(groups[0])).map((n) => (n as unknown as { reaction: Reaction }).reaction),
    );
    assert.deepStrictEqual(week.map(scKey), [fresh], 'the status voted today is the only one this week');

    await vscode.commands.executeCommand('reactions.sortOldest');
    const oldestFirst = await children((await children())[0]);
    assert.deepStrictEqual(await Promise.all(oldestFirst.map(label)), [...expected].reverse(), 'oldest group first');
    const olderRows = (await children(oldestFirst[0])).map((n) => (n as unknown as { reaction: Reaction }).reaction);
    const times = olderRows.map(dateOf);
    assert.deepStrictEqual(
      times,
      [...times].sort((a, b) => a - b),
      'oldest first inside the group',
    );
  });

  it('filters by age and between dates; the view description says so; Clear Filter clears it', async () => {
    const api = await extensionApi();
    const days = await medianAgeDays();
    await vscode.commands.executeCommand('reactions.filter', { olderThanDays: days });
    const [account] = await children();
    const shown = (await children(account)).flatMap((g) => g.getChildren());
    const expected = (await all()).filter((r) => dateOf(r) <= Date.now() - days * DAY);
    assert.strictEqual(shown.length, expected.length);
    assert.ok(expected.length > 0 && expected.length < (await all()).length, 'the filter narrows, but not to nothing');
    assert.match(api.testing.viewText().description ?? '', new RegExp(`older than ${days} days`));

    await vscode.commands.executeCommand('reactions.filter', { from: '2025-01-01', to: '2025-01-31' });
    const january = (await all()).filter((r) => {
      const d = new Date(dateOf(r));
      return d.getFullYear() === 2025 && d.getMonth() === 0;
    });
    const rows = (await children((await children())[0])).flatMap((g) => g.getChildren());
    assert.strictEqual(rows.length, january.length);
    assert.match(api.testing.viewText().description ?? '', /2025-01-01 to 2025-01-31/);

    await vscode.commands.executeCommand('reactions.clearFilter');
    assert.strictEqual(api.testing.viewText().description, undefined);
  });

  it('kept reactions show a pin and stay through Remove All and Clean Up', async () => {
    const before = await all();
    const keep = before.slice(0, 2);
    assert.strictEqual(
      await vscode.commands.executeCommand('reactions.keep', { reactionIds: keep.map((r) => r.id) }),
      2,
    );
    const rows = (await children((await children())[0])).flatMap((g) => g.getChildren());
    const keptRow = rows.find((n) => (n as unknown as { reaction: Reaction }).reaction.id === keep[0].id)!;
    const item = await treeItem(keptRow);
    assert.strictEqual((item.iconPath as vscode.ThemeIcon).id, 'pinned');
    assert.match(String(item.contextValue), /\bkept\b/);

    const removed = await vscode.commands.executeCommand<RemovalSummary>('reactions.removeAll', {
      accountId: scId,
      confirm: false,
    });
    assert.deepStrictEqual([...removed.kept].sort(), keep.map((r) => r.id).sort());
    assert.strictEqual(removed.removed.length, before.length - 2);
    assert.deepStrictEqual([...scTruth(emu()).keys()].sort(), keep.map(scKey).sort(), 'only the kept ones are left');

    const undone = await vscode.commands.executeCommand<UndoSummary>('reactions.undo', { confirm: false });
    assert.strictEqual(undone.restored.length, before.length - 2);

    const cleaned = await vscode.commands.executeCommand<CleanUpResult>('reactions.cleanUp', {
      olderThanDays: 0,
      confirm: false,
    });
    assert.deepStrictEqual([...cleaned.kept].sort(), keep.map((r) => r.id).sort());
    assert.deepStrictEqual([...scTruth(emu()).keys()].sort(), keep.map(scKey).sort());
    await vscode.commands.executeCommand('reactions.undo', { confirm: false });
    assert.strictEqual(
      await vscode.commands.executeCommand('reactions.unkeep', { reactionIds: keep.map((r) => r.id) }),
      2,
    );
    assert.strictEqual(scTruth(emu()).size, before.length);
  });

  it('the preview is exactly what is removed; after a restart the journal puts back exactly those, and one already back gets no write', async () => {
    const api = await extensionApi();
    const truthBefore = scTruth(emu());
    const days = await medianAgeDays();
    const rule = { olderThanDays: days, accountIds: [scId] };
    const preview = await vscode.commands.executeCommand<CleanUpResult>('reactions.cleanUp', { ...rule, dryRun: true });
    assert.ok(preview.matched > 2 && preview.summary === undefined);
    assert.deepStrictEqual(new Map(scTruth(emu())), truthBefore, 'a dry run changes nothing');

    const done = await vscode.commands.executeCommand<CleanUpResult>('reactions.cleanUp', { ...rule, confirm: false });
    assert.deepStrictEqual(done.reactionIds, preview.reactionIds);
    assert.deepStrictEqual([...done.summary!.removed].sort(), [...preview.reactionIds].sort());
    const after = scTruth(emu());
    const gone = [...truthBefore.keys()].filter((k) => !after.has(k)).sort();
    const previewKeys = preview.reactionIds.map((id) => id.slice(id.indexOf('|') + 1)).sort();
    assert.deepStrictEqual(gone, previewKeys, 'the server lost exactly the previewed reactions');

    // "Restart": the journal is read back from its file by a new instance (as the next activation does)
    // and the store from the reaction cache; the in-memory undo history plays no part in what follows.
    const file = api.testing.journalFile();
    assert.ok(fs.readFileSync(file, 'utf8').includes('"cleanup"'));
    const batches = await api.testing.reloadJournal();
    await api.testing.reloadFromCache();
    const batchId = batches[0];

    const first = done.summary!.removed[0];
    const [type, id] = first.slice(first.indexOf('|') + 1).split(':');
    emu().sc.setVote(type, Number(id), 'alice', truthBefore.get(`${type}:${id}`) ?? null); // put back by hand
    emu().clearLog();
    const restored = await vscode.commands.executeCommand<UndoSummary>('reactions.restoreRemoved', {
      batchId,
      confirm: false,
    });
    assert.strictEqual(restored.failed.length, 0, JSON.stringify(restored.failed));
    assert.deepStrictEqual([...restored.restored].sort(), [...preview.reactionIds].sort());
    assert.deepStrictEqual(new Map(scTruth(emu())), truthBefore, 'every vote back, each with its reaction');
    const posts = emu().requests.filter((q) => q.method === 'POST' && /\/vote\/$/.test(q.path));
    assert.strictEqual(posts.length, preview.matched - 1, 'one POST per reaction that was not back yet');
    assert.ok(!posts.some((q) => q.path.includes(`/${type}/${id}/`)), 'no POST for the one already back');

    // Restoring the same batch again sends no write at all.
    emu().clearLog();
    await vscode.commands.executeCommand('reactions.restoreRemoved', { batchId, confirm: false });
    assert.strictEqual(emu().requests.filter((q) => q.method === 'POST').length, 0);
  });

  it('a single removal (no modal, not bulk) is in the journal: after a restart Show Removed puts it back', async () => {
    const api = await extensionApi();
    const r = (await all()).find((x) => `${x.target.type}:${x.target.id}` !== fresh)!;
    const key = `${r.target.type}:${r.target.id}`;
    const before = scTruth(emu()).get(key);
    const batchesBefore = await api.testing.reloadJournal();
    const removed = await vscode.commands.executeCommand<RemovalSummary>('reactions.removeReaction', {
      reactionId: r.id,
    });
    assert.deepStrictEqual(removed.removed, [r.id], JSON.stringify(removed));
    assert.ok(!scTruth(emu()).has(key), 'removed on the server');
    // "Restart": the journal is read back from its file; the undo history plays no part.
    const batches = await api.testing.reloadJournal();
    const batchId = batches.find((id) => !batchesBefore.includes(id));
    assert.ok(batchId, 'the removal is a batch of the journal');
    const restored = await vscode.commands.executeCommand<UndoSummary>('reactions.restoreRemoved', { batchId });
    assert.deepStrictEqual(restored.restored, [r.id], 'the batch is that one removal');
    assert.strictEqual(scTruth(emu()).get(key), before, 'the vote is back, with its reaction');
  });
});
