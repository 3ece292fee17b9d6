/**
 * Removed stays removed — or you hear about it (src/core/cleanup/verify.ts) against the emulator's ghost
 * mode: a server that answers removals with success while some reactions stay, and brings others back
 * after a delay. The next listing and Verify Removals must flag exactly those, the journal must keep each
 * check with its time, and Remove Again must clear them.
 */
import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { removeMany } from '../../src/core/bulk';
import { RestoreJournal } from '../../src/core/cleanup/journal';
import { batchesWithin, cameBack, removedNow, verifyBatches } from '../../src/core/cleanup/verify';
import { MemoryLogger } from '../../src/core/log';
import type { Reaction } from '../../src/core/model';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import type { AccountService } from '../../src/core/services/service';
import { tines } from '../../src/core/services/tines';
import type { Emulator } from '../emulator';
import { collect, fastOptions, sleep, useEmulator } from '../support';

const DELAY_MS = 300;
const ids = (list: readonly Reaction[]) => list.map((r) => r.id).sort();
const ghostTargets = (emu: Emulator) => emu.ghostLog.map((g) => g.target).sort();
const scKey = (r: Reaction) => `${r.target.type}:${r.target.id}`;

async function tempJournal(): Promise<{ journal: RestoreJournal; dir: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reactions-verify-'));
  return { journal: RestoreJournal.inFolder(dir), dir };
}

describe('ghost removals: the next listing and Verify Removals flag exactly what stayed or came back', function () {
  this.timeout(30_000);
  const emu = useEmulator({ seed: 5, sc: { statuses: 200, discussions: 40, posts: 20, commentsPerItem: 0 } });
  let service: AccountService;
  let dir: string;
  let journal: RestoreJournal;

  const list = async () => (await collect(service.listReactions())).items;

  before(async () => {
    const alice = emu().users.find((u) => u.name === 'alice')!;
    const options = fastOptions(new MemoryLogger());
    const account = await selfCommunity.signIn({ baseUrl: emu().selfcommunityUrl, token: alice.scToken }, options);
    service = selfCommunity.connect(account, () => alice.scToken, options);
    ({ journal, dir } = await tempJournal());
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));

  it('100 removals, 3 stay and 2 come back: listing + verify flag those 5, Remove Again clears them', async () => {
    const before = await list();
    assert.ok(before.length >= 100, `the seed has ${before.length} reactions, needs 100`);
    const chosen = before.slice(0, 100);
    emu().setGhost({ stay: 3, comeBack: 2, delayMs: DELAY_MS, every: 10 });

    const run = await removeMany(chosen, () => service, { concurrency: 4 });
    assert.strictEqual(run.removed.length, 100, 'every ghost removal answered success');
    await journal.record('bulk', run.removed);
    assert.strictEqual(emu().ghostLog.length, 5);
    assert.deepStrictEqual(
      emu()
        .ghostLog.map((g) => g.mode)
        .sort(),
      ['comeBack', 'comeBack', 'stay', 'stay', 'stay'],
    );
    await sleep(DELAY_MS + 200);

    // the next listing
    const removed = removedNow(await journal.list());
    const back = cameBack(await list(), removed);
    assert.deepStrictEqual(back.map(scKey).sort(), ghostTargets(emu()), 'the listing flags exactly the ghosts');

    // Verify Removals, recorded in the journal with its time
    const [v] = await verifyBatches(await journal.list(), () => service, journal);
    assert.deepStrictEqual(v.counts, { 'still-removed': 95, 'came-back': 5, 'target-deleted': 0, unchecked: 0 });
    assert.deepStrictEqual(
      v.items
        .filter((x) => x.status === 'came-back')
        .map((x) => scKey(x.reaction))
        .sort(),
      ghostTargets(emu()),
    );
    const reread = await RestoreJournal.inFolder(dir).list();
    const check = reread[0].checks?.at(-1);
    assert.ok(check && !Number.isNaN(Date.parse(check.at)), 'the check is on disk with its time');
    assert.strictEqual(Object.values(check.results).filter((s) => s === 'came-back').length, 5);

    // Remove Again: a new batch; then nothing is flagged any more
    const again = await removeMany(back, () => service, { concurrency: 4 });
    assert.deepStrictEqual(ids(again.removed), ids(back));
    await journal.record('again', again.removed);
    const after = removedNow(await journal.list());
    assert.deepStrictEqual(cameBack(await list(), after), [], 'nothing came back after Remove Again');
    for (const r of back) assert.strictEqual(emu().sc.voteOf(r.target.type, r.target.id, 'alice'), undefined);
    const [v2] = await verifyBatches([(await journal.list())[0]], () => service, journal);
    assert.deepStrictEqual(v2.counts, { 'still-removed': 5, 'came-back': 0, 'target-deleted': 0, unchecked: 0 });
  });

  it('a put-back reaction is not "came back"; a deleted item and an unreadable one are told apart', async () => {
    emu().setGhost(undefined);
    const [a, b, c] = (await list()).slice(0, 3);
    const run = await removeMany([a, b, c], () => service);
    const batch = (await journal.record('bulk', run.removed))!;
    await service.restore(a);
    await journal.markRestored([a.id]);
    emu().sc.delete(b.target.type as 'status', b.target.id);
    emu().fault({ method: 'GET', path: new RegExp(`/${c.target.type}/${c.target.id}/$`), status: 500, times: 10 });
    assert.deepStrictEqual(cameBack(await list(), removedNow(await journal.list())), []);
    const [v] = await verifyBatches([(await journal.get(batch.id))!], () => service, journal);
    assert.deepStrictEqual(
      v.items.map((x) => [x.reaction.id, x.status]),
      [
        [b.id, 'target-deleted'],
        [c.id, 'unchecked'],
      ],
    );
    assert.ok(v.items[1].reason, 'says why it could not check');
    assert.strictEqual(batchesWithin(await journal.list(), 1).length, (await journal.list()).length);
  });
});

describe('ghost removals on Tines: a stay ghost answers the removal without the reaction, yet keeps it', function () {
  this.timeout(30_000);
  const emu = useEmulator({ seed: 3, tines: { cases: 20 } });

  it('verify flags the Tines ghosts', async () => {
    const alice = emu().users.find((u) => u.name === 'alice')!;
    const options = fastOptions(new MemoryLogger());
    const account = await tines.signIn(
      { baseUrl: emu().tinesUrl, token: alice.tinesToken, email: alice.email },
      options,
    );
    const service = tines.connect(account, () => alice.tinesToken, options);
    const all = (await collect(service.listReactions())).items.slice(0, 20);
    emu().setGhost({ stay: 1, comeBack: 1, delayMs: 100, every: 5 });
    const run = await removeMany(all, () => service, { concurrency: 1 });
    assert.strictEqual(run.removed.length, 20);
    const { journal, dir } = await tempJournal();
    try {
      await journal.record('bulk', run.removed);
      await sleep(300);
      const [v] = await verifyBatches(await journal.list(), () => service, journal);
      const key = (r: Reaction) => `case:${r.target.parent!.id}/comment:${r.target.id}`;
      assert.deepStrictEqual(
        v.items
          .filter((x) => x.status === 'came-back')
          .map((x) => key(x.reaction))
          .sort(),
        ghostTargets(emu()),
      );
      assert.strictEqual(v.counts['came-back'], 2);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
