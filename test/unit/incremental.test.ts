import * as assert from 'assert';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import { tines } from '../../src/core/services/tines';
import type { AccountService, ReactionDelta } from '../../src/core/services/service';
import type { Reaction } from '../../src/core/model';
import { collect, fastOptions, reactionKeys, rejectsKind, truthKeys, useEmulator, user } from '../support';

/** Applies deltas to a known set, the way the loader applies them to the store. */
async function apply(known: readonly Reaction[], deltas: AsyncIterable<ReactionDelta>): Promise<Reaction[]> {
  const map = new Map(known.map((r) => [r.id, r]));
  for await (const d of deltas) {
    for (const r of d.upsert) map.set(r.id, r);
    for (const id of d.remove) map.delete(id);
  }
  return [...map.values()];
}

describe('incremental refresh: Tines', () => {
  const emu = useEmulator({ seed: 31, tines: { cases: 60, commentsPerCase: 6 } });
  let service: AccountService;

  before(async () => {
    const a = user(emu(), 'alice');
    const options = fastOptions();
    const account = await tines.signIn({ baseUrl: emu().tinesUrl, token: a.tinesToken, email: a.email }, options);
    service = tines.connect(account, () => a.tinesToken, options);
  });

  it('finds an added and a removed reaction with a small fraction of the requests of a full listing', async () => {
    emu().clearLog();
    const full = (await collect(service.listReactions())).items;
    const fullRequests = emu().requests.length;
    const checkpoint = service.checkpoint;
    assert.ok(checkpoint, 'a complete listing leaves a checkpoint');
    // one reaction added on one case, one removed on another (both update their case)
    const gone = full[0];
    emu().tines.removeReaction(gone.target.parent!.id, gone.target.id, 'alice', gone.kind.id as 'heart');
    const other = full.find((r) => r.target.parent!.id !== gone.target.parent!.id)!;
    const has = new Set(
      emu()
        .tines.reactionsOf('alice')
        .filter((t) => String(t.commentId) === other.target.id)
        .map((t) => t.value),
    );
    const value = (['+1', '-1', 'eyes', 'heart', 'white_check_mark'] as const).find((v) => !has.has(v))!;
    emu().tines.addReaction(other.target.parent!.id, other.target.id, 'alice', value);

    emu().clearLog();
    const refreshed = await apply(full, service.refreshReactions(full, checkpoint!));
    const refreshRequests = emu().requests.length;
    assert.deepStrictEqual(
      reactionKeys('tines', refreshed),
      truthKeys(emu(), 'tines'),
      'the refreshed set is what the server holds for alice',
    );
    assert.ok(!refreshed.some((r) => r.id === gone.id), 'the removed reaction is gone');
    assert.ok(
      refreshed.some((r) => r.target.id === other.target.id && r.kind.id === value),
      'the added one is there',
    );
    assert.ok(
      refreshRequests <= fullRequests * 0.1,
      `refresh took ${refreshRequests} requests, a full listing ${fullRequests}`,
    );
    const casesQuery = emu().requests.find((r) => r.path.endsWith('/api/v2/cases'))!;
    assert.ok(
      casesQuery.query['filters[updated_at_start_date]'],
      'only cases updated since the checkpoint are asked for',
    );
  });
});

describe('incremental refresh: SelfCommunity', () => {
  const emu = useEmulator({ seed: 32, sc: { statuses: 400, discussions: 100, posts: 50, commentsPerItem: 2 } });
  let service: AccountService;

  before(async () => {
    const a = user(emu(), 'alice');
    const options = fastOptions();
    const account = await selfCommunity.signIn({ baseUrl: emu().selfcommunityUrl, token: a.scToken }, options);
    service = selfCommunity.connect(account, () => a.scToken, options);
  });

  it('finds new, changed and removed contribution votes and votes on new comments, with far fewer requests', async () => {
    emu().clearLog();
    const full = (await collect(service.listReactions())).items;
    const fullRequests = emu().requests.length;
    const checkpoint = service.checkpoint!;
    assert.ok(checkpoint);

    const statuses = full.filter((r) => r.target.type === 'status');
    const removed = statuses[0];
    emu().sc.setVote('status', removed.target.id, 'alice', undefined);
    const changed = statuses[1];
    const newKind = changed.kind.id === '2' ? 3 : 2;
    emu().sc.setVote('status', changed.target.id, 'alice', newKind);
    const fresh = emu().sc.addItem('discussion', { title: 'A brand new discussion' });
    emu().sc.setVote('discussion', fresh, 'alice', 1);
    const commented = full.find((r) => r.target.type === 'post')!;
    const comment = emu().sc.addItem('comment', { post: Number(commented.target.id), html: '<p>New comment</p>' });
    emu().sc.setVote('comment', comment, 'alice', 4);

    emu().clearLog();
    const refreshed = await apply(full, service.refreshReactions(full, checkpoint));
    const refreshRequests = emu().requests.length;
    assert.deepStrictEqual(
      reactionKeys('selfcommunity', refreshed),
      truthKeys(emu(), 'selfcommunity'),
      'the refreshed set is what the server holds for alice',
    );
    assert.ok(
      refreshRequests <= fullRequests * 0.1,
      `refresh took ${refreshRequests} requests, a full listing ${fullRequests}`,
    );
    assert.ok(!refreshed.some((r) => r.id === removed.id));
    assert.strictEqual(refreshed.find((r) => r.id === changed.id)!.kind.id, String(newKind));
    assert.ok(refreshed.some((r) => r.target.type === 'discussion' && r.target.id === String(fresh)));
    assert.ok(refreshed.some((r) => r.target.type === 'comment' && r.target.id === String(comment)));
  });

  it('a refresh that fails sends no removal (nothing is dropped on a partial view)', async () => {
    const full = (await collect(service.listReactions())).items;
    const checkpoint = service.checkpoint!;
    // A vote removed elsewhere: a refresh that completes reports it (checked last), a failed one must not.
    const gone = full.find((r) => r.target.type === 'status')!;
    emu().sc.setVote('status', gone.target.id, 'alice', undefined);
    emu().fault({ method: 'GET', path: '/api/v2/post/', status: 500 });
    const deltas: ReactionDelta[] = [];
    await rejectsKind(async () => {
      for await (const d of service.refreshReactions(full, checkpoint)) deltas.push(d);
    }, 'server');
    assert.deepStrictEqual(
      deltas.flatMap((d) => d.remove),
      [],
      'no removal from a refresh that failed',
    );
    emu().clearFaults();
    const completed = await apply(full, service.refreshReactions(full, checkpoint));
    assert.ok(!completed.some((r) => r.id === gone.id), 'the same refresh, completed, does report the removal');
  });
});

describe('incremental refresh: SelfCommunity, known comment votes re-read within budget', () => {
  const emu = useEmulator({
    seed: 33,
    sc: { statuses: 300, discussions: 100, posts: 50, commentsPerItem: 2, voteRate: 0.03 },
  });

  it('a known comment vote removed or changed elsewhere is seen, though its contribution did not change', async () => {
    const a = user(emu(), 'alice');
    const account = await selfCommunity.signIn({ baseUrl: emu().selfcommunityUrl, token: a.scToken }, fastOptions());
    const service = selfCommunity.connect(account, () => a.scToken, fastOptions());
    const full = (await collect(service.listReactions())).items;
    const comments = full.filter((r) => r.target.type === 'comment');
    assert.ok(comments.length >= 2, 'seed has comment votes');
    emu().sc.setVote('comment', comments[0].target.id, 'alice', undefined);
    const newKind = comments[1].kind.id === '5' ? 6 : 5;
    emu().sc.setVote('comment', comments[1].target.id, 'alice', newKind);
    const refreshed = await apply(full, service.refreshReactions(full, service.checkpoint!));
    assert.deepStrictEqual(reactionKeys('selfcommunity', refreshed), truthKeys(emu(), 'selfcommunity'));
    assert.ok(!refreshed.some((r) => r.id === comments[0].id));
    assert.strictEqual(refreshed.find((r) => r.id === comments[1].id)!.kind.id, String(newKind));
  });
});

describe('listing concurrency does not change results', () => {
  const emu = useEmulator({
    seed: 34,
    sc: { statuses: 150, discussions: 40, posts: 20, commentsPerItem: 2, maxLimit: 20 },
    tines: { cases: 25, commentsPerCase: 4, maxPerPage: 10 },
  });

  for (const which of ['selfcommunity', 'tines'] as const) {
    it(`${which}: C=1 and C=8 each find exactly the reactions the server holds`, async () => {
      const a = user(emu(), 'alice');
      const provider = which === 'tines' ? tines : selfCommunity;
      const baseUrl = which === 'tines' ? emu().tinesUrl : emu().selfcommunityUrl;
      const token = which === 'tines' ? a.tinesToken : a.scToken;
      const account = await provider.signIn({ baseUrl, token, email: a.email }, fastOptions());
      const one = (
        await collect(
          provider.connect(account, () => token, fastOptions(undefined, { maxConcurrency: 1 })).listReactions(),
        )
      ).items;
      const eight = (
        await collect(
          provider.connect(account, () => token, fastOptions(undefined, { maxConcurrency: 8 })).listReactions(),
        )
      ).items;
      const truth = truthKeys(emu(), which);
      assert.ok(truth.length > 10, `alice has ${truth.length} reactions`);
      assert.deepStrictEqual(reactionKeys(which, one), truth, 'C=1');
      assert.deepStrictEqual(reactionKeys(which, eight), truth, 'C=8');
    });
  }
});
