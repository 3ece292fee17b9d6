import * as assert from 'assert';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import type { AccountService } from '../../src/core/services/service';
import type { Account, Reaction } from '../../src/core/model';
import type { Emulator } from '../emulator';
import { assertNoToken, collect, fastOptions, rejectsKind, requestsTo, sleep, useEmulator } from '../support';

const VOTE_POST = /\/vote\/$/;

async function signInAlice(
  emu: Emulator,
  options = fastOptions(),
): Promise<{ account: Account; service: AccountService; options: typeof options }> {
  const alice = emu.users.find((u) => u.name === 'alice')!;
  const account = await selfCommunity.signIn({ baseUrl: emu.selfcommunityUrl, token: alice.scToken }, options);
  return { account, service: selfCommunity.connect(account, () => alice.scToken, options), options };
}

function key(type: string, id: string | number) {
  return `${type}:${id}`;
}

describe('SelfCommunity: sign-in', () => {
  const emu = useEmulator();

  it('resolves the user behind the token', async () => {
    const { account } = await signInAlice(emu());
    const alice = emu().users.find((u) => u.name === 'alice')!;
    assert.strictEqual(account.service, 'selfcommunity');
    assert.strictEqual(account.userId, String(alice.scUserId));
    assert.match(account.label, /@ 127\.0\.0\.1:\d+$/);
    assert.strictEqual(account.id, `selfcommunity:${new URL(emu().selfcommunityUrl).host}:${alice.scUserId}`);
  });

  it('a wrong token is an auth error that names the community, not the token', async () => {
    const logger = fastOptions();
    const e = await rejectsKind(
      () => selfCommunity.signIn({ baseUrl: emu().selfcommunityUrl, token: 'not-a-real-token-xyz' }, logger),
      'auth',
    );
    assert.match(e.message, /rejected the token/);
    assert.ok(!e.message.includes('not-a-real-token-xyz'));
    assert.ok(!logger.logger.lines.join('\n').includes('not-a-real-token-xyz'));
  });

  it('empty or whitespace tokens are refused before any request', async () => {
    emu().clearLog();
    await rejectsKind(() => selfCommunity.signIn({ baseUrl: emu().selfcommunityUrl, token: '   ' }), 'invalid-input');
    await rejectsKind(() => selfCommunity.signIn({ baseUrl: emu().selfcommunityUrl, token: 'a b' }), 'invalid-input');
    assert.strictEqual(emu().requests.length, 0);
  });

  it('a URL that is not a community (the Tines tenant) is said to be wrong', async () => {
    const alice = emu().users.find((u) => u.name === 'alice')!;
    const options = fastOptions();
    emu().clearLog();
    const e = await rejectsKind(
      () => selfCommunity.signIn({ baseUrl: emu().tinesUrl, token: alice.scToken }, options),
      'invalid-input',
    );
    assert.strictEqual(
      e.message,
      `No SelfCommunity API at ${emu().tinesUrl} (/api/v2/user/me/ was not found). Check the community URL.`,
    );
    assert.deepStrictEqual(
      emu().requests.map((r) => `${r.server} ${r.method} ${r.path}`),
      ['tines GET /api/v2/user/me/'],
      'one probe, nothing else is tried with the token',
    );
    assertNoToken(emu(), e, options.logger.lines);
  });
});

describe('SelfCommunity: listing', () => {
  const emu = useEmulator({ seed: 7 });

  it('finds exactly the votes the server has for the user, on every type including comments and replies', async () => {
    const { service } = await signInAlice(emu());
    const { items, batches } = await collect(service.listReactions());
    const truth = emu().sc.votesOf('alice');
    assert.ok(truth.length > 10, 'seed has votes');
    assert.ok(
      truth.some((v) => v.type === 'comment'),
      'seed has comment votes',
    );
    assert.deepStrictEqual(
      items.map((r) => key(r.target.type, r.target.id)).sort(),
      truth.map((v) => key(v.type, v.id)).sort(),
    );
    for (const r of items) {
      const v = truth.find((x) => x.type === r.target.type && String(x.id) === r.target.id)!;
      assert.strictEqual(r.kind.id, v.reactionId === null ? '' : String(v.reactionId));
      assert.ok(r.kind.label.length > 0);
      assert.ok(r.target.excerpt.length > 0 && r.target.excerpt.length <= 140);
      if (r.target.type === 'comment') assert.ok(r.target.parent, 'comments know their contribution');
    }
    assert.ok(batches > 1, 'results stream in several batches');
    assert.strictEqual(new Set(items.map((r) => r.id)).size, items.length, 'ids are unique');
  });

  it('lists only active reactions as kinds to change to', async () => {
    const { service } = await signInAlice(emu());
    const kinds = await service.reactionKinds();
    assert.ok(kinds.length >= 3);
    assert.ok(kinds.every((k) => k.active !== false && k.id !== ''));
  });

  it('a cancelled scan stops and sends no more requests', async () => {
    const { service } = await signInAlice(emu());
    const controller = new AbortController();
    emu().setLatency(20);
    try {
      const iterate = (async () => {
        for await (const _ of service.listReactions(controller.signal)) controller.abort();
      })();
      await rejectsKind(() => iterate, 'cancelled');
      await sleep(100);
      const n = emu().requests.length;
      await sleep(200);
      assert.strictEqual(emu().requests.length, n, 'no request after cancel settled');
    } finally {
      emu().setLatency(0);
    }
  });
});

describe('SelfCommunity: paging', () => {
  const emu = useEmulator({
    seed: 3,
    sc: { statuses: 230, discussions: 5, posts: 5, commentsPerItem: 0, maxLimit: 20 },
  });

  it('walks every page when the server caps the page size', async () => {
    const { service } = await signInAlice(emu());
    emu().clearLog();
    const { items } = await collect(service.listReactions());
    const truth = emu().sc.votesOf('alice');
    assert.deepStrictEqual(
      items.map((r) => key(r.target.type, r.target.id)).sort(),
      truth.map((v) => key(v.type, v.id)).sort(),
    );
    const statusPages = requestsTo(emu(), 'GET', /\/api\/v2\/status\/$/);
    // pages overlap by a tenth (2 of 20) so that a list that shifts while it is read loses nothing
    const offsets = statusPages.map((r) => Number(r.query.offset ?? 0));
    assert.strictEqual(new Set(offsets).size, offsets.length, 'no page read twice');
    assert.strictEqual(statusPages.length, Math.ceil(230 / 18), 'one request per stride of 18');
  });
});

describe('SelfCommunity: with a path prefix', () => {
  const emu = useEmulator({
    seed: 2,
    scPrefix: '/portal/community',
    sc: { statuses: 12, discussions: 4, posts: 2, commentsPerItem: 1 },
  });

  it('signs in, lists and removes under the prefix', async () => {
    const { service, account } = await signInAlice(emu());
    assert.ok(account.baseUrl.endsWith('/portal/community'));
    const { items } = await collect(service.listReactions());
    assert.strictEqual(items.length, emu().sc.votesOf('alice').length);
    const r = items[0];
    assert.strictEqual((await service.remove(r)).outcome, 'removed');
    assert.strictEqual(emu().sc.voteOf(r.target.type, r.target.id, 'alice'), undefined);
  });
});

describe('SelfCommunity: the safe toggle protocol', () => {
  const emu = useEmulator({ seed: 11 });
  let service: AccountService;
  let all: Reaction[];

  before(async () => {
    ({ service } = await signInAlice(emu()));
    all = (await collect(service.listReactions())).items;
  });

  function pick(type: string, skip = 0): Reaction {
    const r = all.filter((x) => x.target.type === type && emu().sc.voteOf(x.target.type, x.target.id, 'alice'))[skip];
    assert.ok(r, `seed has a voted ${type}`);
    return r;
  }

  for (const type of ['status', 'discussion', 'post', 'comment']) {
    it(`removes a ${type} vote with one POST carrying the current reaction id, and verifies it`, async () => {
      const r = pick(type);
      const current = emu().sc.voteOf(r.target.type, r.target.id, 'alice')!;
      emu().clearLog();
      const result = await service.remove(r);
      assert.strictEqual(result.outcome, 'removed');
      assert.strictEqual(emu().sc.voteOf(r.target.type, r.target.id, 'alice'), undefined);
      const posts = requestsTo(emu(), 'POST', VOTE_POST);
      assert.strictEqual(posts.length, 1);
      assert.strictEqual(posts[0].query.reaction, current.reactionId === null ? undefined : String(current.reactionId));
      const reads = emu().requests.filter((x) => x.method === 'GET');
      assert.ok(
        reads.length >= 2 && reads[0].time <= posts[0].time && reads[reads.length - 1].time >= posts[0].time,
        'read before and after the POST',
      );
    });
  }

  it('an item that is no longer voted is "already removed" and gets NO vote POST', async () => {
    const r = pick('status', 1);
    emu().sc.setVote(r.target.type, r.target.id, 'alice', undefined);
    emu().clearLog();
    const result = await service.remove(r);
    assert.strictEqual(result.outcome, 'already-removed');
    assert.strictEqual(requestsTo(emu(), 'POST', VOTE_POST).length, 0);
    assert.strictEqual(emu().sc.voteOf(r.target.type, r.target.id, 'alice'), undefined, 'no vote was added');
  });

  it('a target deleted meanwhile is reported as such, with no POST', async () => {
    const r = pick('discussion', 1);
    emu().sc.delete(r.target.type, r.target.id);
    emu().clearLog();
    assert.strictEqual((await service.remove(r)).outcome, 'target-deleted');
    assert.strictEqual(requestsTo(emu(), 'POST', VOTE_POST).length, 0);
  });

  it('removes the CURRENT reaction when it was changed elsewhere since listing', async () => {
    const r = pick('post', 1);
    const kinds = await service.reactionKinds();
    const other = kinds.find((k) => k.id !== r.kind.id)!;
    emu().sc.setVote(r.target.type, r.target.id, 'alice', Number(other.id));
    emu().clearLog();
    assert.strictEqual((await service.remove(r)).outcome, 'removed');
    assert.strictEqual(emu().sc.voteOf(r.target.type, r.target.id, 'alice'), undefined);
    assert.strictEqual(requestsTo(emu(), 'POST', VOTE_POST)[0].query.reaction, other.id);
  });

  it('restore (undo) puts the same reaction back', async () => {
    const r = pick('status', 2);
    const before = emu().sc.voteOf(r.target.type, r.target.id, 'alice')!;
    await service.remove(r);
    const back = await service.restore(r);
    assert.deepStrictEqual(emu().sc.voteOf(r.target.type, r.target.id, 'alice'), before);
    assert.strictEqual(back.kind.id, r.kind.id);
  });

  it('restore when the reaction is already there sends nothing', async () => {
    const r = pick('status', 3);
    emu().clearLog();
    await service.restore(r);
    assert.strictEqual(requestsTo(emu(), 'POST', VOTE_POST).length, 0);
  });

  it('change switches the reaction with one POST and verifies it', async () => {
    const r = pick('discussion', 2);
    const kinds = await service.reactionKinds();
    const target = kinds.find(
      (k) => k.id !== r.kind.id && k.id !== String(emu().sc.voteOf(r.target.type, r.target.id, 'alice')!.reactionId),
    )!;
    emu().clearLog();
    const changed = await service.change(r, target);
    assert.strictEqual(changed.kind.id, target.id);
    assert.strictEqual(emu().sc.voteOf(r.target.type, r.target.id, 'alice')!.reactionId, Number(target.id));
    const posts = requestsTo(emu(), 'POST', VOTE_POST);
    assert.strictEqual(posts.length, 1);
    assert.strictEqual(posts[0].query.reaction, target.id);
  });

  it('change on an item that is no longer voted refuses instead of adding a vote', async () => {
    const r = pick('post', 2);
    emu().sc.setVote(r.target.type, r.target.id, 'alice', undefined);
    emu().clearLog();
    const kinds = await service.reactionKinds();
    await rejectsKind(() => service.change(r, kinds[0]), 'conflict');
    assert.strictEqual(requestsTo(emu(), 'POST', VOTE_POST).length, 0);
    assert.strictEqual(emu().sc.voteOf(r.target.type, r.target.id, 'alice'), undefined);
  });

  it('two removals of the same reaction at once send exactly one vote POST', async () => {
    const r = pick('comment', 1);
    emu().clearLog();
    const results = await Promise.all([service.remove(r), service.remove(r)]);
    assert.deepStrictEqual(results.map((x) => x.outcome).sort(), ['already-removed', 'removed']);
    assert.strictEqual(requestsTo(emu(), 'POST', VOTE_POST).length, 1);
    assert.strictEqual(emu().sc.voteOf(r.target.type, r.target.id, 'alice'), undefined);
  });
});

describe('SelfCommunity: writes whose answer is lost are resolved by reading, never by resending', () => {
  const emu = useEmulator({ seed: 5 });
  let service: AccountService;
  let all: Reaction[];
  let n = 0;

  before(async () => {
    ({ service } = await signInAlice(emu(), fastOptions(undefined, { timeoutMs: 400 })));
    all = (await collect(service.listReactions())).items.filter((r) => r.target.type !== 'comment');
  });
  const next = () => all[n++];

  it('applied, then the connection reset: removal confirmed by a read, one POST', async () => {
    const r = next();
    emu().fault({ method: 'POST', path: VOTE_POST, reset: true, applyFirst: true, times: 1 });
    emu().clearLog();
    assert.strictEqual((await service.remove(r)).outcome, 'removed');
    assert.strictEqual(requestsTo(emu(), 'POST', VOTE_POST).length, 1);
    assert.strictEqual(emu().sc.voteOf(r.target.type, r.target.id, 'alice'), undefined);
  });

  it('applied, then no answer (timeout): removal confirmed by a read, one POST', async () => {
    const r = next();
    emu().fault({ method: 'POST', path: VOTE_POST, hang: true, applyFirst: true, times: 1 });
    emu().clearLog();
    assert.strictEqual((await service.remove(r)).outcome, 'removed');
    assert.strictEqual(requestsTo(emu(), 'POST', VOTE_POST).length, 1);
  });

  it('a 500 that did NOT apply: a clear error, the vote untouched, no second POST', async () => {
    const r = next();
    const before = emu().sc.voteOf(r.target.type, r.target.id, 'alice');
    emu().fault({ method: 'POST', path: VOTE_POST, status: 500, times: 1 });
    emu().clearLog();
    const e = await rejectsKind(() => service.remove(r), 'unknown-outcome');
    assert.match(e.message, /still shows your/);
    assert.strictEqual(requestsTo(emu(), 'POST', VOTE_POST).length, 1);
    assert.deepStrictEqual(emu().sc.voteOf(r.target.type, r.target.id, 'alice'), before);
  });

  it('403 on the vote: forbidden, nothing changed', async () => {
    const r = next();
    const before = emu().sc.voteOf(r.target.type, r.target.id, 'alice');
    emu().fault({
      method: 'POST',
      path: VOTE_POST,
      status: 403,
      body: '{"errors":[{"code":"blocked","message":"Voting is blocked with this author"}]}',
      times: 1,
    });
    const e = await rejectsKind(() => service.remove(r), 'forbidden');
    assert.match(e.message, /Voting is blocked/);
    assert.deepStrictEqual(emu().sc.voteOf(r.target.type, r.target.id, 'alice'), before);
  });

  it('the read after the POST fails: "could not confirm", and no second POST', async () => {
    const r = next();
    emu().clearLog();
    emu().fault({ method: 'POST', path: VOTE_POST, applyFirst: true, status: 502, times: 1 });
    // the read before the POST succeeds (skip 1); every read after it fails
    emu().fault({ method: 'GET', path: `/api/v2/${r.target.type}/${r.target.id}/`, status: 503, skip: 1 });
    const e = await rejectsKind(() => service.remove(r), 'unknown-outcome');
    assert.match(e.message, /Could not confirm/);
    assert.strictEqual(requestsTo(emu(), 'POST', VOTE_POST).length, 1);
  });
});

describe('SelfCommunity: a community with reactions turned off', () => {
  const emu = useEmulator({
    seed: 4,
    sc: { reactionsEnabled: false, statuses: 20, discussions: 5, posts: 5, commentsPerItem: 1 },
  });

  it('lists plain upvotes and removes them with a POST without a reaction parameter', async () => {
    const { service } = await signInAlice(emu());
    const { items } = await collect(service.listReactions());
    assert.ok(items.length > 0);
    assert.ok(items.every((r) => r.kind.id === '' && r.kind.label === 'Upvote'));
    emu().clearLog();
    assert.strictEqual((await service.remove(items[0])).outcome, 'removed');
    const posts = requestsTo(emu(), 'POST', VOTE_POST);
    assert.strictEqual(posts.length, 1);
    assert.strictEqual(posts[0].query.reaction, undefined);
    assert.strictEqual(emu().sc.voteOf(items[0].target.type, items[0].target.id, 'alice'), undefined);
  });
});
