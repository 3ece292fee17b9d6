/**
 * Clean-up rules, the keep list, the restore journal and the "by when" grouping (src/core/cleanup).
 * The pure parts with hand-made reactions; the removal and the restore against the emulator, checking
 * the server's state and its request log.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { removeMany, restoreMany } from '../../src/core/bulk';
import { ageOf, DAY_MS, inDateRange, parseDateRange } from '../../src/core/dates';
import { RestoreJournal } from '../../src/core/cleanup/journal';
import { KEEP_KEY, KeepList, type KeyValueStore } from '../../src/core/cleanup/keepList';
import { parseRule, previewCleanup } from '../../src/core/cleanup/rule';
import { groupByTime, sortByDate } from '../../src/core/cleanup/timeGroups';
import { ReactionsError } from '../../src/core/errors';
import type { Reaction } from '../../src/core/model';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import { ReactionStore } from '../../src/core/store';
import { assertNoToken, collect, fastOptions, requestsTo, scReaction, useEmulator } from '../support';

const NOW = new Date(2026, 5, 17, 12, 0, 0); // Wednesday 17 June 2026, local time
const daysAgo = (n: number) => NOW.getTime() - n * DAY_MS;

const r = (
  id: string,
  opts: { days?: number; reacted?: number; kind?: string; account?: string; text?: string } = {},
): Reaction =>
  scReaction('status', id, opts.kind === '2' ? 'Love' : 'Like', {
    account: opts.account ?? 'selfcommunity:c.example:1',
    target: {
      excerpt: opts.text ?? `status ${id}`,
      createdAt: opts.days === undefined ? undefined : daysAgo(opts.days),
    },
    kind: { id: opts.kind ?? '1' },
    reactedAt: opts.reacted === undefined ? undefined : daysAgo(opts.reacted),
  });

class MapState implements KeyValueStore {
  readonly map = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.map.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.map.set(key, JSON.parse(JSON.stringify(value)));
  }
}

describe('clean-up: dates and rules', () => {
  it('older than N days uses the reaction date where known, else the item date; undated never matches', () => {
    const now = NOW.getTime();
    assert.ok(inDateRange(r('a', { days: 100 }), { olderThanDays: 90 }, now));
    assert.ok(!inDateRange(r('b', { days: 10 }), { olderThanDays: 90 }, now));
    // an old item reacted to recently is not "older than 90 days"
    assert.ok(!inDateRange(r('c', { days: 400, reacted: 5 }), { olderThanDays: 90 }, now));
    assert.ok(!inDateRange(r('d'), { olderThanDays: 0 }, now), 'no date: not removed by a date rule');
    assert.ok(inDateRange(r('d'), {}, now), 'no bound: everything');
  });

  it('older than N days, at the boundary: exactly N days old is removed, N days less a minute is not', () => {
    const now = NOW.getTime();
    const MINUTE = 1 / 1440; // of a day
    const set = [
      r('exactly-90', { days: 90 }),
      r('90-less-a-minute', { days: 90 - MINUTE }),
      r('90-and-a-minute', { days: 90 + MINUTE }),
      r('89', { days: 89 }),
      r('reacted-exactly-90', { days: 400, reacted: 90 }),
      r('reacted-90-less-a-minute', { days: 400, reacted: 90 - MINUTE }),
    ];
    const preview = previewCleanup(set, parseRule({ olderThanDays: 90 }), () => false, now);
    assert.deepStrictEqual(preview.toRemove.map((x) => x.target.id).sort(), [
      '90-and-a-minute',
      'exactly-90',
      'reacted-exactly-90',
    ]);
    assert.ok(inDateRange(r('now', { days: 0 }), { olderThanDays: 0 }, now), '0 days: up to this moment');
    assert.ok(!inDateRange(r('soon', { days: -MINUTE }), { olderThanDays: 0 }, now), '0 days: nothing later');
  });

  it('between two days is inclusive of both days', () => {
    const day = (y: number, m: number, d: number, h: number) =>
      ({
        ...r(`${m}-${d}-${h}`),
        target: { ...r('x').target, createdAt: new Date(y, m - 1, d, h).getTime() },
      }) as Reaction;
    const range = parseDateRange({ from: '2026-03-01', to: '2026-03-31' });
    assert.ok(inDateRange(day(2026, 3, 1, 0), range));
    assert.ok(inDateRange(day(2026, 3, 31, 23), range));
    assert.ok(!inDateRange(day(2026, 2, 28, 23), range));
    assert.ok(!inDateRange(day(2026, 4, 1, 0), range));
  });

  it('parseRule rejects what it cannot honour, naming the field', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ olderThanDays: -1 }, /olderThanDays/],
      [{ olderThanDays: 1.5 }, /olderThanDays/],
      [{ from: '2026-02-30' }, /not a date/],
      [{ from: '2026-03-02', to: '2026-03-01' }, /after/],
      [{ services: ['facebook'] }, /Unknown service/],
      [{ kinds: 3 }, /kinds/],
      [{ text: 5 }, /text/],
      ['90', /object/],
    ];
    for (const [args, re] of bad) {
      assert.throws(
        () => parseRule(args),
        (e: unknown) => e instanceof ReactionsError && re.test(e.message),
      );
    }
    assert.deepStrictEqual(parseRule({ olderThanDays: '30', kinds: 'Love', text: '  ', confirm: false }), {
      olderThanDays: 30,
      kinds: ['Love'],
    });
  });

  it('the preview lists exactly what matches, kept ones apart, with counts per account and group', () => {
    const other = 'tines:t.example:9';
    const all = [
      r('1', { days: 200 }),
      r('2', { days: 100, kind: '2' }),
      r('3', { days: 5 }),
      r('4', { days: 300 }),
      r('5', { days: 120, account: other }),
    ];
    const kept = new Set([all[3].id]);
    const rule = parseRule({ olderThanDays: 90 });
    const p = previewCleanup(all, { ...rule }, (id) => kept.has(id), NOW.getTime());
    assert.deepStrictEqual(
      p.toRemove.map((x) => x.target.id),
      ['1', '2', '5'],
      'oldest first per account; the recent one and the kept one are not there',
    );
    assert.deepStrictEqual(
      p.kept.map((x) => x.target.id),
      ['4'],
    );
    assert.deepStrictEqual(
      p.accounts.map((a) => [a.accountId, a.count, a.kept, a.groups.map((g) => `${g.key}=${g.count}`)]),
      [
        ['selfcommunity:c.example:1', 2, 1, ['status=2']],
        [other, 1, 0, ['status=1']],
      ],
    );
    const narrowed = previewCleanup(
      all,
      parseRule({ olderThanDays: 90, kinds: ['love'], accountIds: [all[0].accountId] }),
      () => false,
      NOW.getTime(),
    );
    assert.deepStrictEqual(
      narrowed.toRemove.map((x) => x.target.id),
      ['2'],
    );
  });

  it('the tree filter takes the same date bounds', () => {
    const store = new ReactionStore();
    const recent = (id: string, days: number) => ({
      ...r(id),
      target: { ...r(id).target, createdAt: Date.now() - days * DAY_MS },
    });
    store.upsert([recent('1', 200), recent('2', 3), r('3')]);
    store.setFilter({ olderThanDays: 90 });
    assert.deepStrictEqual(
      store.visible().map((x) => x.target.id),
      ['1'],
    );
    assert.ok(store.isFiltered);
    store.clearFilter();
    assert.strictEqual(store.visible().length, 3);
  });
});

describe('clean-up: grouping by when', () => {
  it('This week / This month / each month of this year / each earlier year / No date, newest or oldest first', () => {
    const list = [
      r('w', { days: 1 }),
      r('m', { days: 10 }),
      r('mar', { days: 100 }), // 9 March 2026
      r('feb', { days: 130 }), // 7 February 2026
      r('y25', { days: 400 }), // May 2025
      r('y24', { days: 800 }), // April 2024
      r('y24b', { days: 700 }), // July 2024
      r('n'),
    ];
    const g = groupByTime(list, NOW, 'newest');
    assert.deepStrictEqual(
      g.map((x) => [x.key, x.reactions.map((y) => y.target.id).join()]),
      [
        ['when:week', 'w'],
        ['when:month', 'm'],
        ['when:2026-03', 'mar'],
        ['when:2026-02', 'feb'],
        ['when:2025', 'y25'],
        ['when:2024', 'y24b,y24'],
        ['when:undated', 'n'],
      ],
    );
    assert.deepStrictEqual(
      g.map((x) => [x.bucket, x.month, x.year]),
      [
        ['week', undefined, undefined],
        ['month', undefined, undefined],
        ['monthOf', 2, 2026],
        ['monthOf', 1, 2026],
        ['year', undefined, 2025],
        ['year', undefined, 2024],
        ['undated', undefined, undefined],
      ],
    );
    assert.deepStrictEqual(
      groupByTime(list, NOW, 'oldest').map((x) => x.key),
      ['when:2024', 'when:2025', 'when:2026-02', 'when:2026-03', 'when:month', 'when:week', 'when:undated'],
    );
    assert.deepStrictEqual(
      sortByDate(list, 'oldest').map((x) => x.target.id),
      ['y24', 'y24b', 'y25', 'feb', 'mar', 'm', 'w', 'n'],
    );
  });

  it('a short age: minutes, hours, days under 30, then month and year', () => {
    const now = NOW.getTime();
    assert.deepStrictEqual(ageOf(now - 20_000, now), { unit: 'now' });
    assert.deepStrictEqual(ageOf(now - 5 * 60_000, now), { unit: 'min', n: 5 });
    assert.deepStrictEqual(ageOf(now - 3 * 3_600_000, now), { unit: 'h', n: 3 });
    assert.deepStrictEqual(ageOf(now - 3 * DAY_MS, now), { unit: 'd', n: 3 });
    assert.deepStrictEqual(ageOf(new Date(2024, 2, 5).getTime(), now), { unit: 'month', month: 2, year: 2024 });
    assert.deepStrictEqual(ageOf(now + 60_000, now), { unit: 'now' }, 'a clock ahead is "now", not negative');
  });

  it('the week starts on Monday: Sunday before is not this week', () => {
    // NOW is Wednesday 17 June; Monday 15 June 00:00 starts the week, Sunday 14 June is earlier.
    const mon = { ...r('mon'), target: { ...r('mon').target, createdAt: new Date(2026, 5, 15, 0, 1).getTime() } };
    const sun = { ...r('sun'), target: { ...r('sun').target, createdAt: new Date(2026, 5, 14, 23, 0).getTime() } };
    assert.deepStrictEqual(
      groupByTime([mon, sun], NOW, 'newest').map((x) => [x.bucket, x.reactions[0].target.id]),
      [
        ['week', 'mon'],
        ['month', 'sun'],
      ],
    );
  });
});

describe('clean-up: keep list', () => {
  it('pins per account, persists in the key-value store (ids only) and survives a new instance', async () => {
    const state = new MapState();
    const keep = new KeepList(state);
    const a = r('1');
    const b = r('2', { account: 'tines:t.example:9' });
    assert.strictEqual(await keep.add([a, b, a]), 2);
    assert.ok(keep.has(a.id) && keep.has(b.id));
    assert.deepStrictEqual(state.get(KEEP_KEY), { [a.accountId]: [a.id], [b.accountId]: [b.id] });
    const again = new KeepList(state);
    assert.ok(again.has(a.id), 'a new session sees the keep list');
    assert.deepStrictEqual(
      again.partition([a, b, r('3')]).allowed.map((x) => x.target.id),
      ['3'],
    );
    assert.strictEqual(await again.remove([a]), 1);
    assert.ok(!new KeepList(state).has(a.id));
    await again.forgetAccount(b.accountId);
    assert.deepStrictEqual(state.get(KEEP_KEY), {});
  });
});

describe('clean-up: restore journal', () => {
  let dir = '';
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reactions-journal-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a fresh instance (a restarted VS Code) reads back every batch and what was restored', async () => {
    const j = RestoreJournal.inFolder(dir);
    const b1 = await j.record('bulk', [r('1'), r('2')]);
    await j.record('cleanup', [r('3')]);
    assert.strictEqual(await j.markRestored([r('2').id, 'unknown']), 1);
    await j.flush();
    const fresh = RestoreJournal.inFolder(dir);
    const list = await fresh.list();
    assert.deepStrictEqual(
      list.map((b) => [b.source, b.reactions.map((x) => x.target.id), Object.keys(b.restored)]),
      [
        ['cleanup', ['3'], []],
        ['bulk', ['1', '2'], [r('2').id]],
      ],
    );
    assert.strictEqual((await fresh.get(b1!.id))?.reactions.length, 2);
  });

  it('a batch written before dates were times comes back with times: it can be put back and still dates right', async () => {
    const removed = r('1', { days: 100, reacted: 40 });
    const iso = (ms: number | undefined) => new Date(ms!).toISOString();
    const old = {
      ...removed,
      reactedAt: iso(removed.reactedAt),
      target: { ...removed.target, createdAt: iso(removed.target.createdAt) },
    };
    const line = { v: 1, t: 'removed', batch: 'b1', at: new Date().toISOString(), source: 'bulk', reactions: [old] };
    fs.mkdirSync(dir, { recursive: true });
    const j = RestoreJournal.inFolder(dir);
    fs.writeFileSync(j.file, `${JSON.stringify(line)}\n`);
    const [back] = (await j.list())[0].reactions;
    assert.strictEqual(back.reactedAt, removed.reactedAt);
    assert.strictEqual(back.target.createdAt, removed.target.createdAt);
    assert.ok(inDateRange(back, { olderThanDays: 30 }, NOW.getTime()), 'a date rule still sees its age');
  });

  it('keeps only the model fields of a reaction: a token an object happens to carry never reaches the file', async () => {
    const j = RestoreJournal.inFolder(dir);
    const leaky = { ...r('1'), raw: { authorization: 'Bearer sekrit-token-123' } } as unknown as Reaction;
    await j.record('single', [leaky]);
    await j.flush();
    const text = fs.readFileSync(j.file, 'utf8');
    assert.ok(!text.includes('sekrit-token-123'), text);
    assert.strictEqual((await RestoreJournal.inFolder(dir).list())[0].reactions[0].id, leaky.id);
  });

  it('drops batches older than the retention, and skips unreadable lines without losing the rest', async () => {
    let now = NOW.getTime();
    const warnings: string[] = [];
    const opts = { now: () => now, retentionDays: () => 30, warn: (m: string) => warnings.push(m) };
    const j = RestoreJournal.inFolder(dir, opts);
    await j.record('single', [r('old')]);
    now += 10 * DAY_MS;
    await j.record('single', [r('new')]);
    await j.flush();
    fs.appendFileSync(j.file, '{not json\n');
    now += 25 * DAY_MS; // the first batch is 35 days old now
    const fresh = RestoreJournal.inFolder(dir, opts);
    assert.deepStrictEqual(
      (await fresh.list()).map((b) => b.reactions[0].target.id),
      ['new'],
    );
    await fresh.flush();
    assert.ok(!fs.readFileSync(j.file, 'utf8').includes('"old"'), 'the file was rewritten without it');
    assert.ok(warnings.some((w) => /unreadable/.test(w)));
  });
});

describe('clean-up against the emulator', () => {
  const emu = useEmulator({ seed: 5 });
  let dir = '';
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reactions-journal-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('removes exactly the previewed reactions, journals them, and a new journal puts back exactly those; one already back gets no write', async () => {
    const alice = emu().users.find((u) => u.name === 'alice')!;
    const options = fastOptions();
    const account = await selfCommunity.signIn({ baseUrl: emu().selfcommunityUrl, token: alice.scToken }, options);
    const service = selfCommunity.connect(account, () => alice.scToken, options);
    const { items: all } = await collect(service.listReactions());
    const before = new Set(
      emu()
        .sc.votesOf('alice')
        .map((v) => `${v.type}:${v.id}`),
    );
    const days = 30;
    const keep = new KeepList(new MapState());
    const dated = all.filter(
      (x) => x.target.createdAt !== undefined && x.target.createdAt < Date.now() - days * DAY_MS,
    );
    assert.ok(dated.length >= 3, `the seed has old reactions (${dated.length})`);
    await keep.add([dated[0]]);
    const preview = previewCleanup(all, parseRule({ olderThanDays: days }), (id) => keep.has(id));
    assert.strictEqual(preview.toRemove.length + preview.kept.length, dated.length);

    const summary = await removeMany(preview.toRemove, () => service);
    assert.strictEqual(summary.removed.length, preview.toRemove.length);
    const after = new Set(
      emu()
        .sc.votesOf('alice')
        .map((v) => `${v.type}:${v.id}`),
    );
    const gone = [...before].filter((k) => !after.has(k)).sort();
    assert.deepStrictEqual(gone, preview.toRemove.map((x) => `${x.target.type}:${x.target.id}`).sort());
    assert.ok(after.has(`${dated[0].target.type}:${dated[0].target.id}`), 'the kept one is still there');

    const journal = RestoreJournal.inFolder(dir);
    const batch = await journal.record('cleanup', summary.removed);
    await journal.flush();
    assertNoToken(emu(), fs.readFileSync(journal.file, 'utf8'));

    // Someone puts one back by hand first: restoring it must read, see it, and send nothing.
    const first = summary.removed[0];
    emu().sc.setVote(first.target.type, Number(first.target.id), 'alice', first.kind.id ? Number(first.kind.id) : null);
    const fresh = RestoreJournal.inFolder(dir);
    const entries = (await fresh.get(batch!.id))!.reactions;
    emu().clearLog();
    const back = await restoreMany(entries, () => service);
    assert.strictEqual(back.restored.length, entries.length);
    assert.deepStrictEqual(
      new Set(
        emu()
          .sc.votesOf('alice')
          .map((v) => `${v.type}:${v.id}`),
      ),
      before,
    );
    const posts = requestsTo(emu(), 'POST', /\/vote\/$/).map((q) => q.path);
    assert.strictEqual(posts.length, entries.length - 1, 'one POST per reaction that was not back yet');
    assert.ok(
      !posts.some((p) => p.includes(`/${first.target.type}/${first.target.id}/`)),
      'none for the one already back',
    );
    for (const e of entries) {
      const v = emu().sc.voteOf(e.target.type, Number(e.target.id), 'alice');
      assert.strictEqual(
        v?.reactionId ?? null,
        e.kind.id ? Number(e.kind.id) : null,
        `same reaction on ${e.target.id}`,
      );
    }
  });
});
