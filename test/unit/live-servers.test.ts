/**
 * Misbehaving servers (the emulator's hostile modes) and writes whose effect must be defined:
 * bounded listings with clear errors, capped bodies, a linear excerpt, no POST without a reaction id
 * where that would change a vote, fresh guarding reads, a settle time after a lost answer, Tines
 * put-back reading first, a half-done change carrying both reactions, and a key acting as someone else.
 */
import * as assert from 'assert';
import { excerpt, type Reaction } from '../../src/core/model';
import { IdentitySet } from '../../src/core/services/common/identitySet';
import {
  ListingBudget,
  identityOf,
  readPages,
  type Identity,
  type PagedList,
} from '../../src/core/services/common/pager';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import { tines } from '../../src/core/services/tines';
import type { AccountService, ClientOptions } from '../../src/core/services/service';
import type { Emulator } from '../emulator';
import { collect, fastOptions, memoryKeyProofs, rejectsKind, requestsTo, useEmulator } from '../support';

const alice = (emu: Emulator) => emu.users.find((u) => u.name === 'alice')!;

async function scService(emu: Emulator, extra: ClientOptions = {}): Promise<AccountService> {
  const options = fastOptions(undefined, extra);
  const account = await selfCommunity.signIn({ baseUrl: emu.selfcommunityUrl, token: alice(emu).scToken }, options);
  return selfCommunity.connect(account, () => alice(emu).scToken, options);
}

const scKeys = (rs: Reaction[]) => rs.map((r) => `${r.target.type}:${r.target.id}`).sort();
const scTruth = (emu: Emulator) =>
  emu.sc
    .votesOf('alice')
    .map((v) => `${v.type}:${v.id}`)
    .sort();

describe('a misbehaving SelfCommunity server: bounded listings', () => {
  const emu = useEmulator({ seed: 21, sc: { statuses: 250, discussions: 30, posts: 20, commentsPerItem: 1 } });
  afterEach(() => (emu().hostile = {}));

  it('a count of 1,000,000,000: the real items are listed, with about the requests of a normal listing', async () => {
    const service = await scService(emu());
    emu().clearLog();
    const normal = (await collect(service.listReactions())).items;
    const normalRequests = emu().requests.length;
    emu().hostile = { hugeCount: true };
    emu().clearLog();
    const { items } = await collect(service.listReactions());
    assert.deepStrictEqual(scKeys(items), scKeys(normal));
    assert.deepStrictEqual(scKeys(items), scTruth(emu()));
    assert.ok(
      emu().requests.length <= normalRequests + 3 * 8,
      `${emu().requests.length} requests against ${normalRequests} for the same list without the lie`,
    );
  });

  it('a "next" link back to its own page stops with an error that says so', async () => {
    const service = await scService(emu());
    emu().hostile = { nextLoop: true };
    emu().clearLog();
    const e = await rejectsKind(() => collect(service.listReactions()), 'bad-response');
    assert.match(e.message, /pages do not end: a "next" link points back to a page already read/);
    // each contribution list: its first page, the page again by its "next", then the loop is seen
    const lists = requestsTo(emu(), 'GET', /\/api\/v2\/(status|discussion|post)\/$/);
    assert.ok(lists.length <= 3 * 2, `${lists.length} contribution list requests`);
  });

  it('an answer over the cap is refused while it streams in, naming the cap and the setting', async () => {
    const service = await scService(emu(), { maxResponseBytes: 2 * 1024 * 1024 });
    emu().hostile = { hugeBodyMegabytes: 50 };
    const e = await rejectsKind(() => collect(service.listReactions()), 'too-large');
    assert.match(e.message, /larger than 2 MB.*reactions\.maxResponseMegabytes/);
  });

  it('an item whose text is 200,000 "<" is listed with a short excerpt', async () => {
    emu().sc.setVote('status', 250, 'alice', 2);
    const service = await scService(emu());
    emu().hostile = { pathologicalText: 200_000 };
    const { items } = await collect(service.listReactions());
    const odd = items.find((r) => r.target.type === 'status' && r.target.id === '250')!;
    assert.match(odd.target.excerpt, /^<{100,137}\.\.\.$/);
  });
});

describe('the pager and the excerpt on their own', () => {
  /**
   * A list of `n` numbered items in pages of 10 that claims `claimed` items; `saysEnd`: its last page
   * says so (a null `next`), as DRF and Tines do.
   */
  function numbers(n: number, claimed = n, saysEnd = false): PagedList<{ id: number }> & { reads: number } {
    const page = (position: number) => ({
      items: Array.from({ length: Math.max(0, Math.min(10, n - position)) }, (_, i) => ({ id: position + i })),
      total: claimed,
      next: position + 10 < claimed ? `p${position + 10}` : undefined,
      end: saysEnd && position + 10 >= claimed,
      position,
    });
    const list = {
      reads: 0,
      anyPosition: true,
      identity: (x: { id: number }) => String(x.id),
      compare: (a: { id: number }, b: { id: number }) => a.id - b.id,
      first: async () => (list.reads++, page(0)),
      at: async (position: number) => (list.reads++, page(position)),
      follow: async (c: string | number) => (list.reads++, page(Number(String(c).slice(1)))),
    };
    return list;
  }

  it('reads every item once, with overlapping pages', async () => {
    const list = numbers(95);
    const seen: number[] = [];
    await readPages(list, (items) => seen.push(...items.map((x) => x.id)));
    assert.deepStrictEqual(
      seen.sort((a, b) => a - b),
      Array.from({ length: 95 }, (_, i) => i),
    );
  });

  it('an id sent as a number on one page and as text on the next is one item, listed once', async () => {
    const list = numbers(30);
    const asText = {
      ...list,
      at: async (position: number) => {
        const page = await list.at(position);
        return { ...page, items: page.items.map((x) => ({ id: String(x.id) as unknown as number })) };
      },
      identity: (x: { id: number }) => identityOf(x.id, x),
    };
    const seen: unknown[] = [];
    await readPages(asText, (items) => seen.push(...items.map((x) => x.id)));
    assert.strictEqual(seen.length, 30, `the overlap items are not listed twice: ${seen.join(',')}`);
  });

  it('a long list is handed on item for item, once each, whatever its ids: dense, far apart, text among them', async () => {
    // 6,000 items: past the point where the ids handed on are kept as a bitmap (identitySet.ts)
    const ids: Record<string, (position: number) => number | string> = {
      'newest first': (p) => 100_000 - p,
      'far apart': (p) => p * 7_919_000,
      mixed: (p) => (p % 7 === 0 ? `c-${p}` : p % 13 === 0 ? 1e12 + p : p % 2 ? 50_000 - p : String(50_000 + p)),
    };
    for (const [name, idAt] of Object.entries(ids)) {
      const n = 6_000;
      const list: PagedList<{ id: number | string }> = {
        anyPosition: true,
        identity: (x) => identityOf(x.id, x),
        first: async () => list.at(0),
        at: async (position) => ({
          items: Array.from({ length: Math.max(0, Math.min(10, n - position)) }, (_, i) => ({
            id: idAt(position + i),
          })),
          total: n,
          next: position + 10 < n ? `p${position + 10}` : undefined,
          position,
        }),
        follow: async () => ({ items: [] }),
      };
      const seen: Array<number | string> = [];
      await readPages(list, (items) => seen.push(...items.map((x) => x.id)));
      assert.strictEqual(seen.length, n, `${name}: every item once (pages overlap by one)`);
      assert.strictEqual(new Set(seen.map((id) => identityOf(id, id))).size, n, `${name}: no item twice`);
    }
  });

  it('the ids a list handed on answer as a Set would, through every change of how they are kept', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const runs: Array<(k: number) => Identity> = [
      (k) => 900_000 - k + Math.floor(random() * 5), // newest first, a few repeats
      (k) => (k < 3_000 ? 10_000 + k : Math.floor(random() * 1e9)), // dense, then scattered
      (k) => (random() < 0.1 ? `#t${Math.floor(random() * 500)}` : random() < 0.05 ? 2 ** 40 + k : 20_000 - (k >> 1)),
      (k) => (k % 2 ? -k : k + 0.5), // negative ids and ids that are not integers
    ];
    for (const [run, idOf] of runs.entries()) {
      const ids = new IdentitySet();
      const truth = new Set<Identity>();
      for (let k = 0; k < 12_000; k++) {
        const id = idOf(k);
        assert.strictEqual(ids.has(id), truth.has(id), `run ${run}, id ${id} (${k}): has`);
        ids.add(id);
        truth.add(id);
        assert.strictEqual(ids.size, truth.size, `run ${run}, id ${id} (${k}): size`);
      }
      for (let k = 0; k < 5_000; k++) {
        const id = k % 3 ? Math.floor(random() * 2_000_000) - 1_000_000 : idOf(k);
        assert.strictEqual(ids.has(id), truth.has(id), `run ${run}, id ${id}: has, afterwards`);
      }
    }
  });

  it('a full last page the server calls the last is the end: no read past it', async () => {
    // 100 items, pages of 10 overlapping by one: 11 pages, the last one (90–99) full.
    const says = numbers(100, 100, true);
    const seen = new Set<number>();
    await readPages(says, (items) => items.forEach((x) => seen.add(x.id)));
    assert.strictEqual(seen.size, 100);
    assert.strictEqual(says.reads, 11, 'as many reads as pages, none past the end');
    // A server that does not say where its list ends: the full last page may hide more, read on.
    const silent = numbers(100, 100, false);
    await readPages(silent, () => undefined);
    assert.strictEqual(silent.reads, 12);
  });

  it('a full last page that links a next one is read past: what the list grew by is listed', async () => {
    // The first page counts 100 items; 15 more exist by the time the later pages are read.
    const grown = numbers(115, 100, true);
    const original = grown.first;
    grown.first = async (signal) => ({ ...(await original(signal)), total: 100 });
    const at = grown.at;
    grown.at = async (position, signal) => {
      const page = await at(position, signal);
      return { ...page, total: 115, end: position + 10 >= 115 };
    };
    const seen = new Set<number>();
    await readPages(grown, (items) => items.forEach((x) => seen.add(x.id)));
    assert.strictEqual(seen.size, 115);
  });

  it('a ceiling of pages per listing stops with an error that names the number', async () => {
    const e = await rejectsKind(
      () => readPages(numbers(1000), () => undefined, { budget: new ListingBudget(5) }),
      'too-large',
    );
    assert.match(e.message, /Stopped after 5 pages, the most one listing reads/);
  });

  it('a ceiling of pages per list, too', async () => {
    const e = await rejectsKind(() => readPages(numbers(1000), () => undefined, { maxPages: 7 }), 'too-large');
    assert.match(e.message, /Stopped after 7 pages, the most one list reads/);
  });

  it('never has more reads in flight than its queue allows, whatever the count claims', async () => {
    const list = numbers(30, 1_000_000_000);
    await readPages(list, () => undefined, { concurrency: 4 });
    assert.ok(list.reads <= 1 + 4 + 4, `${list.reads} reads for 30 items`);
  });

  it('excerpts hostile text in one pass: runs of "<", "&" and unclosed tags', () => {
    assert.match(excerpt('<'.repeat(200_000)), /^<{137}\.\.\.$/);
    assert.match(excerpt('&'.repeat(200_000)), /^&{137}\.\.\.$/);
    assert.strictEqual(excerpt('<a'.repeat(100_000) + '>'), '');
    assert.strictEqual(excerpt('<p>Hello&nbsp;<b>world</b> &amp; you</p>'), 'Hello world & you');
    assert.strictEqual(excerpt('a < b and c > d'), 'a d');
  });
});

describe('SelfCommunity: a vote that says reaction null on a community with reactions', () => {
  const emu = useEmulator({ seed: 22, sc: { statuses: 20, discussions: 5, posts: 5 } });
  afterEach(() => (emu().hostile = {}));

  it('is removed with the reaction its vote list names, never with a POST without a reaction id', async () => {
    emu().sc.setVote('status', 3, 'alice', 4);
    const service = await scService(emu());
    emu().hostile = { nullReaction: true };
    const r = (await collect(service.listReactions())).items.find(
      (x) => x.target.type === 'status' && x.target.id === '3',
    )!;
    emu().clearLog();
    assert.strictEqual((await service.remove(r)).outcome, 'removed');
    assert.strictEqual(emu().sc.voteOf('status', 3, 'alice'), undefined, 'the vote is gone (not changed to Like)');
    const posts = requestsTo(emu(), 'POST', /\/vote\/$/);
    assert.deepStrictEqual(
      posts.map((p) => p.query.reaction),
      ['4'],
    );
    assert.ok(requestsTo(emu(), 'GET', /\/status\/3\/vote\/$/).length >= 1, 'the vote list was read');
  });

  it('is refused, with the page to open, when the vote list does not show the user', async () => {
    emu().sc.setVote('status', 5, 'alice', 2);
    const service = await scService(emu());
    emu().hostile = { nullReaction: true };
    const r = (await collect(service.listReactions())).items.find(
      (x) => x.target.type === 'status' && x.target.id === '5',
    )!;
    emu().fault({ method: 'GET', path: /\/status\/5\/vote\/$/, body: '{"count":0,"next":null,"results":[]}' });
    emu().clearLog();
    const e = await rejectsKind(() => service.remove(r), 'conflict');
    assert.match(e.message, /says you reacted but not with which reaction.*nothing was sent/);
    assert.match(String(e.webUrl), /\/status\/5\//);
    assert.strictEqual(requestsTo(emu(), 'POST', /\/vote\/$/).length, 0, 'no vote POST');
    assert.deepStrictEqual(emu().sc.voteOf('status', 5, 'alice'), { reactionId: 2 });
  });

  it('reads that guard a write ask for a fresh copy (Cache-Control: no-cache)', async () => {
    const service = await scService(emu());
    const r = (await collect(service.listReactions())).items[0];
    emu().clearLog();
    await service.remove(r);
    const reads = requestsTo(emu(), 'GET', new RegExp(`/${r.target.type}/${r.target.id}/$`));
    assert.ok(reads.length >= 2, 'read before and after');
    for (const read of reads) assert.strictEqual(read.headers['cache-control'], 'no-cache');
  });

  it('after a lost answer, the next write on that item waits out the settle time before it reads', async () => {
    const service = await scService(emu(), { writeSettleMs: 400 });
    const r = (await collect(service.listReactions())).items[1];
    emu().fault({ method: 'POST', path: /\/vote\/$/, reset: true, times: 1 }); // lost, and not applied
    emu().fault({ method: 'GET', path: new RegExp(`/${r.target.id}/$`), status: 503, skip: 1, times: 3 });
    emu().clearLog();
    await rejectsKind(() => service.remove(r), 'unknown-outcome');
    const lostAt = requestsTo(emu(), 'POST', /\/vote\/$/)[0].time;
    emu().clearLog();
    assert.strictEqual((await service.remove(r)).outcome, 'removed');
    const firstRead = emu().requests[0].time;
    assert.ok(firstRead - lostAt >= 400, `the next attempt read ${firstRead - lostAt} ms after the lost write`);
    assert.strictEqual(requestsTo(emu(), 'POST', /\/vote\/$/).length, 1, 'one POST: no double toggle');
  });
});

describe('Tines: writes read first, and a key acting as someone else stops', () => {
  const emu = useEmulator({ seed: 23, tines: { cases: 6, commentsPerCase: 4, reactionRate: 0.6 } });

  async function tinesService(
    token?: string,
    extra: ClientOptions = {},
  ): Promise<{ service: AccountService; all: Reaction[] }> {
    const a = alice(emu());
    const options = fastOptions(undefined, { ...(token ? { keyProofs: memoryKeyProofs() } : {}), ...extra });
    const account = await tines.signIn({ baseUrl: emu().tinesUrl, token: a.tinesToken, email: a.email }, options);
    const mine = tines.connect(account, () => a.tinesToken, options);
    const all = (await collect(mine.listReactions())).items;
    return { service: token ? tines.connect(account, () => token, options) : mine, all };
  }

  it('a put-back reads first and sends nothing when the reaction is there', async () => {
    const { service, all } = await tinesService();
    emu().clearLog();
    const back = await service.restore(all[0]);
    assert.strictEqual(back.kind.id, all[0].kind.id);
    assert.strictEqual(requestsTo(emu(), 'POST', /_reaction$/).length, 0);
    assert.strictEqual(requestsTo(emu(), 'GET', /\/comments\/\d+$/)[0].headers['cache-control'], 'no-cache');
  });

  it('a change whose removal failed carries both reactions (the tree shows both)', async () => {
    const { service, all } = await tinesService();
    const r = all[1];
    const to = ['+1', 'eyes', 'heart', 'white_check_mark', '-1'].find(
      (v) => !all.some((x) => x.target.id === r.target.id && x.kind.id === v),
    )!;
    emu().fault({ method: 'POST', path: /remove_reaction$/, status: 403, times: 1 });
    const e = await rejectsKind(() => service.change(r, { id: to, label: to }), 'conflict');
    assert.match(e.message, /Both reactions are on the comment now/);
    assert.deepStrictEqual(e.present?.map((x) => x.kind.id).sort(), [r.kind.id, to].sort());
  });

  it('after a lost answer, the next write on that comment waits out the settle time before it reads', async () => {
    const { service, all } = await tinesService(undefined, { writeSettleMs: 400 });
    const r = all[4];
    const comment = new RegExp(`/comments/${r.target.id}$`);
    emu().fault({ method: 'POST', path: /remove_reaction$/, reset: true, times: 1 }); // lost, and not applied
    emu().fault({ method: 'GET', path: comment, status: 503, skip: 1, times: 3 }); // and its outcome unread
    emu().clearLog();
    await rejectsKind(() => service.remove(r), 'unknown-outcome');
    const lostAt = requestsTo(emu(), 'POST', /remove_reaction$/)[0].time;
    emu().clearLog();
    assert.strictEqual((await service.remove(r)).outcome, 'removed');
    const firstRead = emu().requests[0].time;
    assert.ok(firstRead - lostAt >= 400, `the next attempt read ${firstRead - lostAt} ms after the lost write`);
    assert.strictEqual(requestsTo(emu(), 'POST', /remove_reaction$/).length, 1, 'one write: sent once');
  });

  it('a key that acts as another user: nothing is sent unasked; a write the person allowed is caught, and nothing more is written', async () => {
    const { service, all } = await tinesService(emu().tinesServiceKey);
    const r = all[2];
    emu().tines.removeReaction(r.target.parent!.id, r.target.id, 'alice', r.kind.id as 'heart');
    emu().clearLog();
    const unproven = await rejectsKind(() => service.restore(r), 'unproven-key');
    assert.match(unproven.message, /Nothing was sent: this Tines key has not been shown to be alice@example.com's/);
    assert.strictEqual(requestsTo(emu(), 'POST', /_reaction$/).length, 0, 'no write with an unproven key');
    await service.keyProof!.trustKeyOnce();
    const e = await rejectsKind(() => service.restore(r), 'forbidden');
    assert.match(
      e.message,
      /The key belongs to Automation Service Account \(user 90\), not alice@example.com.*Update Token/,
    );
    const again = await rejectsKind(() => service.remove(all[3]), 'forbidden');
    assert.strictEqual(again.message, e.message);
    assert.strictEqual(requestsTo(emu(), 'POST', /_reaction$/).length, 1, 'one write, then none');
  });
});
