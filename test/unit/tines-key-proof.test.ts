/**
 * Acceptance: a Tines account of user A (alice) with user B's (bob's) key, bob having reacted with the
 * same emoji on some of alice's comments — no reaction of bob's is ever removed, and the person sees why
 * nothing was removed. With alice's own key the proof is one of the removals asked for, runs alone and
 * is remembered (as a fingerprint) for the next session; a changed key is proven again.
 */
import * as assert from 'assert';
import { removeMany, restoreMany } from '../../src/core/bulk';
import type { Reaction } from '../../src/core/model';
import { tines } from '../../src/core/services/tines';
import type { Emulator, TinesValue } from '../emulator';
import { collect, fastOptions, memoryKeyProofs, requestsTo, useEmulator } from '../support';

/** alice's Tines account (signed in with her key) and her reactions as listed. */
async function aliceListed(emu: Emulator) {
  const [alice, bob] = emu.users;
  const options = fastOptions(undefined, { keyProofs: memoryKeyProofs() });
  const account = await tines.signIn({ baseUrl: emu.tinesUrl, token: alice.tinesToken, email: alice.email }, options);
  const all = (await collect(tines.connect(account, () => alice.tinesToken, options).listReactions())).items;
  return { alice, bob, options, account, all };
}

describe('Tines: a key is proven before it writes', () => {
  const emu = useEmulator({ seed: 31, tines: { cases: 8, commentsPerCase: 4, reactionRate: 0.7 } });

  /** alice's account and reactions; bob now shares the emoji of the first `shared` of them. */
  async function world(shared: number) {
    const { alice, bob, account, all } = await aliceListed(emu());
    const lonely = all.filter((r) => reactants(r).length === 1);
    assert.ok(lonely.length >= shared + 4, 'the seed gives enough reactions nobody else made');
    for (const r of lonely.slice(0, shared)) emu().tines.addReaction(r.target.parent!.id, r.target.id, 'bob', value(r));
    return { alice, bob, account, sharedOnes: lonely.slice(0, shared), lonelyOnes: lonely.slice(shared) };
  }
  const value = (r: Reaction) => r.kind.id as TinesValue;
  const reactants = (r: Reaction): number[] => {
    const c = emu().tines.getComment(r.target.parent!.id, r.target.id) as {
      reactions: Array<{ emoji: string; reactants: Array<{ user_id: number }> }>;
    };
    return c.reactions.find((x) => x.emoji === `:${r.kind.id}:`)?.reactants.map((x) => x.user_id) ?? [];
  };
  const writes = () => requestsTo(emu(), 'POST', /_reaction$/);

  it("alice's account with bob's key: none of bob's reactions goes, nothing of alice's either, and every reaction says why", async () => {
    const { bob, account, sharedOnes, lonelyOnes } = await world(3);
    const keyProofs = memoryKeyProofs();
    const service = tines.connect(account, () => bob.tinesToken, fastOptions(undefined, { keyProofs }));
    const bobBefore = emu().tines.reactionsOf('bob');
    const aliceBefore = emu().tines.reactionsOf('alice');
    emu().clearLog();
    // the shared ones first: a plain first write would remove bob's reaction there
    const asked = [...sharedOnes, ...lonelyOnes.slice(0, 4)];
    const summary = await removeMany(asked, () => service, { concurrency: 4 });

    assert.deepStrictEqual(emu().tines.reactionsOf('bob'), bobBefore, "bob's reactions are all still there");
    assert.deepStrictEqual(emu().tines.reactionsOf('alice'), aliceBefore, "alice's too: the key changed nothing");
    assert.strictEqual(writes().length, 1, 'one write: the proof, then none');
    const proof = writes()[0];
    const proved = asked.find((r) => proof.path.endsWith(`/comments/${r.target.id}/remove_reaction`))!;
    assert.ok(lonelyOnes.includes(proved), 'the proof was on a comment where nobody else had that emoji');
    assert.strictEqual(summary.removed.length, 0);
    assert.strictEqual(summary.failed.length, asked.length, 'every reaction asked for is reported, none dropped');
    for (const f of summary.failed) {
      assert.strictEqual(f.error.kind, 'forbidden');
      assert.match(
        f.error.message,
        /^The key is not alice@example.com's: removing your .* with it changed nothing.*Update Token with your own Personal API key\.$/,
      );
    }
    assert.strictEqual(keyProofs.proven.size, 0, 'nothing proven');
  });

  it("alice's own key: the proof is one of the removals asked for, runs alone, is remembered without the key; a changed key proves again", async () => {
    const { alice, bob, account, sharedOnes, lonelyOnes } = await world(2);
    const keyProofs = memoryKeyProofs();
    const options = fastOptions(undefined, { keyProofs });
    emu().clearLog();
    const asked = [...sharedOnes, ...lonelyOnes.slice(0, 5)];
    const summary = await removeMany(asked, () => tines.connect(account, () => alice.tinesToken, options), {
      concurrency: 4,
    });
    assert.strictEqual(summary.removed.length, asked.length);
    assert.deepStrictEqual(
      emu()
        .tines.reactionsOf('alice')
        .filter((x) => asked.some((r) => r.target.id === String(x.commentId) && r.kind.id === x.value)),
      [],
    );
    const [first, ...rest] = writes();
    assert.ok(
      rest.every((w) => w.time >= first.time + first.ms),
      'no other write was sent before the proof was answered',
    );
    const print = keyProofs.proven.get(account.id)!;
    assert.match(print, /^[0-9a-f]{64}$/);
    assert.ok(!print.includes(alice.tinesToken));

    // the next session: no proof again, the first write may be one bob shares
    const r = lonelyOnes[6];
    emu().tines.addReaction(r.target.parent!.id, r.target.id, 'bob', value(r));
    emu().clearLog();
    const next = tines.connect(account, () => alice.tinesToken, options);
    assert.strictEqual((await next.remove(r)).outcome, 'removed');
    assert.deepStrictEqual(reactants(r), [bob.tinesUserId]);

    // a changed key (bob's, for alice's account) is not proven by alice's proof
    const changed = tines.connect(account, () => bob.tinesToken, options);
    const s = lonelyOnes[7];
    emu().tines.addReaction(s.target.parent!.id, s.target.id, 'bob', value(s));
    emu().clearLog();
    const refused = await removeMany([s], () => changed);
    assert.strictEqual(refused.failed[0]?.error.kind, 'unproven-key');
    assert.strictEqual(writes().length, 0);
  });

  it('no reaction can prove the key: the person is asked before the first write; "no" sends nothing, "yes" writes and checks', async () => {
    const { alice, bob, account, sharedOnes } = await world(3);
    const asks: Array<{ n: number; what: string }> = [];
    const options = fastOptions(undefined, { keyProofs: memoryKeyProofs() });
    const service = tines.connect(account, () => alice.tinesToken, options);
    emu().clearLog();
    const no = await removeMany(sharedOnes, () => service, {
      confirmUnproven: async (a, list, what) => {
        asks.push({ n: list.length, what });
        assert.strictEqual(a.id, account.id);
        return false;
      },
    });
    assert.deepStrictEqual(asks, [{ n: 3, what: 'removal' }]);
    assert.strictEqual(writes().length, 0, 'nothing sent before the person answered yes');
    assert.ok(no.failed.every((f) => f.error.kind === 'unproven-key' && /Nothing was sent/.test(f.error.message)));

    const yes = await removeMany(sharedOnes, () => service, { confirmUnproven: async () => true });
    assert.strictEqual(yes.removed.length, 3);
    for (const r of sharedOnes) assert.deepStrictEqual(reactants(r), [bob.tinesUserId], "bob's stays");

    // a put-back (nothing to prove it with) asks too; the key is proven now, so it goes
    emu().clearLog();
    const back = await restoreMany(sharedOnes.slice(0, 1), () => service, {
      confirmUnproven: async () => assert.fail('a proven key is not asked about'),
    });
    assert.strictEqual(back.restored.length, 1);
  });
});

describe("Tines: a key is proven before it writes — a world where bob shares half of alice's reactions", () => {
  const emu = useEmulator({ seed: 8, tines: { cases: 10, commentsPerCase: 4, shared: { user: 'bob', share: 0.5 } } });

  it("the emulator's second user: bob reacted with the same emoji on about half of alice's reactions", () => {
    const bob = new Set(
      emu()
        .tines.reactionsOf('bob')
        .map((x) => `${x.commentId}/${x.value}`),
    );
    const alice = emu().tines.reactionsOf('alice');
    const shared = alice.filter((x) => bob.has(`${x.commentId}/${x.value}`)).length;
    assert.ok(shared > alice.length * 0.3 && shared < alice.length * 0.9, `${shared} of ${alice.length}`);
  });

  it("removing all of alice's reactions with bob's key: both users' reactions unchanged, one harmless write", async () => {
    const { bob, options, account, all } = await aliceListed(emu());
    const before = { alice: emu().tines.reactionsOf('alice'), bob: emu().tines.reactionsOf('bob') };
    emu().clearLog();
    const withBobsKey = tines.connect(account, () => bob.tinesToken, options);
    const summary = await removeMany(all, () => withBobsKey, {
      concurrency: 4,
      confirmUnproven: async () => assert.fail('a harmless proof exists: no question'),
    });
    assert.deepStrictEqual(emu().tines.reactionsOf('bob'), before.bob);
    assert.deepStrictEqual(emu().tines.reactionsOf('alice'), before.alice);
    assert.strictEqual(requestsTo(emu(), 'POST', /_reaction$/).length, 1);
    assert.strictEqual(summary.failed.length, all.length);
    for (const f of summary.failed)
      assert.match(f.error.message, /Update Token with your own Personal API key/, f.error.message);
  });
});
