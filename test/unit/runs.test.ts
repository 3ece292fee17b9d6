/**
 * Bulk runs journaled as they go (src/core/cleanup/runs.ts, journal.ts): every outcome on disk before the
 * next one counts as done, a torn last line and appends of two windows never lose a record, what a Resume
 * sends, and which runs a new window calls interrupted.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { removeMany } from '../../src/core/bulk';
import { RestoreJournal } from '../../src/core/cleanup/journal';
import { DAY_MS } from '../../src/core/dates';
import {
  claimNotice,
  interruptedRuns,
  resolveInFlight,
  resumePlan,
  runCounts,
  RunRecorder,
  STALE_MS,
} from '../../src/core/cleanup/runs';
import type { Reaction } from '../../src/core/model';
import type { AccountService, RemoveResult } from '../../src/core/services/service';

function r(id: string): Reaction {
  const accountId = 'selfcommunity:c.example:1';
  return {
    id: `${accountId}|status:${id}`,
    accountId,
    target: { type: 'status', id, excerpt: `status ${id}` },
    kind: { id: '1', label: 'Like' },
  };
}

/** What a fresh journal (the next window) reads back from the file. */
async function onDisk(file: string) {
  const j = new RestoreJournal(file);
  return j.list();
}

/** A service whose remove() answers with `outcome(r)` (default removed) and lets the test look at the disk first. */
function fakeService(outcome: (r: Reaction) => RemoveResult['outcome'], onRemove?: (r: Reaction) => Promise<void>) {
  return {
    remove: async (x: Reaction): Promise<RemoveResult> => {
      await onRemove?.(x);
      const o = outcome(x);
      return o === 'removed' ? { outcome: o, reaction: x } : ({ outcome: o } as RemoveResult);
    },
  } as unknown as AccountService;
}

describe('bulk runs: the journal written as the run goes', () => {
  let dir = '';
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reactions-runs-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const withStart of [true, false])
    it(`each outcome is on disk before the next write starts${withStart ? ', and the write about to be sent is recorded first' : ' (no record of the sending)'}`, async () => {
      const journal = RestoreJournal.inFolder(dir);
      const asked = Array.from({ length: 12 }, (_, i) => r(String(i)));
      const rec = await RunRecorder.start(journal, 'cleanup', asked);
      const seen: Array<{ removed: number; sending: boolean }> = [];
      const service = fakeService(
        (x) => (x.target.id === '3' ? 'already-removed' : 'removed'),
        async (x) => {
          // What a window killed right now would leave: the file as a new window reads it.
          const [b] = await onDisk(journal.file);
          seen.push({ removed: runCounts(b).done, sending: b.run!.sending.has(x.id) });
        },
      );
      const summary = await removeMany(asked, () => service, {
        concurrency: 1,
        onStart: withStart ? (x) => rec.sending(x) : undefined,
        onResult: (x) => rec.outcome(x),
      });
      await rec.end(summary.cancelled);
      assert.deepStrictEqual(
        seen.map((s) => s.removed),
        asked.map((_, i) => i),
        'when write k starts, the k outcomes before it are on disk',
      );
      assert.ok(
        seen.every((s) => s.sending === withStart),
        'each write is recorded as being sent before it is sent',
      );
      const [b] = await onDisk(journal.file);
      assert.strictEqual(b.reactions.length, 11, 'Show Removed has every removed one');
      assert.strictEqual(b.run!.settled[r('3').id], 'already-removed');
      assert.deepStrictEqual(b.run!.ended && { cancelled: b.run!.ended.cancelled }, { cancelled: false });
      assert.deepStrictEqual(resumePlan(b), []);
      assert.ok(!fs.existsSync(path.join(dir, 'runs', `${b.id}.alive`)), 'the heartbeat is gone with the end');
    });

  it('a torn last line (a window killed mid-append) is skipped, and the next record still lands on a line of its own', async () => {
    const j = RestoreJournal.inFolder(dir);
    const rec = await RunRecorder.start(j, 'bulk', [r('1'), r('2'), r('3')]);
    await rec.outcome({ reaction: r('1'), outcome: 'removed' });
    const line = JSON.stringify({
      v: 1,
      t: 'removed',
      batch: rec.runId,
      at: new Date().toISOString(),
      reactions: [r('2')],
    });
    fs.appendFileSync(j.file, line.slice(0, line.length / 2)); // torn: no end, no newline
    const warnings: string[] = [];
    const next = RestoreJournal.inFolder(dir, { warn: (m) => warnings.push(m) });
    const [b] = await next.list();
    assert.deepStrictEqual(
      b.reactions.map((x) => x.target.id),
      ['1'],
      'the torn record is ignored, the rest read',
    );
    // The next window goes on writing to the same run: nothing it writes is glued to the torn line.
    const resumed = await RunRecorder.resume(next, b);
    await resumed.outcome({ reaction: r('3'), outcome: 'removed' });
    await resumed.end(false);
    const [after] = await onDisk(j.file);
    assert.deepStrictEqual(after.reactions.map((x) => x.target.id).sort(), ['1', '3']);
    assert.ok(after.run?.ended, 'the end record was read');
    assert.ok(warnings.some((w) => /unreadable/.test(w)));
  });

  it('two windows appending to one journal at once lose no record and corrupt no line', async () => {
    const a = RestoreJournal.inFolder(dir);
    const b = RestoreJournal.inFolder(dir);
    const big = (w: string, i: number) => ({
      ...r(`${w}${i}`),
      target: { ...r(`${w}${i}`).target, excerpt: 'x'.repeat(3000) },
    });
    const runA = await RunRecorder.start(a, 'bulk', []);
    const runB = await RunRecorder.start(b, 'cleanup', []);
    await Promise.all(
      Array.from({ length: 150 }, (_, i) => [
        runA.outcome({ reaction: big('a', i), outcome: 'removed' }),
        runB.outcome({ reaction: big('b', i), outcome: 'removed' }),
      ]).flat(),
    );
    await Promise.all([runA.end(false), runB.end(false)]);
    const lines = fs.readFileSync(a.file, 'utf8').split('\n').filter(Boolean);
    assert.strictEqual(lines.length, 2 + 300 + 2);
    for (const l of lines) JSON.parse(l); // every line whole
    const batches = await onDisk(a.file);
    assert.deepStrictEqual(batches.map((x) => x.reactions.length).sort(), [150, 150]);
  });

  it('Resume sends what has no settling outcome: failed, never started and in flight, in the order asked', async () => {
    const j = RestoreJournal.inFolder(dir);
    const asked = ['1', '2', '3', '4', '5', '6', '7'].map(r);
    const rec = await RunRecorder.start(j, 'cleanup', asked);
    await rec.outcome({ reaction: r('1'), outcome: 'removed' });
    await rec.outcome({ reaction: r('2'), outcome: 'removed' });
    await rec.outcome({ reaction: r('3'), outcome: 'already-removed' });
    await rec.outcome({ reaction: r('4'), outcome: 'target-deleted' });
    await rec.outcome({ reaction: r('5'), outcome: 'failed' });
    await rec.sending(r('7')); // the window went away before its answer
    await rec.abandon();
    const [b] = await onDisk(j.file);
    assert.deepStrictEqual(runCounts(b), { asked: 7, done: 4, removed: 2 });
    assert.deepStrictEqual(
      resumePlan(b).map((x) => x.target.id),
      ['5', '6', '7'],
    );

    // Resume: 7 is gone now (its write had landed) → journaled as removed, so Show Removed can put it back;
    // 6 was removed elsewhere meanwhile → already removed, nothing to put back.
    const again = new RestoreJournal(j.file);
    const batch = (await again.list())[0];
    const resumed = await RunRecorder.resume(again, batch);
    const outcomes: Record<string, RemoveResult['outcome']> = {
      '5': 'removed',
      '6': 'already-removed',
      '7': 'already-removed',
    };
    await removeMany(resumePlan(batch), () => fakeService((x) => outcomes[x.target.id]), {
      onStart: (x) => resumed.sending(x),
      onResult: (x) => resumed.outcome(x),
    });
    await resumed.end(false);
    const [done] = await onDisk(j.file);
    assert.deepStrictEqual(done.reactions.map((x) => x.target.id).sort(), ['1', '2', '5', '7']);
    assert.deepStrictEqual(resumePlan(done), []);
    assert.deepStrictEqual(runCounts(done), { asked: 7, done: 7, removed: 4 });
  });

  it('the writes in flight when a run stopped are settled by reading: gone ones join the removed, others stay for Resume', async () => {
    const j = RestoreJournal.inFolder(dir);
    const rec = await RunRecorder.start(j, 'cleanup', ['1', '2', '3', '4', '5'].map(r));
    await rec.outcome({ reaction: r('1'), outcome: 'removed' });
    for (const id of ['2', '3', '4', '5']) await rec.sending(r(id));
    // 5's answer was lost as the window went away (a failure); its write had landed.
    await rec.outcome({ reaction: r('5'), outcome: 'failed' });
    await rec.abandon();
    const [b] = await onDisk(j.file);
    const reads: string[] = [];
    const resolved = await resolveInFlight(new RestoreJournal(j.file), b, async (x) => {
      reads.push(x.target.id);
      if (x.target.id === '4') throw new Error('offline');
      return x.target.id === '2' || x.target.id === '5'; // 2's and 5's writes landed, 3's did not
    });
    assert.deepStrictEqual(reads, ['2', '3', '4', '5']);
    assert.deepStrictEqual(
      resolved.reactions.map((x) => x.target.id),
      ['1', '2', '5'],
    );
    const [after] = await onDisk(j.file);
    assert.deepStrictEqual(
      after.reactions.map((x) => x.target.id),
      ['1', '2', '5'],
      'Show Removed has the landed ones',
    );
    assert.deepStrictEqual(
      resumePlan(after).map((x) => x.target.id),
      ['3', '4'],
    );
  });

  it('a new window calls a run interrupted only when it has no end and no live heartbeat, and tells it once', async () => {
    const j = RestoreJournal.inFolder(dir);
    let now = Date.now();
    const alive = new Set<number>([process.pid]);
    const opts = { now: () => now, isAlive: (pid: number) => alive.has(pid) };
    const finished = await RunRecorder.start(j, 'bulk', [r('1')]);
    await finished.end(true); // cancelled by the person: not an interruption
    const running = await RunRecorder.start(j, 'cleanup', [r('2'), r('3')]);
    await running.outcome({ reaction: r('2'), outcome: 'removed' });

    assert.deepStrictEqual(await interruptedRuns(j, opts), [], 'still worked on by a live window');
    alive.delete(process.pid); // that window's process is gone
    assert.deepStrictEqual(
      (await interruptedRuns(j, opts)).map((b) => b.id),
      [running.runId],
    );
    alive.add(process.pid);
    now += 2 * STALE_MS; // its heartbeat stopped long ago (pid reused by another process)
    const [b] = await interruptedRuns(j, opts);
    assert.strictEqual(b.id, running.runId);
    assert.deepStrictEqual(runCounts(b), { asked: 2, done: 1, removed: 1 });

    assert.strictEqual(await claimNotice(j, b.id), true);
    assert.strictEqual(
      await claimNotice(new RestoreJournal(j.file), b.id),
      false,
      'another window does not tell it again',
    );
    assert.deepStrictEqual(await interruptedRuns(j, opts), [], 'noticed: not again at the next start');
    await running.abandon();
  });

  it('the retention rewrite keeps the records of the runs it keeps', async () => {
    let now = Date.now();
    const opts = { now: () => now, retentionDays: () => 30 };
    const j = RestoreJournal.inFolder(dir, opts);
    await j.record('single', [r('old')]);
    now += 20 * DAY_MS;
    const rec = await RunRecorder.start(j, 'cleanup', [r('1'), r('2'), r('3')]);
    await rec.outcome({ reaction: r('1'), outcome: 'removed' });
    await rec.outcome({ reaction: r('2'), outcome: 'failed' });
    await rec.abandon();
    now += 15 * DAY_MS; // the first batch is past the retention: the file is rewritten
    const fresh = RestoreJournal.inFolder(dir, opts);
    const list = await fresh.list();
    await fresh.flush();
    assert.strictEqual(list.length, 1);
    const [b] = await RestoreJournal.inFolder(dir, opts).list();
    assert.ok(!fs.readFileSync(j.file, 'utf8').includes('"old"'));
    assert.deepStrictEqual(
      resumePlan(b).map((x) => x.target.id),
      ['2', '3'],
    );
    assert.deepStrictEqual(runCounts(b), { asked: 3, done: 1, removed: 1 });
  });
});
