/**
 * The emulator itself: proves the API semantics the client relies on (toggle table, paging links,
 * error bodies, Tines reactions), every fault kind, the request log, determinism and scale.
 */
import * as assert from 'assert';
import { call, sleep, useEmulator, type Reply } from '../support';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator';

/** An emulator for the enclosing describe(); faults and the log are reset after each test. */
function withEmulator(options: EmulatorOptions = {}): () => Emulator {
  const emu = useEmulator(options);
  afterEach(() => emu().clearLog());
  return emu;
}

const user = (emu: Emulator, name = 'alice') => emu.users.find((u) => u.name === name)!;

describe('emulator: SelfCommunity basics', () => {
  const emu = withEmulator({ seed: 3 });
  const sc = (path: string, o: Parameters<typeof call>[1] = {}) =>
    call(`${emu().selfcommunityUrl}${path}`, { token: user(emu()).scToken, ...o });

  it('user/me answers for the token owner', async () => {
    const bob = user(emu(), 'bob');
    const r = await sc('/api/v2/user/me/', { token: bob.scToken });
    assert.strictEqual(r.status, 200);
    assert.strictEqual(r.json.id, bob.scUserId);
    assert.strictEqual(r.json.username, 'bob');
    assert.strictEqual(r.json.email, bob.email);
  });

  it('401 without a token (DRF body) and with an unknown one (SDK body)', async () => {
    const none = await call(`${emu().selfcommunityUrl}/api/v2/user/me/`);
    assert.strictEqual(none.status, 401);
    assert.match(none.json.detail, /credentials were not provided/);
    const wrong = await sc('/api/v2/status/', { token: 'nope-123' });
    assert.strictEqual(wrong.status, 401);
    assert.strictEqual(wrong.json.errors[0].code, 'not_authenticated');
    const tinesToken = await sc('/api/v2/status/1/', { token: user(emu()).tinesToken });
    assert.strictEqual(tinesToken.status, 401, 'a Tines key is not a SelfCommunity token');
  });

  it('the reaction catalog needs no token, has Like as id 1 and one inactive reaction that alice still uses', async () => {
    const all = await call(`${emu().selfcommunityUrl}/api/v2/reaction/?limit=50`);
    assert.strictEqual(all.status, 200);
    assert.strictEqual(all.json.count, 7);
    assert.deepStrictEqual(
      all.json.results.map((r: { id: number }) => r.id),
      [1, 2, 3, 4, 5, 6, 7],
    );
    assert.strictEqual(all.json.results[0].label, 'Like');
    const inactive = all.json.results.filter((r: { active: boolean }) => !r.active);
    assert.strictEqual(inactive.length, 1);
    const active = await call(`${emu().selfcommunityUrl}/api/v2/reaction/?active=true`);
    assert.strictEqual(active.json.count, 6);
    assert.ok(
      emu()
        .sc.votesOf('alice')
        .some((v) => v.reactionId === inactive[0].id),
      'alice has a vote with the inactive reaction',
    );
    const features = await call(`${emu().selfcommunityUrl}/api/v2/feature/`);
    assert.ok(features.json.includes('reaction'));
  });

  it('lists newest first with absolute same-origin next/previous links and a default limit of 20', async () => {
    const first = await sc('/api/v2/status/?ordering=-added_at');
    assert.strictEqual(first.json.count, 30);
    assert.strictEqual(first.json.results.length, 20);
    assert.strictEqual(first.json.previous, null);
    const ids = first.json.results.map((x: { id: number }) => x.id);
    assert.deepStrictEqual(
      ids,
      [...ids].sort((a, b) => b - a),
      'higher id = newer, first',
    );
    const dates = first.json.results.map((x: { added_at: string }) => Date.parse(x.added_at));
    assert.deepStrictEqual(
      dates,
      [...dates].sort((a, b) => b - a),
    );
    const next = new URL(first.json.next);
    assert.strictEqual(next.origin, new URL(emu().selfcommunityUrl).origin);
    assert.strictEqual(next.searchParams.get('offset'), '20');
    assert.strictEqual(next.searchParams.get('ordering'), '-added_at', 'other parameters are kept');
    const second = await call(first.json.next, { token: user(emu()).scToken });
    assert.strictEqual(second.json.results.length, 10);
    assert.strictEqual(second.json.next, null);
    assert.ok(second.json.previous.startsWith(emu().selfcommunityUrl));
    const all = [...ids, ...second.json.results.map((x: { id: number }) => x.id)];
    assert.strictEqual(new Set(all).size, 30);
  });

  it('each item carries the REQUESTING user’s vote state, and other people’s votes in the counts', async () => {
    const votes = emu()
      .sc.votesOf('alice')
      .filter((v) => v.type === 'status');
    const item = votes.find((v) => !emu().sc.voteOf('status', v.id, 'bob'))!;
    const asAlice = (await sc(`/api/v2/status/${item.id}/`)).json;
    const asBob = (await sc(`/api/v2/status/${item.id}/`, { token: user(emu(), 'bob').scToken })).json;
    assert.strictEqual(asAlice.voted, true);
    assert.strictEqual(asAlice.reaction.id, item.reactionId);
    assert.strictEqual(asBob.voted, false);
    assert.strictEqual(asBob.reaction, null);
    assert.strictEqual(asAlice.vote_count, asBob.vote_count);
    const sum = asAlice.reactions_count.reduce((n: number, x: { count: number }) => n + x.count, 0);
    assert.strictEqual(sum, asAlice.vote_count);
    const page = (await sc('/api/v2/status/?limit=30')).json.results;
    assert.ok(
      page.some((x: { vote_count: number }) => x.vote_count > 1),
      'some items have several votes',
    );
    for (const key of ['id', 'type', 'added_at', 'last_activity_at', 'author', 'html', 'summary', 'comment_count'])
      assert.ok(key in asAlice, key);
    const voters = (await sc(`/api/v2/status/${item.id}/vote/`)).json;
    assert.strictEqual(voters.count, asAlice.vote_count);
    assert.ok(voters.results.some((v: { user: { id: number } }) => v.user.id === user(emu()).scUserId));
  });

  it('discussions have a title and slug', async () => {
    const d = (await sc('/api/v2/discussion/?limit=1')).json.results[0];
    assert.ok(d.title.length > 5);
    assert.match(d.slug, /^[a-z0-9-]+$/);
  });

  it('limit is capped at maxLimit (100 by default)', async () => {
    const r = await sc('/api/v2/status/?limit=1000');
    assert.strictEqual(r.json.results.length, 30);
    const e = await startEmulator({ sc: { statuses: 40, maxLimit: 15 } });
    try {
      const capped = await call(`${e.selfcommunityUrl}/api/v2/status/?limit=1000`, { token: user(e).scToken });
      assert.strictEqual(capped.json.results.length, 15);
      assert.strictEqual(new URL(capped.json.next).searchParams.get('limit'), '15');
    } finally {
      await e.close();
    }
  });

  it('comments of a contribution, then replies of a comment', async () => {
    const w = emu();
    const discussions = (await sc('/api/v2/discussion/?limit=50')).json.results as Array<{
      id: number;
      comment_count: number;
    }>;
    let checkedReplies = false;
    for (const d of discussions.filter((x) => x.comment_count > 0)) {
      const top = (await sc(`/api/v2/comment/?discussion=${d.id}&limit=100`)).json;
      assert.ok(
        top.results.every(
          (c: { discussion: number; parent: null; type: string }) =>
            c.discussion === d.id && c.parent === null && c.type === 'comment',
        ),
      );
      let total = top.count;
      for (const c of top.results.filter((x: { comment_count: number }) => x.comment_count > 0)) {
        const replies = (await sc(`/api/v2/comment/?parent=${c.id}`)).json;
        assert.strictEqual(replies.count, c.comment_count);
        assert.ok(
          replies.results.every(
            (r: { parent: number; discussion: number }) => r.parent === c.id && r.discussion === d.id,
          ),
        );
        total += replies.count;
        checkedReplies = true;
      }
      assert.strictEqual(total, d.comment_count, 'comment_count of a contribution counts comments and replies');
      assert.strictEqual(w.sc.get('discussion', d.id)!.comment_count, d.comment_count);
    }
    assert.ok(checkedReplies, 'the seed has replies');
    const noFilter = await sc('/api/v2/comment/');
    assert.strictEqual(noFilter.status, 400);
    const badId = await sc('/api/v2/comment/?discussion=99999');
    assert.strictEqual(badId.status, 400);
    assert.strictEqual(badId.json.errors[0].field, 'discussion');
  });

  it('404 with the SDK error body for a deleted item, which also leaves lists and counts', async () => {
    const before = (await sc('/api/v2/post/')).json;
    const id = before.results[0].id;
    emu().sc.delete('post', id);
    const r = await sc(`/api/v2/post/${id}/`);
    assert.strictEqual(r.status, 404);
    assert.deepStrictEqual(r.json, { errors: [{ code: 'not_found', message: 'Not found.' }] });
    const after = (await sc('/api/v2/post/')).json;
    assert.strictEqual(after.count, before.count - 1);
    assert.ok(!after.results.some((x: { id: number }) => x.id === id));
    assert.strictEqual(emu().sc.get('post', id), undefined);
    assert.strictEqual((await sc(`/api/v2/post/${id}/vote/`, { method: 'POST' })).status, 404);
    assert.strictEqual((await sc('/api/v2/nothing/here/')).status, 404);
  });

  it('addItem puts a new contribution first and comments under it', async () => {
    const id = emu().sc.addItem('status', { html: '<p>Fresh &amp; new</p>' });
    const first = (await sc('/api/v2/status/?limit=1')).json.results[0];
    assert.strictEqual(first.id, id);
    assert.strictEqual(first.summary, 'Fresh & new');
    const cid = emu().sc.addItem('comment', { status: id, html: '<p>first!</p>' });
    const reply = emu().sc.addItem('comment', { parent: cid });
    const comments = (await sc(`/api/v2/comment/?status=${id}`)).json;
    assert.deepStrictEqual(
      comments.results.map((c: { id: number }) => c.id),
      [cid],
    );
    assert.strictEqual(comments.results[0].comment_count, 1);
    assert.strictEqual((await sc(`/api/v2/comment/${reply}/`)).json.parent, cid);
  });

  it('votesOf is the ground truth of what a full scan through the API finds, comments and replies included', async () => {
    const w = emu();
    const found: string[] = [];
    const walk = async (
      url: string,
      onItem: (x: { id: number; voted: boolean; comment_count: number }) => Promise<void>,
    ) => {
      for (let next: string | null = url; next;) {
        const page: Reply = await call(next, { token: user(w).scToken });
        for (const x of page.json.results) await onItem(x);
        next = page.json.next;
      }
    };
    const onComment = async (c: { id: number; voted: boolean; comment_count: number }) => {
      if (c.voted) found.push(`comment:${c.id}`);
      if (c.comment_count) await walk(`${w.selfcommunityUrl}/api/v2/comment/?parent=${c.id}&limit=2`, onComment);
    };
    for (const type of ['status', 'discussion', 'post']) {
      await walk(`${w.selfcommunityUrl}/api/v2/${type}/?limit=7`, async (x) => {
        if (x.voted) found.push(`${type}:${x.id}`);
        if (x.comment_count) await walk(`${w.selfcommunityUrl}/api/v2/comment/?${type}=${x.id}&limit=2`, onComment);
      });
    }
    const truth = w.sc.votesOf('alice').map((v) => `${v.type}:${v.id}`);
    assert.ok(truth.some((k) => k.startsWith('comment:')));
    assert.deepStrictEqual(found.sort(), truth.sort());
  });

  it('pages stay consistent when items were deleted (both orderings, small pages)', async () => {
    const e = await startEmulator({ sc: { statuses: 23, commentsPerItem: 0 } });
    try {
      for (const id of [23, 22, 17, 10, 9, 1]) e.sc.delete('status', id);
      const expected = Array.from({ length: 23 }, (_, i) => 23 - i).filter(
        (id) => ![23, 22, 17, 10, 9, 1].includes(id),
      );
      for (const ordering of ['-added_at', 'added_at']) {
        const ids: number[] = [];
        for (let next: string | null = `${e.selfcommunityUrl}/api/v2/status/?limit=4&ordering=${ordering}`; next;) {
          const page: Reply = await call(next, { token: user(e).scToken });
          assert.strictEqual(page.json.count, 17);
          ids.push(...page.json.results.map((x: { id: number }) => x.id));
          next = page.json.next;
        }
        assert.deepStrictEqual(ids, ordering === '-added_at' ? expected : [...expected].reverse());
      }
    } finally {
      await e.close();
    }
  });

  it('405 for a method a route does not take', async () => {
    const r = await sc('/api/v2/status/1/', { method: 'DELETE' });
    assert.strictEqual(r.status, 405);
  });
});

describe('emulator: the SelfCommunity vote toggle table', () => {
  const emu = withEmulator({ seed: 4 });
  const vote = async (id: number, reaction?: number | string, type = 'status') => {
    const q = reaction === undefined ? '' : `?reaction=${reaction}`;
    return call(`${emu().selfcommunityUrl}/api/v2/${type}/${id}/vote/${q}`, {
      method: 'POST',
      token: user(emu()).scToken,
    });
  };
  const read = async (id: number, type = 'status') =>
    (await call(`${emu().selfcommunityUrl}/api/v2/${type}/${id}/`, { token: user(emu()).scToken })).json;
  const fresh = (type: 'status' | 'comment' = 'status') => {
    const id =
      type === 'status'
        ? emu().sc.addItem('status')
        : emu().sc.addItem('comment', { status: emu().sc.addItem('status') });
    return id;
  };

  it('not voted + reaction=R: added with R; 204 with an empty body', async () => {
    const id = fresh();
    const r = await vote(id, 3);
    assert.strictEqual(r.status, 204);
    assert.strictEqual(r.text, '');
    assert.deepStrictEqual(emu().sc.voteOf('status', id, 'alice'), { reactionId: 3 });
    const item = await read(id);
    assert.strictEqual(item.voted, true);
    assert.strictEqual(item.reaction.id, 3);
    assert.strictEqual(item.vote_count, 1);
    assert.deepStrictEqual(
      item.reactions_count.map((x: { count: number; reaction: { id: number } }) => [x.count, x.reaction.id]),
      [[1, 3]],
    );
  });

  it('not voted + no parameter: added with 1 (Like)', async () => {
    const id = fresh();
    assert.strictEqual((await vote(id)).status, 204);
    assert.deepStrictEqual(emu().sc.voteOf('status', id, 'alice'), { reactionId: 1 });
  });

  it('voted with R + reaction=R: removed', async () => {
    const id = fresh();
    emu().sc.setVote('status', id, 'alice', 4);
    assert.strictEqual((await vote(id, 4)).status, 204);
    assert.strictEqual(emu().sc.voteOf('status', id, 'alice'), undefined);
    const item = await read(id);
    assert.strictEqual(item.voted, false);
    assert.strictEqual(item.reaction, null);
  });

  it('voted with R + reaction=S (S≠R): changed to S, not removed', async () => {
    const id = fresh();
    emu().sc.setVote('status', id, 'alice', 2);
    assert.strictEqual((await vote(id, 5)).status, 204);
    assert.deepStrictEqual(emu().sc.voteOf('status', id, 'alice'), { reactionId: 5 });
  });

  it('voted with R≠1 + no parameter: changed to 1, NOT removed', async () => {
    const id = fresh();
    emu().sc.setVote('status', id, 'alice', 6);
    assert.strictEqual((await vote(id)).status, 204);
    assert.deepStrictEqual(emu().sc.voteOf('status', id, 'alice'), { reactionId: 1 });
  });

  it('voted with 1 + no parameter: removed', async () => {
    const id = fresh();
    emu().sc.setVote('status', id, 'alice', 1);
    await vote(id);
    assert.strictEqual(emu().sc.voteOf('status', id, 'alice'), undefined);
  });

  it('a blind repeat of a removal ADDS the vote back (the toggle hazard)', async () => {
    const id = fresh();
    emu().sc.setVote('status', id, 'alice', 2);
    await vote(id, 2);
    await vote(id, 2);
    assert.deepStrictEqual(emu().sc.voteOf('status', id, 'alice'), { reactionId: 2 });
  });

  it('an inactive reaction can be removed with its id', async () => {
    const id = fresh();
    emu().sc.setVote('status', id, 'alice', 7);
    assert.strictEqual((await read(id)).reaction.active, false);
    await vote(id, 7);
    assert.strictEqual(emu().sc.voteOf('status', id, 'alice'), undefined);
  });

  it('comments toggle the same way', async () => {
    const id = fresh('comment');
    await vote(id, 2, 'comment');
    assert.deepStrictEqual(emu().sc.voteOf('comment', id, 'alice'), { reactionId: 2 });
    assert.ok(
      emu()
        .sc.votesOf('alice')
        .some((v) => v.type === 'comment' && v.id === id),
    );
    await vote(id, 2, 'comment');
    assert.strictEqual(emu().sc.voteOf('comment', id, 'alice'), undefined);
  });

  it('only the token owner’s vote changes; bob’s stays', async () => {
    const id = fresh();
    emu().sc.setVote('status', id, 'bob', 2);
    await vote(id, 2);
    assert.deepStrictEqual(emu().sc.voteOf('status', id, 'bob'), { reactionId: 2 });
    assert.deepStrictEqual(emu().sc.voteOf('status', id, 'alice'), { reactionId: 2 });
    assert.strictEqual((await read(id)).vote_count, 2);
  });

  it('an unknown reaction id is 400 "Invalid reaction" and changes nothing', async () => {
    const id = fresh();
    emu().sc.setVote('status', id, 'alice', 2);
    for (const bad of [99, 'abc']) {
      const r = await vote(id, bad);
      assert.strictEqual(r.status, 400);
      assert.deepStrictEqual(r.json, { errors: [{ code: 'invalid', message: 'Invalid reaction' }] });
    }
    assert.deepStrictEqual(emu().sc.voteOf('status', id, 'alice'), { reactionId: 2 });
  });

  it('voting sets voted_at, visible in the item’s vote list', async () => {
    const id = fresh();
    const t0 = Date.now() - 1000;
    await vote(id, 3);
    const list = (
      await call(`${emu().selfcommunityUrl}/api/v2/status/${id}/vote/?reaction=3`, { token: user(emu()).scToken })
    ).json;
    assert.strictEqual(list.count, 1);
    assert.strictEqual(list.results[0].user.id, user(emu()).scUserId);
    assert.ok(Date.parse(list.results[0].voted_at) >= t0);
  });
});

describe('emulator: a community with reactions turned off', () => {
  const emu = withEmulator({
    sc: { reactionsEnabled: false, statuses: 10, discussions: 2, posts: 2, commentsPerItem: 1 },
  });

  it('votes are plain upvotes that toggle whatever the parameter says', async () => {
    const w = emu();
    const id = w.sc.addItem('status');
    const post = (q: string) =>
      call(`${w.selfcommunityUrl}/api/v2/status/${id}/vote/${q}`, { method: 'POST', token: user(w).scToken });
    assert.strictEqual((await post('?reaction=3')).status, 204);
    assert.deepStrictEqual(w.sc.voteOf('status', id, 'alice'), { reactionId: null });
    const item = (await call(`${w.selfcommunityUrl}/api/v2/status/${id}/`, { token: user(w).scToken })).json;
    assert.strictEqual(item.voted, true);
    assert.strictEqual(item.reaction, null);
    assert.deepStrictEqual(item.reactions_count, []);
    await post('');
    assert.strictEqual(w.sc.voteOf('status', id, 'alice'), undefined);
    assert.ok(w.sc.votesOf('alice').every((v) => v.reactionId === null));
    const features = await call(`${w.selfcommunityUrl}/api/v2/feature/`);
    assert.ok(!features.json.includes('reaction'));
  });
});

describe('emulator: SelfCommunity under a path prefix', () => {
  const emu = withEmulator({ scPrefix: '/portal/community/', sc: { statuses: 25 } });

  it('serves every route under the prefix, and next links keep it', async () => {
    const w = emu();
    assert.match(w.selfcommunityUrl, /^http:\/\/127\.0\.0\.1:\d+\/portal\/community$/);
    const r = await call(`${w.selfcommunityUrl}/api/v2/status/?limit=10`, { token: user(w).scToken });
    assert.strictEqual(r.status, 200);
    assert.ok(r.json.next.startsWith(`${w.selfcommunityUrl}/api/v2/status/?`), r.json.next);
    assert.ok(r.json.results[0].author.avatar.startsWith(w.selfcommunityUrl));
    const origin = new URL(w.selfcommunityUrl).origin;
    assert.strictEqual((await call(`${origin}/api/v2/status/`, { token: user(w).scToken })).status, 404);
  });

  it('faults match the path after the prefix; the log keeps the full path', async () => {
    const w = emu();
    const h = w.fault({ path: '/api/v2/user/me/', status: 503, times: 1 });
    const r = await call(`${w.selfcommunityUrl}/api/v2/user/me/`, { token: user(w).scToken });
    assert.strictEqual(r.status, 503);
    assert.strictEqual(h.hits, 1);
    assert.strictEqual(w.requests[0].path, '/portal/community/api/v2/user/me/');
  });
});

describe('emulator: Tines', () => {
  const emu = withEmulator({ seed: 5, tines: { cases: 12, commentsPerCase: 5, maxPerPage: 50 } });
  const t = (path: string, o: Parameters<typeof call>[1] = {}) =>
    call(`${emu().tinesUrl}${path}`, { token: user(emu()).tinesToken, ...o });

  it('info answers any valid key; 401 {"error":"Unauthorized"} otherwise', async () => {
    const ok = await t('/api/v1/info');
    assert.deepStrictEqual(ok.json, {
      stack: { name: 'emulated-stack', type: 'self-hosted', region: 'local', egress_ips: [] },
    });
    assert.strictEqual((await t('/api/v1/info', { token: emu().tinesServiceKey })).status, 200);
    for (const token of [undefined, 'bad-key', user(emu()).scToken]) {
      const r = await call(`${emu().tinesUrl}/api/v2/cases`, { token });
      assert.strictEqual(r.status, 401);
      assert.deepStrictEqual(r.json, { error: 'Unauthorized' });
    }
  });

  it('teams and members: alice is in a team, the service account in none', async () => {
    const teams = (await t('/api/v1/teams')).json;
    assert.ok(teams.teams.length >= 1 && teams.meta.count === teams.teams.length);
    const emails: string[] = [];
    for (const team of teams.teams) {
      const m = (await t(`/api/v1/teams/${team.id}/members?per_page=100`)).json;
      for (const x of m.members) {
        assert.ok(typeof x.id === 'number' && x.first_name && x.last_name && x.role);
        emails.push(x.email);
      }
    }
    assert.ok(emails.includes(user(emu()).email));
    assert.ok(emails.includes(user(emu(), 'carol').email));
    assert.ok(!emails.some((e) => e.includes('automation')));
  });

  it('cases page with meta: pages, next_page_number and an absolute next_page', async () => {
    const p1 = await t('/api/v2/cases?per_page=5');
    assert.strictEqual(p1.json.cases.length, 5);
    const m = p1.json.meta;
    assert.deepStrictEqual([m.pages, m.count, m.per_page, m.next_page_number, m.previous_page], [3, 12, 5, 2, null]);
    assert.ok(
      m.next_page.startsWith(`${emu().tinesUrl}/api/v2/cases?`) &&
        new URL(m.next_page).searchParams.get('page') === '2',
    );
    const p3 = (await t('/api/v2/cases?per_page=5&page=3')).json;
    assert.strictEqual(p3.cases.length, 2);
    assert.strictEqual(p3.meta.next_page, null);
    assert.strictEqual(p3.meta.next_page_number, null);
    assert.ok(p3.meta.previous_page);
    const ids = new Set<number>();
    for (let page = 1; page <= 3; page++)
      for (const c of (await t(`/api/v2/cases?per_page=5&page=${page}`)).json.cases) ids.add(c.case_id);
    assert.strictEqual(ids.size, 12);
    const c = p1.json.cases[0];
    assert.strictEqual(c.url, `${emu().tinesUrl}/cases/${c.case_id}`);
    assert.ok(['OPEN', 'CLOSED'].includes(c.status) && c.team.id && c.team.name && c.name.length > 5);
  });

  it('per_page defaults to 20 and is capped at maxPerPage', async () => {
    assert.strictEqual((await t('/api/v2/cases')).json.meta.per_page, 20);
    assert.strictEqual((await t('/api/v2/cases?per_page=500')).json.meta.per_page, 50);
  });

  it('filters[updated_at_start_date] keeps only cases updated since, bracket-encoded or not', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    emu().tines.touchCase(4);
    for (const key of ['filters[updated_at_start_date]', 'filters%5Bupdated_at_start_date%5D']) {
      const r = await t(`/api/v2/cases?${key}=${encodeURIComponent(since)}`);
      assert.deepStrictEqual(
        r.json.cases.map((c: { case_id: number }) => c.case_id),
        [4],
        key,
      );
    }
    assert.ok(Date.parse(emu().tines.getCase(4)!.updated_at as string) >= Date.parse(since));
    assert.strictEqual((await t('/api/v2/cases?filters[updated_at_start_date]=yesterday')).status, 400);
  });

  it('comments carry string author ids, numeric reactant ids, and colon-wrapped emoji', async () => {
    const cases = (await t('/api/v2/cases?per_page=50')).json.cases;
    let seen = 0;
    let multi = false;
    for (const c of cases) {
      const r = (await t(`/api/v2/cases/${c.case_id}/comments?per_page=100`)).json;
      assert.strictEqual(r.case_id, c.case_id);
      for (const cm of r.comments) {
        seen++;
        assert.strictEqual(cm.activity_type, 'COMMENTED');
        assert.strictEqual(typeof cm.user.user_id, 'string');
        assert.strictEqual(typeof cm.user.is_service_account, 'boolean');
        for (const x of cm.reactions) {
          assert.match(x.emoji, /^:(\+1|-1|eyes|heart|white_check_mark):$/);
          assert.ok(
            x.reactants.length > 0 && x.reactants.every((p: { user_id: unknown }) => typeof p.user_id === 'number'),
          );
        }
        const mine = cm.reactions.filter((x: { reactants: Array<{ user_id: number }> }) =>
          x.reactants.some((p) => p.user_id === user(emu()).tinesUserId),
        );
        if (mine.length > 1) multi = true;
      }
    }
    assert.ok(seen > 20);
    assert.ok(multi, 'alice has several values on at least one comment');
  });

  it('add_reaction and remove_reaction: updated comment, idempotent, touch the case', async () => {
    const w = emu();
    const a = user(w);
    const { caseId, commentId } = w.tines.reactionsOf('bob')[0];
    const path = `/api/v2/cases/${caseId}/comments/${commentId}`;
    w.tines.removeReaction(caseId, commentId, 'bob', 'white_check_mark');
    w.tines.removeReaction(caseId, commentId, 'alice', 'white_check_mark');
    const reactants = (c: { reactions: Array<{ emoji: string; reactants: Array<{ user_id: number }> }> }) =>
      c.reactions.find((r) => r.emoji === ':white_check_mark:')?.reactants.map((x) => x.user_id);
    const before = Date.parse(w.tines.getCase(caseId)!.updated_at as string);

    const added = await t(`${path}/add_reaction`, { method: 'POST', body: { value: 'white_check_mark' } });
    assert.strictEqual(added.status, 200);
    assert.strictEqual(added.json.id, commentId);
    assert.deepStrictEqual(reactants(added.json), [a.tinesUserId]);
    const again = await t(`${path}/add_reaction`, { method: 'POST', body: { value: 'white_check_mark' } });
    assert.deepStrictEqual(reactants(again.json), [a.tinesUserId], 'adding twice keeps one reactant');
    assert.ok(Date.parse(w.tines.getCase(caseId)!.updated_at as string) > before - 1000);

    const removed = await t(`${path}/remove_reaction`, { method: 'POST', body: { value: 'white_check_mark' } });
    assert.strictEqual(removed.status, 200);
    assert.strictEqual(reactants(removed.json), undefined, 'the entry is dropped when nobody is left');
    const none = await t(`${path}/remove_reaction`, { method: 'POST', body: { value: 'white_check_mark' } });
    assert.strictEqual(none.status, 200, 'removing what is not there is still 200');
    assert.deepStrictEqual(none.json, removed.json);
    assert.ok(!w.tines.reactionsOf('alice').some((x) => x.commentId === commentId && x.value === 'white_check_mark'));
  });

  it('removing one user’s reactant keeps the others', async () => {
    const w = emu();
    const { caseId, commentId } = w.tines.reactionsOf('carol')[0];
    w.tines.addReaction(caseId, commentId, 'carol', 'eyes');
    w.tines.addReaction(caseId, commentId, 'alice', 'eyes');
    const r = await t(`/api/v2/cases/${caseId}/comments/${commentId}/remove_reaction`, {
      method: 'POST',
      body: { value: 'eyes' },
    });
    const eyes = r.json.reactions.find((x: { emoji: string }) => x.emoji === ':eyes:');
    assert.ok(eyes.reactants.some((x: { user_id: number }) => x.user_id === user(w, 'carol').tinesUserId));
    assert.ok(!eyes.reactants.some((x: { user_id: number }) => x.user_id === user(w).tinesUserId));
  });

  it('error bodies vary: 404 errors[] for a case, 404 error for a comment, 422 bare array, 400 for bad JSON', async () => {
    const w = emu();
    const { caseId, commentId } = w.tines.reactionsOf('alice')[0];
    const noCase = await t('/api/v2/cases/9999/comments');
    assert.strictEqual(noCase.status, 404);
    assert.strictEqual(noCase.json.errors[0].message, 'Case not found');
    assert.ok(noCase.json.errors[0].details);
    const noComment = await t(`/api/v2/cases/${caseId}/comments/1`);
    assert.strictEqual(noComment.status, 404);
    assert.deepStrictEqual(noComment.json, { error: 'Comment not found' });
    const bad = await t(`/api/v2/cases/${caseId}/comments/${commentId}/remove_reaction`, {
      method: 'POST',
      body: { value: 'tada' },
    });
    assert.strictEqual(bad.status, 422);
    assert.deepStrictEqual(bad.json, ['Value is not a supported reaction']);
    const broken = await t(`/api/v2/cases/${caseId}/comments/${commentId}/add_reaction`, {
      method: 'POST',
      body: '{"value":',
    });
    assert.strictEqual(broken.status, 400);
    assert.ok(broken.json.error);
    const unknown = await t('/api/v2/nothing');
    assert.strictEqual(unknown.status, 404);
    assert.match(unknown.headers.get('content-type')!, /text\/html/);
  });

  it('a deleted comment or case is 404 and leaves reactionsOf', async () => {
    const w = emu();
    const mine = w.tines.reactionsOf('alice');
    const { caseId, commentId } = mine[mine.length - 1];
    w.tines.deleteComment(caseId, commentId);
    assert.strictEqual((await t(`/api/v2/cases/${caseId}/comments/${commentId}`)).status, 404);
    assert.strictEqual(
      (
        await t(`/api/v2/cases/${caseId}/comments/${commentId}/add_reaction`, {
          method: 'POST',
          body: { value: 'heart' },
        })
      ).status,
      404,
    );
    assert.ok(!w.tines.reactionsOf('alice').some((x) => x.commentId === commentId));
    w.tines.deleteCase(caseId);
    assert.strictEqual((await t(`/api/v2/cases/${caseId}`)).status, 404);
    assert.ok(!w.tines.reactionsOf('alice').some((x) => x.caseId === caseId));
    assert.ok(
      !(await t('/api/v2/cases?per_page=50')).json.cases.some((c: { case_id: number }) => c.case_id === caseId),
    );
  });

  it('the service key acts as the service account', async () => {
    const w = emu();
    const { caseId, commentId } = w.tines.reactionsOf('alice')[0];
    const r = await t(`/api/v2/cases/${caseId}/comments/${commentId}/add_reaction`, {
      method: 'POST',
      body: { value: '-1' },
      token: w.tinesServiceKey,
    });
    const down = r.json.reactions.find((x: { emoji: string }) => x.emoji === ':-1:');
    assert.ok(down.reactants.some((x: { user_id: number; user_name: string }) => x.user_name.startsWith('Automation')));
    assert.strictEqual(w.requests.at(-1)!.user, 'service');
  });
});

describe('emulator: faults', () => {
  const emu = withEmulator({ seed: 6, sc: { statuses: 45 }, tines: { cases: 30 } });
  const ME = '/api/v2/user/me/';
  const me = (signal?: AbortSignal) => call(`${emu().selfcommunityUrl}${ME}`, { token: user(emu()).scToken, signal });

  it('status + Retry-After (seconds or date) + body + headers, for `times` requests, counted in hits', async () => {
    const h = emu().fault({ path: ME, status: 429, retryAfter: '7', headers: { 'X-Extra': 'yes' }, times: 2 });
    const r1 = await me();
    assert.strictEqual(r1.status, 429);
    assert.strictEqual(r1.headers.get('retry-after'), '7');
    assert.strictEqual(r1.headers.get('x-extra'), 'yes');
    assert.strictEqual((await me()).status, 429);
    assert.strictEqual((await me()).status, 200, 'times: 2 then normal');
    assert.strictEqual(h.hits, 2);
    const date = new Date(Date.now() + 5000).toUTCString();
    emu().fault({ path: ME, status: 503, retryAfter: date, body: '{"error":"maintenance"}', times: 1 });
    const r2 = await me();
    assert.strictEqual(r2.status, 503);
    assert.strictEqual(r2.headers.get('retry-after'), date);
    assert.deepStrictEqual(r2.json, { error: 'maintenance' });
  });

  it('without a body, the status gets the server’s usual error body', async () => {
    emu().fault({ path: ME, status: 500, times: 1 });
    const sc500 = await me();
    assert.match(sc500.text, /Server Error \(500\)/);
    emu().fault({ server: 'tines', path: '/api/v1/info', status: 429, times: 1 });
    const t429 = await call(`${emu().tinesUrl}/api/v1/info`, { token: user(emu()).tinesToken });
    assert.strictEqual(t429.status, 429);
    assert.ok(t429.json.error);
  });

  it('matching: method, server, exact path, prefix*, RegExp, skip; remove() and clearFaults()', async () => {
    const w = emu();
    const post = w.fault({ method: 'POST', path: ME, status: 418 });
    assert.strictEqual((await me()).status, 200, 'a POST fault leaves GETs alone');
    post.remove();
    const tinesOnly = w.fault({ server: 'tines', path: '/api/v2/*', status: 418 });
    assert.strictEqual((await call(`${w.selfcommunityUrl}/api/v2/status/`, { token: user(w).scToken })).status, 200);
    assert.strictEqual((await call(`${w.tinesUrl}/api/v2/cases`, { token: user(w).tinesToken })).status, 418);
    tinesOnly.remove();
    w.fault({ path: /^\/api\/v2\/status\/\d+\/$/, status: 418, skip: 1 });
    assert.strictEqual(
      (await call(`${w.selfcommunityUrl}/api/v2/status/1/`, { token: user(w).scToken })).status,
      200,
      'skipped',
    );
    assert.strictEqual((await call(`${w.selfcommunityUrl}/api/v2/status/2/`, { token: user(w).scToken })).status, 418);
    assert.strictEqual(
      (await call(`${w.selfcommunityUrl}/api/v2/status/`, { token: user(w).scToken })).status,
      200,
      'the list does not match',
    );
    w.clearFaults();
    assert.strictEqual((await call(`${w.selfcommunityUrl}/api/v2/status/2/`, { token: user(w).scToken })).status, 200);
  });

  it('malformedJson: 200 with a truncated prefix of the real body', async () => {
    emu().fault({ path: ME, malformedJson: true, times: 1 });
    const bad = await me();
    const good = await me();
    assert.strictEqual(bad.status, 200);
    assert.match(bad.headers.get('content-type')!, /json/);
    assert.throws(() => JSON.parse(bad.text));
    assert.ok(bad.text.length > 0 && good.text.startsWith(bad.text));
  });

  it('reset: the connection is destroyed, logged with status 0', async () => {
    emu().fault({ path: ME, reset: true, times: 1 });
    await assert.rejects(() => me());
    assert.strictEqual((await me()).status, 200);
    const logged = emu().requests.filter((r) => r.path === ME);
    assert.deepStrictEqual(
      logged.map((r) => r.status),
      [0, 200],
    );
  });

  it('hang: no answer until the client gives up; logged with status 0', async () => {
    emu().fault({ path: ME, hang: true });
    const controller = new AbortController();
    const t0 = Date.now();
    setTimeout(() => controller.abort(), 150);
    await assert.rejects(() => me(controller.signal), /abort/i);
    assert.ok(Date.now() - t0 >= 140);
    await sleep(50);
    const entry = emu().requests.find((r) => r.path === ME)!;
    assert.strictEqual(entry.status, 0);
    assert.ok(entry.ms >= 100, `ms ${entry.ms}`);
  });

  it('close() ends hanging requests instead of waiting for them', async () => {
    const e = await startEmulator({ sc: { statuses: 1 } });
    e.fault({ path: ME, hang: true });
    const pending = call(`${e.selfcommunityUrl}${ME}`, { token: user(e).scToken }).then(
      () => 'answered',
      () => 'failed',
    );
    await sleep(50);
    const t0 = Date.now();
    await e.close();
    assert.ok(Date.now() - t0 < 1000);
    assert.strictEqual(await pending, 'failed');
  });

  it('crossOriginNext: the real page, with next / meta.next_page on the other origin', async () => {
    const w = emu();
    w.fault({ method: 'GET', path: '/api/v2/status/', crossOriginNext: true });
    const sc = await call(`${w.selfcommunityUrl}/api/v2/status/?limit=20`, { token: user(w).scToken });
    assert.strictEqual(sc.json.results.length, 20);
    assert.ok(sc.json.next.startsWith(`${w.otherOrigin.url}/api/v2/status/?`), sc.json.next);
    assert.strictEqual(new URL(sc.json.next).searchParams.get('offset'), '20');
    w.fault({ method: 'GET', path: '/api/v2/cases', crossOriginNext: true });
    const t = await call(`${w.tinesUrl}/api/v2/cases?per_page=100`, { token: user(w).tinesToken });
    assert.strictEqual(t.json.cases.length, 30);
    assert.ok(t.json.meta.next_page.startsWith(w.otherOrigin.url), 'set even on the last page');
    assert.strictEqual(w.otherOrigin.requests.length, 0);
    // the other origin answers anything with an empty list and logs it
    const followed = await call(sc.json.next, { token: user(w).scToken });
    assert.deepStrictEqual(followed.json, { count: 0, next: null, previous: null, results: [] });
    assert.strictEqual(w.otherOrigin.requests.length, 1);
    assert.strictEqual(w.otherOrigin.requests[0].headers.authorization, `Bearer ${user(w).scToken}`);
    assert.strictEqual(w.otherOrigin.requests[0].user, 'alice');
    assert.ok(w.requests.some((r) => r.server === 'other'));
  });

  it('redirectTo: 302 to the other origin (same path) or to a given URL', async () => {
    const w = emu();
    w.fault({ path: ME, redirectTo: 'other-origin', times: 1 });
    const r = await me();
    assert.strictEqual(r.status, 302);
    assert.strictEqual(r.headers.get('location'), `${w.otherOrigin.url}${ME}`);
    w.fault({ path: ME, redirectTo: `${w.selfcommunityUrl}/api/v2/status/1/`, times: 1 });
    assert.strictEqual((await me()).headers.get('location'), `${w.selfcommunityUrl}/api/v2/status/1/`);
    assert.strictEqual(w.otherOrigin.requests.length, 0);
  });

  it('applyFirst: the vote is applied, then the answer fails; without it nothing changes', async () => {
    const w = emu();
    const id = w.sc.addItem('status');
    const post = () =>
      call(`${w.selfcommunityUrl}/api/v2/status/${id}/vote/?reaction=2`, { method: 'POST', token: user(w).scToken });
    w.fault({ method: 'POST', path: /\/vote\/$/, status: 500, times: 1 });
    assert.strictEqual((await post()).status, 500);
    assert.strictEqual(w.sc.voteOf('status', id, 'alice'), undefined, 'a plain fault does not apply');
    w.fault({ method: 'POST', path: /\/vote\/$/, status: 502, applyFirst: true, times: 1 });
    assert.strictEqual((await post()).status, 502);
    assert.deepStrictEqual(
      w.sc.voteOf('status', id, 'alice'),
      { reactionId: 2 },
      'applied although the answer was 502',
    );
    w.fault({ method: 'POST', path: /\/vote\/$/, reset: true, applyFirst: true, times: 1 });
    await assert.rejects(() => post());
    assert.strictEqual(w.sc.voteOf('status', id, 'alice'), undefined, 'toggled off, then reset');
    const { caseId, commentId } = w.tines.reactionsOf('alice')[0];
    w.fault({ server: 'tines', method: 'POST', path: '*', status: 504, applyFirst: true, times: 1 });
    const value = w.tines.reactionsOf('alice').find((x) => x.commentId === commentId)!.value;
    const r = await call(`${w.tinesUrl}/api/v2/cases/${caseId}/comments/${commentId}/remove_reaction`, {
      method: 'POST',
      token: user(w).tinesToken,
      body: { value },
    });
    assert.strictEqual(r.status, 504);
    assert.ok(!w.tines.reactionsOf('alice').some((x) => x.commentId === commentId && x.value === value));
  });

  it('latency: global (setLatency) and per fault', async () => {
    const w = emu();
    w.setLatency(120);
    let t0 = Date.now();
    await me();
    assert.ok(Date.now() - t0 >= 110);
    w.setLatency(0);
    w.fault({ path: ME, latencyMs: 150, times: 1 });
    t0 = Date.now();
    const r = await me();
    assert.strictEqual(r.status, 200, 'a latency-only fault answers normally');
    assert.ok(Date.now() - t0 >= 140);
    t0 = Date.now();
    await me();
    assert.ok(Date.now() - t0 < 100);
  });
});

describe('emulator: request log', () => {
  const emu = withEmulator({ scPrefix: '/c' });

  it('records server, method, full path, query, url, headers (with authorization), body, status, user, ms, time', async () => {
    const w = emu();
    const t0 = Date.now();
    await call(`${w.selfcommunityUrl}/api/v2/status/?limit=3&offset=1`, { token: user(w, 'carol').scToken });
    const { caseId, commentId } = w.tines.reactionsOf('alice')[0];
    await call(`${w.tinesUrl}/api/v2/cases/${caseId}/comments/${commentId}/add_reaction`, {
      method: 'POST',
      token: user(w).tinesToken,
      body: { value: 'heart' },
    });
    await call(`${w.tinesUrl}/api/v1/info`, { token: 'wrong' });
    const [a, b, c] = w.requests;
    assert.strictEqual(w.requests.length, 3);
    assert.deepStrictEqual(
      [a.server, a.method, a.path, a.status, a.user],
      ['selfcommunity', 'GET', '/c/api/v2/status/', 200, 'carol'],
    );
    assert.deepStrictEqual(a.query, { limit: '3', offset: '1' });
    assert.strictEqual(a.url, `${w.selfcommunityUrl}/api/v2/status/?limit=3&offset=1`);
    assert.strictEqual(a.headers.authorization, `Bearer ${user(w, 'carol').scToken}`);
    assert.strictEqual(a.headers.accept, 'application/json');
    assert.ok(a.time >= t0 && a.ms >= 0);
    assert.deepStrictEqual([b.server, b.method, b.status, b.user], ['tines', 'POST', 200, 'alice']);
    assert.deepStrictEqual(JSON.parse(b.body!), { value: 'heart' });
    assert.strictEqual(b.headers['content-type'], 'application/json');
    assert.deepStrictEqual([c.status, c.user], [401, undefined]);
    w.clearLog();
    assert.strictEqual(w.requests.length, 0);
  });

  it('onRequest is called once per answered request', async () => {
    const seen: string[] = [];
    const e = await startEmulator({ onRequest: (r) => seen.push(`${r.method} ${r.path} ${r.status}`) });
    try {
      await call(`${e.selfcommunityUrl}/api/v2/reaction/`);
      assert.deepStrictEqual(seen, ['GET /api/v2/reaction/ 200']);
    } finally {
      await e.close();
    }
  });
});

describe('emulator: seeded data', () => {
  it('is identical for the same seed and options, and differs for another seed', async () => {
    const snapshot = async (seed: number) => {
      const e = await startEmulator({ seed });
      try {
        const sc = await call(`${e.selfcommunityUrl}/api/v2/discussion/?limit=100`, { token: user(e).scToken });
        const cases = await call(`${e.tinesUrl}/api/v2/cases?per_page=100`, { token: user(e).tinesToken });
        const comments = await call(`${e.tinesUrl}/api/v2/cases/3/comments`, { token: user(e).tinesToken });
        const strip = (s: string) => s.replace(/127\.0\.0\.1:\d+/g, 'HOST');
        return {
          sc: strip(sc.text),
          cases: strip(cases.text),
          comments: strip(comments.text),
          votes: e.sc.votesOf('alice'),
          reactions: e.tines.reactionsOf('alice'),
          tokens: e.users,
        };
      } finally {
        await e.close();
      }
    };
    const [a, b, c] = [await snapshot(42), await snapshot(42), await snapshot(43)];
    assert.deepStrictEqual(a, b);
    assert.notStrictEqual(a.sc, c.sc);
    assert.notDeepStrictEqual(a.votes, c.votes);
    assert.deepStrictEqual(a.tokens, c.tokens, 'tokens do not depend on the seed');
  });

  it('tokens are obvious fakes, distinct, with no run of 32+ alphanumerics', async () => {
    const e = await startEmulator();
    try {
      const tokens = [...e.users.flatMap((u) => [u.scToken, u.tinesToken]), e.tinesServiceKey];
      assert.strictEqual(new Set(tokens).size, 7);
      for (const t of tokens) {
        assert.match(t, /demo/);
        assert.ok(!/[A-Za-z0-9]{32,}/.test(t));
      }
      assert.strictEqual(user(e).scToken, 'sc-demo-alice-Q7x2');
      assert.deepStrictEqual(
        e.users.map((u) => u.name),
        ['alice', 'bob', 'carol'],
      );
    } finally {
      await e.close();
    }
  });

  it('alice has many votes of every type, bob and carol some on the same items; texts look real', async () => {
    const e = await startEmulator();
    try {
      const alice = e.sc.votesOf('alice');
      for (const type of ['status', 'discussion', 'post', 'comment'])
        assert.ok(alice.filter((v) => v.type === type).length >= 3, type);
      const bob = new Set(e.sc.votesOf('bob').map((v) => `${v.type}:${v.id}`));
      assert.ok(alice.some((v) => bob.has(`${v.type}:${v.id}`)));
      assert.ok(e.tines.reactionsOf('alice').length > e.tines.reactionsOf('bob').length);
      const page = await call(`${e.selfcommunityUrl}/api/v2/post/?limit=10`, { token: user(e).scToken });
      const statuses = await call(`${e.selfcommunityUrl}/api/v2/status/?limit=30`, { token: user(e).scToken });
      const html = [...page.json.results, ...statuses.json.results].map((x: { html: string }) => x.html);
      assert.ok(html.every((h) => h.startsWith('<p>')));
      assert.ok(html.some((h) => h.includes('&amp;')));
      assert.ok(html.some((h) => /\p{Extended_Pictographic}/u.test(h)));
      const lengths = html.map((h) => h.length);
      assert.ok(Math.max(...lengths) > 3 * Math.min(...lengths), 'lengths vary');
      const cases = await call(`${e.tinesUrl}/api/v2/cases`, { token: user(e).tinesToken });
      assert.ok(cases.json.cases.some((c: { name: string }) => / from | on | for |:/.test(c.name)));
    } finally {
      await e.close();
    }
  });

  it('starts 100 000 statuses and 500 cases × 20 comments and serves deep pages (start-up time printed)', async function () {
    this.timeout(20000);
    const t0 = Date.now();
    const e = await startEmulator({ sc: { statuses: 100000 }, tines: { cases: 500, commentsPerCase: 20 } });
    try {
      // A time, not an assertion: timings on a shared machine are noisy (the runner prints titles).
      this.test!.title += ` — started in ${Date.now() - t0} ms`;
      const last = await call(`${e.selfcommunityUrl}/api/v2/status/?limit=100&offset=99950`, {
        token: user(e).scToken,
      });
      assert.strictEqual(last.json.count, 100000);
      assert.strictEqual(last.json.results.length, 50);
      assert.strictEqual(last.json.results.at(-1).id, 1);
      assert.strictEqual(last.json.next, null);
      const cases = await call(`${e.tinesUrl}/api/v2/cases?per_page=500`, { token: user(e).tinesToken });
      assert.strictEqual(cases.json.meta.count, 500);
    } finally {
      await e.close();
    }
  });
});
