import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CACHE_VERSION, CacheSync, ReactionCache, cacheFileName } from '../../src/core/cache';
import { decodeEntry, encodeEntry } from '../../src/core/cache/format';
import { MemoryLogger } from '../../src/core/log';
import { plainReaction, type Reaction, type Target } from '../../src/core/model';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import { tines } from '../../src/core/services/tines';
import { ReactionStore } from '../../src/core/store';
import {
  SC_ACCOUNT,
  TINES_ACCOUNT,
  allTokens,
  collect,
  fastOptions,
  scReaction,
  sleep,
  tinesReaction,
  useEmulator,
} from '../support';

const SC = SC_ACCOUNT;
const TI = TINES_ACCOUNT;

/** A post reaction with every field the cache must keep, non-ASCII text included. */
const sc = (id: string, account = SC, extra: Partial<Target> = {}): Reaction =>
  scReaction('post', id, 'Like', {
    account,
    target: {
      excerpt: `post ${id} — ünïcödé ✓`,
      createdAt: Date.parse('2024-01-02T00:00:00Z'),
      url: `https://community.example.com/post/${id}`,
      author: 'Ann',
      ...extra,
    },
    kind: { active: true },
  });

const ti = (caseId: string, commentId: string, value = 'heart'): Reaction =>
  tinesReaction(caseId, commentId, value, { reactedAt: Date.parse('2024-03-04T05:06:07Z') });

async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'reactions-cache-test-'));
}

/** Every file in a directory with its text. */
async function filesOf(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await fs.readdir(dir).catch(() => [] as string[]))
    out.set(name, await fs.readFile(path.join(dir, name), 'utf8'));
  return out;
}

describe('cache: ReactionCache', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('round trip: what is saved loads back equal, with version, account, time and completeness', async () => {
    const cache = new ReactionCache(dir);
    const reactions = [sc('1'), sc('2', SC, { parent: undefined, url: undefined })];
    const before = Date.now();
    await cache.save(SC, reactions, true);
    const entry = await cache.load(SC);
    const savedAt = Date.parse(entry?.savedAt ?? '');
    assert.ok(savedAt >= before && savedAt <= Date.now(), `saved at the time of the save (${entry?.savedAt})`);
    assert.deepStrictEqual(entry, {
      version: CACHE_VERSION,
      accountId: SC,
      savedAt: new Date(savedAt).toISOString(),
      complete: true,
      reactions: reactions.map(plainReaction),
    });
    assert.deepStrictEqual(entry.reactions[0], reactions[0], 'every model field survives');

    await cache.save(TI, [ti('5', '50'), ti('5', '50', 'eyes')], false);
    const tines = await cache.load(TI);
    assert.strictEqual(tines?.complete, false);
    assert.deepStrictEqual(tines?.reactions, [ti('5', '50'), ti('5', '50', 'eyes')]);
    assert.strictEqual((await cache.load(SC))?.reactions.length, 2, 'accounts have a file each');
  });

  it('encodes and decodes 40 000 reactions in slices: other work runs between them, the set comes back whole', async () => {
    const reactions = Array.from({ length: 40_000 }, (_, i) => sc(String(i)));
    const checkpoint = { service: 'selfcommunity' as const, at: new Date().toISOString(), data: { counts: {} } };
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    // no file in between: only the encoding and decoding themselves can let the other work in
    const parts: string[] = [];
    for await (const part of encodeEntry(SC, reactions, true, checkpoint, new Date())) parts.push(part);
    const encodingTurns = turns;
    const entry = await decodeEntry(Buffer.from(parts.join('')), SC, 'f.json', new MemoryLogger());
    counting = false;
    assert.strictEqual(entry?.reactions.length, reactions.length);
    assert.deepStrictEqual(entry?.reactions[39_999], reactions[39_999]);
    assert.deepStrictEqual(entry?.checkpoint, checkpoint);
    assert.ok(encodingTurns > 5, `other work ran ${encodingTurns} time(s) while the save encoded`);
    assert.ok(turns - encodingTurns > 5, `other work ran ${turns - encodingTurns} time(s) while the load decoded`);
  });

  it('keeps the refresh checkpoint of a complete set only, and refuses a malformed one', async () => {
    const cache = new ReactionCache(dir);
    const checkpoint = {
      service: 'selfcommunity' as const,
      at: '2025-05-06T07:08:09.000Z',
      data: { counts: { 'status:1': 2 } },
    };
    await cache.save(SC, [sc('1')], true, checkpoint);
    assert.deepStrictEqual((await cache.load(SC))?.checkpoint, checkpoint);
    await cache.save(SC, [sc('1')], false, checkpoint);
    assert.strictEqual(
      (await cache.load(SC))?.checkpoint,
      undefined,
      'a partial set cannot be refreshed incrementally',
    );
    const file = path.join(dir, (await fs.readdir(dir))[0]);
    const data = JSON.parse(await fs.readFile(file, 'utf8'));
    await fs.writeFile(
      file,
      JSON.stringify({ ...data, complete: true, checkpoint: { service: 'selfcommunity', at: 'yesterday' } }),
    );
    const entry = await cache.load(SC);
    assert.ok(entry?.complete);
    assert.strictEqual(
      entry?.checkpoint,
      undefined,
      'a checkpoint with a bad date is dropped (the next refresh lists everything)',
    );
  });

  it('file names are a hash of the account id: filesystem-safe, no host in them', () => {
    const cache = new ReactionCache(dir);
    const name = cacheFileName(SC);
    assert.match(name, /^reactions-cache-[0-9a-f]{32}\.json$/);
    assert.notStrictEqual(name, cacheFileName(TI));
    assert.strictEqual(name, cacheFileName(SC), 'stable');
    assert.ok(!name.includes('example'));
    assert.strictEqual(cache.fileOf(SC), path.join(dir, name));
  });

  it('a missing file, a missing directory, corrupt JSON, another version or another account: undefined and a log line, never a throw', async () => {
    const logger = new MemoryLogger();
    const cache = new ReactionCache(dir, { logger });
    assert.strictEqual(await cache.load(SC), undefined, 'missing file');
    assert.strictEqual(
      await new ReactionCache(path.join(dir, 'nope', 'deeper')).load(SC),
      undefined,
      'missing directory',
    );

    await fs.writeFile(cache.fileOf(SC), '{"version":1,"accountId":"sel');
    assert.strictEqual(await cache.load(SC), undefined, 'truncated JSON');
    assert.ok(
      logger.lines.some((l) => /^warn cache: .*corrupt/.test(l)),
      logger.lines.join('\n'),
    );

    await fs.writeFile(cache.fileOf(SC), 'null');
    assert.strictEqual(await cache.load(SC), undefined, 'null');
    await fs.writeFile(cache.fileOf(SC), '[1,2]');
    assert.strictEqual(await cache.load(SC), undefined, 'an array');

    await cache.save(SC, [sc('1')], true);
    const good = JSON.parse(await fs.readFile(cache.fileOf(SC), 'utf8'));
    await fs.writeFile(cache.fileOf(SC), JSON.stringify({ ...good, version: CACHE_VERSION + 1 }));
    assert.strictEqual(await cache.load(SC), undefined, 'a newer version');
    assert.ok(logger.lines.some((l) => l.includes(`version ${CACHE_VERSION + 1}, not ${CACHE_VERSION}`)));
    await fs.writeFile(cache.fileOf(SC), JSON.stringify({ ...good, reactions: 'x' }));
    assert.strictEqual(await cache.load(SC), undefined, 'reactions not a list');
    await fs.writeFile(cache.fileOf(SC), JSON.stringify({ ...good, savedAt: 'yesterday' }));
    assert.strictEqual(await cache.load(SC), undefined, 'a bad date');

    // Another account's file under this account's name (copied by hand, a hash clash): not this account's.
    await cache.save(TI, [ti('5', '50')], true);
    await fs.copyFile(cache.fileOf(TI), cache.fileOf(SC));
    assert.strictEqual(await cache.load(SC), undefined, 'another account');
    assert.ok(logger.lines.some((l) => /belongs to another account/.test(l)));
  });

  it('a cache saved by the previous version (dates as ISO text) still starts warm, its dates read as times', async () => {
    const logger = new MemoryLogger();
    const cache = new ReactionCache(dir, { logger });
    const a = sc('1');
    const b = ti('5', '50');
    const old = (r: Reaction) => ({
      ...plainReaction(r),
      ...(r.reactedAt !== undefined ? { reactedAt: new Date(r.reactedAt).toISOString() } : {}),
      target: {
        ...plainReaction(r).target,
        ...(r.target.createdAt !== undefined ? { createdAt: new Date(r.target.createdAt).toISOString() } : {}),
      },
    });
    const v1 = { version: 1, accountId: SC, savedAt: new Date().toISOString(), complete: true };
    await fs.writeFile(cache.fileOf(SC), JSON.stringify({ ...v1, reactions: [old(a)] }));
    const entry = await cache.load(SC);
    assert.ok(entry, logger.lines.join('\n'));
    assert.strictEqual(entry.complete, true);
    assert.deepStrictEqual(entry.reactions, [plainReaction(a)], 'every field as saved, the date a time again');
    await fs.writeFile(
      cache.fileOf(TI),
      JSON.stringify({ ...v1, accountId: TI, reactions: [old(b), { ...old(b), reactedAt: 'soon' }] }),
    );
    const tines = await cache.load(TI);
    assert.strictEqual(tines?.reactions[0].reactedAt, b.reactedAt, 'the time of the reaction');
    assert.strictEqual(tines?.reactions[1].reactedAt, undefined, 'a date that is not one is left out');
  });

  it('malformed reactions are skipped (and the set is then not complete); unknown fields are dropped', async () => {
    const logger = new MemoryLogger();
    const cache = new ReactionCache(dir, { logger });
    const good = sc('1');
    const withExtra = { ...sc('2'), raw: { secret: 'x' }, target: { ...sc('2').target, html: '<b>' } };
    const entry = {
      version: CACHE_VERSION,
      accountId: SC,
      savedAt: new Date().toISOString(),
      complete: true,
      reactions: [
        good,
        withExtra,
        { ...sc('3'), accountId: TI },
        { ...sc('4'), kind: { id: 4, label: 'x' } },
        { id: 'x' },
        null,
        'text',
      ],
    };
    await fs.writeFile(cache.fileOf(SC), JSON.stringify(entry));
    const loaded = await cache.load(SC);
    assert.ok(loaded);
    assert.deepStrictEqual(loaded.reactions, [good, sc('2')]);
    assert.strictEqual(loaded.complete, false, 'something was dropped: not complete');
    assert.ok(logger.lines.some((l) => /skipped 5 malformed/.test(l)));
  });

  it('saves only the model fields: extra properties (raw API objects) never reach the file', async () => {
    const cache = new ReactionCache(dir);
    const leaky = {
      ...sc('1'),
      raw: { headers: { authorization: 'Bearer SECRET-123' } },
      kind: { ...sc('1').kind, api: { token: 'SECRET-123' } },
    } as Reaction;
    await cache.save(SC, [leaky], true);
    const text = await fs.readFile(cache.fileOf(SC), 'utf8');
    assert.ok(!text.includes('SECRET-123'), text);
    assert.deepStrictEqual((await cache.load(SC))?.reactions, [sc('1')]);
  });

  it('atomic writes: temp file + rename, no temp file left; saves of one account run in call order', async () => {
    const cache = new ReactionCache(dir);
    const saves: Promise<void>[] = [];
    for (let i = 1; i <= 25; i++)
      saves.push(
        cache.save(
          SC,
          Array.from({ length: i }, (_, j) => sc(String(j + 1))),
          i % 2 === 0,
        ),
      );
    saves.push(cache.save(TI, [ti('1', '2')], true));
    // A reader meanwhile sees a whole file (old or new), never a half-written one.
    const reads = Array.from({ length: 10 }, () => cache.load(SC));
    await Promise.all(saves);
    for (const r of await Promise.all(reads)) assert.ok(r === undefined || r.reactions.length >= 1);
    const entry = await cache.load(SC);
    assert.strictEqual(entry?.reactions.length, 25, 'the last save wins');
    assert.strictEqual(entry?.complete, false);
    assert.deepStrictEqual(
      [...(await filesOf(dir)).keys()].sort(),
      [cacheFileName(SC), cacheFileName(TI)].sort(),
      'no temp files',
    );
  });

  it('a failed write rejects, leaves no temp file and keeps the previous file', async () => {
    const cache = new ReactionCache(dir);
    await cache.save(TI, [ti('1', '2')], true);
    // A directory (not empty) where the file should go: the rename fails.
    await fs.mkdir(path.join(cache.fileOf(SC), 'blocker'), { recursive: true });
    await assert.rejects(cache.save(SC, [sc('1')], true));
    const names = [...(await filesOf(dir).catch(() => new Map())).keys()];
    assert.ok(!names.some((n) => n.endsWith('.tmp')), names.join(', '));
    assert.strictEqual(await cache.load(SC), undefined, 'an unreadable cache is no cache');
    assert.strictEqual((await cache.load(TI))?.reactions.length, 1);
    // The queue goes on after a failure.
    await fs.rm(cache.fileOf(SC), { recursive: true });
    await cache.save(SC, [sc('1')], true);
    assert.strictEqual((await cache.load(SC))?.reactions.length, 1);
  });

  it("delete removes one account's file; clear and prune remove only cache files", async () => {
    const cache = new ReactionCache(dir);
    await cache.save(SC, [sc('1')], true);
    await cache.save(TI, [ti('1', '2')], true);
    await fs.writeFile(path.join(dir, 'other-state.json'), '{}');
    await fs.writeFile(path.join(dir, `${cacheFileName(SC)}.999.1.tmp`), 'half');
    await cache.delete(SC);
    await cache.delete(SC); // nothing there: fine
    assert.strictEqual(await cache.load(SC), undefined);
    assert.ok(await cache.load(TI));

    assert.strictEqual(await cache.prune([TI]), 1, 'the leftover temp file');
    assert.ok(await cache.load(TI), 'a kept account keeps its file');
    await cache.save(SC, [sc('1')], true);
    assert.strictEqual(await cache.prune([TI]), 1, 'an account no longer added');
    assert.strictEqual(await cache.load(SC), undefined);

    await cache.clear();
    assert.deepStrictEqual([...(await filesOf(dir)).keys()], ['other-state.json']);
    await new ReactionCache(path.join(dir, 'missing')).clear(); // no directory: nothing to do
  });
});

describe('cache: no token in the files (reactions listed from the emulator)', () => {
  const emu = useEmulator();
  let dir = '';
  before(async () => {
    dir = await tempDir();
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('every emulator token is absent from every cache file', async () => {
    const cache = new ReactionCache(dir);
    for (const u of emu().users) {
      const options = fastOptions();
      const scAccount = await selfCommunity.signIn({ baseUrl: emu().selfcommunityUrl, token: u.scToken }, options);
      const scList = await collect(selfCommunity.connect(scAccount, () => u.scToken, options).listReactions());
      await cache.save(scAccount.id, scList.items, true);
      const tAccount = await tines.signIn({ baseUrl: emu().tinesUrl, token: u.tinesToken, email: u.email }, options);
      const tList = await collect(tines.connect(tAccount, () => u.tinesToken, options).listReactions());
      await cache.save(tAccount.id, tList.items, true);
    }
    const files = await filesOf(dir);
    assert.strictEqual(files.size, emu().users.length * 2);
    let reactions = 0;
    for (const [name, text] of files) {
      reactions += (JSON.parse(text) as { reactions: unknown[] }).reactions.length;
      for (const token of allTokens(emu())) assert.ok(!text.includes(token), `a token is in ${name}`);
    }
    assert.ok(reactions > 0, 'the files hold reactions');
  });
});

describe('cache: CacheSync (store → files)', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** A cache whose save() calls are counted. */
  function counted(): { cache: ReactionCache; saves: Array<{ accountId: string; n: number; complete: boolean }> } {
    const cache = new ReactionCache(dir);
    const saves: Array<{ accountId: string; n: number; complete: boolean }> = [];
    const save = cache.save.bind(cache);
    cache.save = (accountId, reactions, complete) => {
      saves.push({ accountId, n: reactions.length, complete });
      return save(accountId, reactions, complete);
    };
    return { cache, saves };
  }

  it('saves an account ~debounce after its reactions change, changes within it together', async () => {
    const store = new ReactionStore();
    const { cache, saves } = counted();
    const sync = new CacheSync(store, cache, { isKnown: () => true, debounceMs: 40 });
    store.upsert([sc('1'), sc('2'), ti('5', '50')]);
    store.remove([sc('1').id]);
    store.replace(sc('2').id, { ...sc('2'), kind: { id: '2', label: 'Love' } });
    store.setFilter({ text: 'x' }); // a filter is not a change of the cached set
    assert.strictEqual(saves.length, 0, 'nothing at once');
    await sleep(120);
    await sync.flush();
    assert.deepStrictEqual(
      saves.sort((a, b) => a.accountId.localeCompare(b.accountId)),
      [
        { accountId: SC, n: 1, complete: false },
        { accountId: TI, n: 1, complete: false },
      ],
    );
    assert.strictEqual((await cache.load(SC))?.reactions[0].kind.label, 'Love');
    await sync.dispose();
  });

  it('a listing: pages are not saved one by one; its end saves once, complete when it finished', async () => {
    const store = new ReactionStore();
    const { cache, saves } = counted();
    let scanning = true;
    const sync = new CacheSync(store, cache, { isKnown: () => true, isScanning: () => scanning, debounceMs: 20 });
    const scan = store.beginScan(SC);
    for (let i = 0; i < 10; i++) scan.add([sc(String(i))]);
    await sleep(60);
    assert.strictEqual(saves.length, 0, 'no save per page');
    scan.finish();
    scanning = false;
    await sync.scanEnded(SC, true);
    assert.deepStrictEqual(saves, [{ accountId: SC, n: 10, complete: true }]);
    assert.strictEqual(sync.isComplete(SC), true);

    // A later listing that stops without finding anything new: no write.
    await sync.scanEnded(SC, false);
    assert.strictEqual(saves.length, 1);
    // A removal later keeps the completeness.
    store.remove([sc('1').id]);
    await sync.flush();
    assert.deepStrictEqual(saves[1], { accountId: SC, n: 9, complete: true });
    await sync.dispose();
  });

  it('a stopped first listing saves what it found, marked incomplete', async () => {
    const store = new ReactionStore();
    const { cache } = counted();
    const sync = new CacheSync(store, cache, { isKnown: () => true, isScanning: () => true });
    const scan = store.beginScan(SC);
    scan.add([sc('1'), sc('2')]);
    scan.abandon();
    await sync.scanEnded(SC, false);
    const entry = await cache.load(SC);
    assert.strictEqual(entry?.reactions.length, 2);
    assert.strictEqual(entry?.complete, false);
    await sync.dispose();
  });

  it('adopt() fills the store from an entry without writing it back; forget() deletes and cancels; unknown accounts are not saved', async () => {
    const store = new ReactionStore();
    const { cache, saves } = counted();
    await cache.save(SC, [sc('1'), sc('2')], true);
    saves.length = 0;
    let known = true;
    const sync = new CacheSync(store, cache, { isKnown: () => known, debounceMs: 20 });
    const entry = await sync.load(SC);
    assert.ok(entry);
    assert.strictEqual(sync.adopt(entry), 2);
    assert.deepStrictEqual(
      store
        .all(SC)
        .map((r) => r.id)
        .sort(),
      [sc('1').id, sc('2').id].sort(),
    );
    assert.strictEqual(sync.isComplete(SC), true);
    await sleep(60);
    assert.strictEqual(saves.length, 0, 'a restore is not written back');

    store.remove([sc('1').id]);
    await sync.forget(SC); // Remove Account / Full Rescan: the pending save goes too
    await sleep(60);
    await sync.flush();
    assert.strictEqual(saves.length, 0);
    assert.strictEqual(await cache.load(SC), undefined, 'file deleted');
    assert.strictEqual(sync.isComplete(SC), false);

    known = false; // removed
    store.upsert([sc('3')]);
    await sync.scanEnded(SC, true);
    await sync.flush();
    assert.strictEqual(saves.length, 0, 'no file for an account that is gone');
    assert.deepStrictEqual([...(await filesOf(dir)).keys()], []);
    await sync.dispose();
  });

  it('dispose() writes what is pending and stops listening', async () => {
    const store = new ReactionStore();
    const { cache, saves } = counted();
    const sync = new CacheSync(store, cache, { isKnown: () => true, debounceMs: 60_000 });
    store.upsert([sc('1')]);
    await sync.dispose();
    assert.strictEqual(saves.length, 1);
    store.upsert([sc('2')]);
    await sleep(20);
    await sync.flush();
    assert.strictEqual(saves.length, 1, 'nothing after dispose');
  });

  it('a failing save is logged, not thrown, and retried by the next change', async () => {
    const store = new ReactionStore();
    const logger = new MemoryLogger();
    const cache = new ReactionCache(dir, { logger });
    const sync = new CacheSync(store, cache, { isKnown: () => true, logger, debounceMs: 10 });
    await fs.mkdir(path.join(cache.fileOf(SC), 'blocker'), { recursive: true });
    store.upsert([sc('1')]);
    await sync.flush();
    assert.ok(
      logger.lines.some((l) => /^warn cache: cannot save/.test(l)),
      logger.lines.join('\n'),
    );
    await fs.rm(cache.fileOf(SC), { recursive: true });
    store.upsert([sc('2')]);
    await sync.flush();
    assert.strictEqual((await cache.load(SC))?.reactions.length, 2);
    await sync.dispose();
  });
});
