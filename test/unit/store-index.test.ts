import * as assert from 'assert';
import { compactReaction, makeReaction, reactionId, type Reaction, type Target } from '../../src/core/model';
import { ReactionStore } from '../../src/core/store';

// The store keeps a reaction without an id string of its own (reactionIndex.ts): these tests hold the
// store to what a map by id did — every id found, replaced, removed and dropped by a scan as before —
// for derived ids, ids made by hand, and ids that cannot be read back into their parts.

const SC = 'selfcommunity:community.example.com:7';
const TI = 'tines:tenant.tines.com:42';
const LIKE = { id: '1', label: 'Like' };
const LOVE = { id: '2', label: 'Love' };

function target(type: Target['type'], id: string, caseId?: string): Target {
  return {
    type,
    id,
    excerpt: `${type} ${id}`,
    ...(caseId ? { parent: { type: 'case' as const, id: caseId } } : {}),
  };
}

const status = (id: string, kind = LIKE) => makeReaction(SC, target('status', id), kind);
const comment = (id: string, value: string) =>
  makeReaction(TI, target('case_comment', id, '9'), { id: value, label: value });
const ids = (rs: readonly Reaction[]) => rs.map((r) => r.id).sort();

describe('store: kept reactions derive their id', () => {
  it('a reaction from a service has the id its fields make, in a spread, in JSON and in Object.keys', () => {
    const r = status('5');
    assert.strictEqual(r.id, 'selfcommunity:community.example.com:7|status:5');
    assert.strictEqual(r.id, reactionId(SC, r.target));
    const changed = { ...r, kind: LOVE };
    assert.strictEqual(changed.id, r.id, 'a spread copies the id');
    assert.strictEqual(JSON.parse(JSON.stringify(r)).id, r.id);
    assert.deepStrictEqual(Object.keys(r).sort(), ['accountId', 'id', 'kind', 'target']);
    assert.ok(Object.getOwnPropertyDescriptor(r, 'id')?.get, 'no id string is stored on the reaction');
  });

  it('the store keeps a plain reaction with a derived id, and a hand-made id as it is', () => {
    const t = target('post', '3');
    const plain: Reaction = { id: reactionId(SC, t), accountId: SC, target: t, kind: LIKE };
    const kept = compactReaction(plain);
    assert.notStrictEqual(kept, plain);
    assert.strictEqual(kept.id, plain.id);
    assert.strictEqual(kept.target, plain.target, 'the target is shared, not copied');
    const odd: Reaction = { id: 'r1', accountId: SC, target: target('post', '4'), kind: LIKE };
    assert.strictEqual(compactReaction(odd).id, 'r1');
  });

  it('finds, replaces and removes by id: derived ids, ids made by hand, several Tines kinds on one comment', () => {
    const store = new ReactionStore();
    const odd: Reaction = { id: 'by-hand', accountId: SC, target: target('post', '4'), kind: LIKE };
    const pipe = comment('51', 'a|b'); // its kind cannot be read back from its id: kept by id
    store.upsert([status('1'), status('2'), odd, comment('50', 'heart'), comment('50', 'eyes'), pipe]);
    assert.strictEqual(store.count(SC), 3);
    assert.strictEqual(store.count(TI), 3, 'one comment, two of the user reactions, and a third');
    for (const r of [status('1'), odd, comment('50', 'eyes'), pipe]) assert.strictEqual(store.get(r.id)?.id, r.id);
    assert.strictEqual(store.get(`${TI}|case_comment:50|+1`), undefined, 'another kind on the same comment');
    assert.strictEqual(store.get(`${SC}|status:3`), undefined);
    assert.strictEqual(store.get(`${SC}|post:4`), undefined, 'the hand-made id is the only way to it');

    store.upsert([status('1', LOVE)]);
    assert.strictEqual(store.count(SC), 3, 'same id replaces');
    assert.strictEqual(store.get(status('1').id)?.kind.label, 'Love');

    const removed = store.remove([odd.id, comment('50', 'heart').id, pipe.id, 'missing']);
    assert.deepStrictEqual(ids(removed), ids([odd, comment('50', 'heart'), pipe]));
    assert.deepStrictEqual(ids(store.all()), ids([status('1'), status('2'), comment('50', 'eyes')]));

    store.replace(comment('50', 'eyes').id, comment('50', '+1'));
    assert.deepStrictEqual(ids(store.all(TI)), [comment('50', '+1').id]);
  });

  it('a hand-made reaction with the id of a derived one replaces it: one reaction per id', () => {
    const store = new ReactionStore();
    store.upsert([status('1')]);
    const sameId: Reaction = { id: status('1').id, accountId: SC, target: target('status', '999'), kind: LOVE };
    store.upsert([sameId]);
    assert.strictEqual(store.count(SC), 1);
    assert.strictEqual(store.get(sameId.id)?.target.id, '999');
    store.upsert([status('1')]);
    assert.strictEqual(store.count(SC), 1);
    assert.strictEqual(store.get(sameId.id)?.target.id, '1');
  });

  it('a scan drops what it did not see, whatever kind of id, and keeps what it saw', () => {
    const store = new ReactionStore();
    const odd: Reaction = { id: 'by-hand', accountId: SC, target: target('post', '4'), kind: LIKE };
    store.upsert([status('1'), status('2'), odd]);
    const scan = store.beginScan(SC);
    scan.add([{ ...status('2') }, status('3')]); // a plain copy of 2 is still 2
    scan.finish();
    assert.deepStrictEqual(ids(store.all()), ids([status('2'), status('3')]));
    assert.strictEqual(scan.active, false);
    scan.add([status('7')]);
    assert.strictEqual(store.count(), 2, 'a finished scan adds nothing');
  });
});
