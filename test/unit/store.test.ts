import * as assert from 'assert';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CacheSync, ReactionCache } from '../../src/core/cache';
import { Emitter } from '../../src/core/emitter';
import { ReactionStore, groupOf, matches, serviceOfAccount, type StoreChange } from '../../src/core/store';
import { type Account, type Reaction, type Target } from '../../src/core/model';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import type { AccountService } from '../../src/core/services/service';
import { tines } from '../../src/core/services/tines';
import {
  assertNoSecret,
  fastOptions,
  reactionKeys,
  signInWithBrowser,
  truthKeys,
  useEmulator,
  user,
  type UserName,
  SC_ACCOUNT,
  SC_ACCOUNT_2,
  TINES_ACCOUNT,
  scReaction,
  tinesReaction,
} from '../support';

const SC = SC_ACCOUNT;
const SC2 = SC_ACCOUNT_2;
const TI = TINES_ACCOUNT;

/** A reaction dated 2024-01-<id>, with an excerpt the text filter can find. */
const sc = (type: Target['type'], id: string, label = 'Like', extra: Partial<Target> = {}, account = SC): Reaction =>
  scReaction(type, id, label, {
    account,
    target: {
      excerpt: `${type} ${id} text`,
      createdAt: Date.parse(`2024-01-${id.padStart(2, '0')}T00:00:00Z`),
      ...extra,
    },
  });

const ti = (caseId: string, commentId: string, value = 'heart', title = `Case ${caseId}`): Reaction =>
  tinesReaction(caseId, commentId, value, {
    target: { parent: { type: 'case', id: caseId, title }, author: 'Bob Builder' },
    kind: { label: value === 'heart' ? 'Heart' : 'Eyes' },
  });

function recorder(store: ReactionStore): StoreChange[] {
  const events: StoreChange[] = [];
  store.onDidChange((e) => events.push(e));
  return events;
}

describe('store: ReactionStore', () => {
  it('indexes reactions per account by id, replacing on re-add', () => {
    const store = new ReactionStore();
    const a = sc('post', '1');
    store.upsert([a, sc('post', '2'), ti('5', '50')]);
    assert.strictEqual(store.count(), 3);
    assert.strictEqual(store.count(SC), 2);
    assert.strictEqual(store.count(TI), 1);
    assert.strictEqual(store.count('nobody'), 0);
    store.upsert([{ ...a, kind: { id: '2', label: 'Love' } }]);
    assert.strictEqual(store.count(SC), 2, 'same id replaces');
    assert.strictEqual(store.get(a.id)?.kind.label, 'Love');
    assert.deepStrictEqual(store.accountIds().sort(), [SC, TI].sort());
  });

  it('groups SelfCommunity by type in a fixed order and Tines by case', () => {
    const store = new ReactionStore();
    store.upsert([sc('comment', '9'), sc('post', '1'), sc('status', '3'), sc('discussion', '4'), sc('post', '2')]);
    store.upsert([ti('5', '50'), ti('12', '120', 'heart', 'Newer case'), ti('5', '51', 'eyes')]);
    const scGroups = store.groups(SC);
    assert.deepStrictEqual(
      scGroups.map((g) => g.key),
      ['status', 'discussion', 'post', 'comment'],
    );
    assert.deepStrictEqual(
      scGroups.find((g) => g.key === 'post')!.reactions.map((r) => r.target.id),
      ['2', '1'],
      'newest target first',
    );
    const tiGroups = store.groups(TI);
    assert.deepStrictEqual(
      tiGroups.map((g) => g.key),
      ['case:12', 'case:5'],
      'newest case (highest id) first',
    );
    assert.strictEqual(tiGroups[0].title, 'Newer case');
    assert.strictEqual(tiGroups[1].reactions.length, 2);
    assert.strictEqual(store.group(TI, 'case:5')?.reactions.length, 2);
    assert.strictEqual(store.group(TI, 'case:404'), undefined);
    assert.deepStrictEqual(groupOf(ti('5', '50')), { key: 'case:5', type: 'case', title: 'Case 5' });
  });

  it('removes by id, returns what was removed and fires once', () => {
    const store = new ReactionStore();
    const [a, b] = [sc('post', '1'), ti('5', '50')];
    store.upsert([a, b, sc('post', '2')]);
    const events = recorder(store);
    const removed = store.remove([a.id, b.id, 'missing']);
    assert.deepStrictEqual(
      removed.map((r) => r.id),
      [a.id, b.id],
    );
    assert.strictEqual(store.count(), 1);
    assert.strictEqual(events.length, 1);
    assert.strictEqual(events[0].reason, 'remove');
    assert.deepStrictEqual([...events[0].accountIds].sort(), [SC, TI].sort());
    assert.deepStrictEqual(store.remove(['missing']), []);
    assert.strictEqual(events.length, 1, 'nothing removed: no event');
  });

  it('replace swaps a reaction even when the id changes (Tines change)', () => {
    const store = new ReactionStore();
    const old = ti('5', '50', 'heart');
    store.upsert([old]);
    const next = ti('5', '50', 'eyes');
    assert.notStrictEqual(old.id, next.id);
    store.replace(old.id, next);
    assert.strictEqual(store.get(old.id), undefined);
    assert.strictEqual(store.get(next.id)?.kind.label, 'Eyes');
    assert.strictEqual(store.count(TI), 1);
  });

  it('filters by text (all words), kind (label or id) and service; counts both ways', () => {
    const store = new ReactionStore();
    store.upsert([
      sc('post', '1', 'Like', { excerpt: 'Release notes for March' }),
      sc('post', '2', 'Love', { excerpt: 'Team lunch photos' }),
      sc('status', '3', 'Love', { excerpt: 'march madness', author: 'Carol' }),
      ti('5', '50', 'heart'),
      ti('5', '51', 'eyes'),
    ]);
    const events = recorder(store);
    store.setFilter({ text: '  MARCH  ' });
    assert.strictEqual(store.isFiltered, true);
    assert.deepStrictEqual(store.filter, { text: 'MARCH' });
    assert.strictEqual(store.visibleCount(), 2);
    assert.strictEqual(store.count(), 5, 'count ignores the filter');
    assert.strictEqual(events.at(-1)?.reason, 'filter');

    store.setFilter({ text: 'march carol' });
    assert.deepStrictEqual(
      store.visible().map((r) => r.target.id),
      ['3'],
    );

    store.setFilter({ kinds: ['love'] });
    assert.strictEqual(store.visibleCount(SC), 2);
    assert.strictEqual(store.visibleCount(TI), 0);
    store.setFilter({ kinds: ['heart', '1'] });
    assert.deepStrictEqual(
      store
        .visible()
        .map((r) => r.kind.label)
        .sort(),
      ['Heart', 'Like'],
    );

    store.setFilter({ services: ['tines'] });
    assert.strictEqual(store.visibleCount(), 2);
    assert.deepStrictEqual(store.groups(SC), [], 'filtered-out accounts have no groups');

    store.setFilter({ text: 'comment', kinds: ['eyes'], services: ['tines'] });
    assert.deepStrictEqual(
      store.visible().map((r) => r.target.id),
      ['51'],
    );

    store.setFilter({ text: '   ', kinds: [], services: [] });
    assert.strictEqual(store.isFiltered, false, 'blank filter = no filter');
    store.setFilter({ text: 'x' });
    store.clearFilter();
    assert.strictEqual(store.isFiltered, false);
    assert.strictEqual(store.visibleCount(), 5);
  });

  it('matches() also checks the author and the case title', () => {
    const r = ti('5', '50', 'heart', 'Phishing triage');
    assert.ok(matches(r, { text: 'phishing' }));
    assert.ok(matches(r, { text: 'builder' }));
    assert.ok(!matches(r, { text: 'nothing-like-this' }));
    assert.ok(matches(r, undefined));
    assert.strictEqual(serviceOfAccount(TI), 'tines');
  });

  describe('scans', () => {
    it('stream batches in, then finish() drops what the scan did not see', () => {
      const store = new ReactionStore();
      const [keep, gone, other] = [sc('post', '1'), sc('post', '2'), sc('post', '3', 'Like', {}, SC2)];
      store.upsert([keep, gone, other]);
      const events = recorder(store);
      const scan = store.beginScan(SC);
      assert.strictEqual(scan.active, true);
      const fresh = sc('status', '4');
      scan.add([keep, fresh]);
      assert.strictEqual(store.count(SC), 3, 'visible at once, old ones kept while scanning');
      scan.add([sc('post', '5', 'Like', {}, SC2)]);
      assert.strictEqual(store.count(SC2), 1, 'a scan only adds to its own account');
      scan.finish();
      assert.strictEqual(scan.active, false);
      assert.deepStrictEqual(
        store
          .all(SC)
          .map((r) => r.id)
          .sort(),
        [keep.id, fresh.id].sort(),
      );
      assert.strictEqual(store.count(SC2), 1, 'other accounts untouched');
      assert.deepStrictEqual(
        events.map((e) => e.reason),
        ['add', 'remove'],
      );
      scan.add([gone]);
      assert.strictEqual(store.get(gone.id), undefined, 'a finished scan adds nothing');
    });

    it('abandon() keeps old and new; a newer scan supersedes an older one', () => {
      const store = new ReactionStore();
      const old = sc('post', '1');
      store.upsert([old]);
      const first = store.beginScan(SC);
      first.add([sc('post', '2')]);
      const second = store.beginScan(SC);
      assert.strictEqual(first.active, false);
      first.add([sc('post', '3')]);
      first.finish();
      assert.strictEqual(store.count(SC), 2, 'the superseded scan neither adds nor drops');
      second.abandon();
      assert.strictEqual(second.active, false);
      assert.strictEqual(store.count(SC), 2);
    });

    it('a reaction removed during a scan is not brought back by it, unless restored', () => {
      const store = new ReactionStore();
      const r = sc('post', '1');
      store.upsert([r]);
      const scan = store.beginScan(SC);
      store.remove([r.id]);
      scan.add([r]);
      assert.strictEqual(store.get(r.id), undefined, 'stale page ignored');
      store.upsert([r]); // undo
      scan.add([r]);
      scan.finish();
      assert.ok(store.get(r.id), 'restored, then seen: kept');
    });

    it('a first listing (nothing kept before) drops only what another write added and the scan did not see', () => {
      const store = new ReactionStore();
      const [a, b, c, putBack] = [sc('post', '1'), sc('post', '2'), sc('status', '3'), sc('post', '4')];
      const scan = store.beginScan(SC);
      scan.add([a, b]);
      store.remove([a.id]); // removed while the listing runs…
      store.upsert([a]); // …and put back: the scan had seen it
      store.upsert([putBack]); // put back while the listing runs; its page had already been read
      scan.add([c]);
      scan.finish();
      assert.deepStrictEqual(
        store
          .all(SC)
          .map((r) => r.id)
          .sort(),
        [a.id, b.id, c.id].sort(),
      );
      const alone = new ReactionStore();
      const first = alone.beginScan(SC);
      first.add([a, b]);
      first.add([c]);
      first.finish();
      assert.strictEqual(alone.count(SC), 3, 'a listing with no other write keeps all it found');
    });

    it('clear() forgets an account and stops its scan', () => {
      const store = new ReactionStore();
      store.upsert([sc('post', '1'), ti('5', '50')]);
      const scan = store.beginScan(SC);
      store.clear(SC);
      scan.add([sc('post', '2')]);
      assert.strictEqual(store.count(SC), 0);
      assert.strictEqual(store.count(TI), 1);
      assert.ok(!store.accountIds().includes(SC));
    });
  });

  describe('snapshot / restore', () => {
    it('round-trips through JSON', () => {
      const store = new ReactionStore();
      store.upsert([
        sc('post', '1'),
        sc('comment', '2', 'Love', { parent: { type: 'post', id: '1', title: 'p' } }),
        ti('5', '50'),
      ]);
      const snap = store.snapshot(new Date('2024-05-01T00:00:00Z'));
      const json = JSON.stringify(snap);
      const copy = new ReactionStore();
      const events = recorder(copy);
      assert.strictEqual(copy.restore(JSON.parse(json)), 3);
      assert.deepStrictEqual(copy.snapshot(new Date('2024-05-01T00:00:00Z')), snap);
      assert.strictEqual(events.length, 1);
      assert.strictEqual(events[0].reason, 'restore');
    });

    it('skips garbage, wrong versions, foreign entries and accounts not kept', () => {
      const store = new ReactionStore();
      assert.strictEqual(store.restore(null), 0);
      assert.strictEqual(store.restore({ version: 2, accounts: {} }), 0);
      assert.strictEqual(store.restore('nope'), 0);
      const good = sc('post', '1');
      const loaded = store.restore(
        {
          version: 1,
          savedAt: 'x',
          accounts: {
            [SC]: [good, { id: 'x' }, 42, { ...sc('post', '2', 'Like', {}, SC2) }],
            [TI]: [ti('5', '50')],
            [SC2]: 'not a list',
          },
        },
        [SC, SC2],
      );
      assert.strictEqual(loaded, 1);
      assert.deepStrictEqual(
        store.all().map((r) => r.id),
        [good.id],
      );
      assert.strictEqual(store.count(TI), 0, 'account not kept');
    });
  });
});

describe('store: Emitter', () => {
  it('delivers to listeners until disposed; a throwing listener does not stop the others', () => {
    const e = new Emitter<number>();
    const got: number[] = [];
    e.event(() => {
      throw new Error('boom');
    });
    const sub = e.event((n) => got.push(n));
    e.fire(1);
    sub.dispose();
    e.fire(2);
    assert.deepStrictEqual(got, [1]);
  });
});

describe('store and cache: no secret is kept in memory or persisted', () => {
  const emu = useEmulator({
    seed: 41,
    sc: { statuses: 60, discussions: 20, posts: 10, commentsPerItem: 1 },
    tines: { cases: 8, commentsPerCase: 3 },
  });
  let dir = '';
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'reactions-secrets-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  /** A reaction as a careless lister might hand it over: the model's fields plus every secret in play. */
  function carrying(r: Reaction, secrets: Secrets): Reaction {
    return {
      ...r,
      token: secrets.pasted,
      credentials: { accessToken: secrets.access, refreshToken: secrets.refresh },
      target: { ...r.target, raw: { headers: { authorization: `Bearer ${secrets.access}` } } },
      kind: { ...r.kind, apiKey: secrets.tinesKey },
    } as Reaction;
  }

  interface Secrets {
    pasted: string;
    access: string;
    refresh: string;
    tinesKey: string;
  }

  it('lists with a pasted token, a browser sign-in (access + refresh) and a Tines key; none of them is in the store or in any byte on disk', async () => {
    const alice = user(emu(), 'alice');
    const options = fastOptions();
    const oauth = await signInWithBrowser(emu(), 'bob', options);
    assert.ok(oauth.tokens.refreshToken, 'the browser sign-in gave a refresh token');
    const secrets: Secrets = {
      pasted: alice.scToken,
      access: oauth.tokens.accessToken,
      refresh: oauth.tokens.refreshToken,
      tinesKey: alice.tinesToken,
    };
    const scAlice = await selfCommunity.signIn({ baseUrl: emu().selfcommunityUrl, token: secrets.pasted }, options);
    const tinesAlice = await tines.signIn(
      { baseUrl: emu().tinesUrl, token: secrets.tinesKey, email: alice.email },
      options,
    );
    const listings: Array<{ account: Account; owner: UserName; service: AccountService }> = [
      { account: scAlice, owner: 'alice', service: selfCommunity.connect(scAlice, () => secrets.pasted, options) },
      {
        account: oauth.account,
        owner: 'bob',
        service: selfCommunity.connect(oauth.account, () => secrets.access, options),
      },
      { account: tinesAlice, owner: 'alice', service: tines.connect(tinesAlice, () => secrets.tinesKey, options) },
    ];

    const store = new ReactionStore();
    const sync = new CacheSync(store, new ReactionCache(dir), { isKnown: () => true, debounceMs: 0 });
    for (const { account, service } of listings) {
      const scan = store.beginScan(account.id);
      for await (const batch of service.listReactions()) scan.add(batch.map((r) => carrying(r, secrets)));
      scan.finish();
      await sync.scanEnded(account.id, true, service.checkpoint);
    }
    // The other ways in: a change (replace) and an undo (upsert), also handed over with the secrets.
    const [first, second] = store.all(scAlice.id);
    store.replace(first.id, carrying(first, secrets));
    store.remove([second.id]);
    store.upsert([carrying(second, secrets)]);
    await sync.dispose();

    // Not vacuous: each account holds exactly what the emulator says its user reacted to.
    for (const { account, owner } of listings) {
      const listed = store.all(account.id);
      assert.ok(listed.length > 5, `${account.id} listed ${listed.length} reactions`);
      assert.deepStrictEqual(reactionKeys(account.service, listed), truthKeys(emu(), account.service, owner));
    }
    const all = Object.values(secrets);
    assertNoSecret(all, store.all(), store.snapshot(), store.groups(scAlice.id), store.groups(tinesAlice.id));

    const files = await fs.readdir(dir);
    assert.strictEqual(files.length, listings.length, `one cache file per account: ${files.join(', ')}`);
    for (const name of files) {
      const bytes = await fs.readFile(path.join(dir, name));
      assert.ok(bytes.length > 1000, `${name} holds the listing`);
      for (const secret of all) assert.ok(!bytes.includes(secret), `${name} holds a secret`);
    }
  });
});
