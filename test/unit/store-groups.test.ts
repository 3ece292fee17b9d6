/**
 * The store keeps the tree's grouping between reads and merges additions into it (groupCache.ts). The
 * tree must show exactly what grouping from scratch shows, whatever happened in between.
 */
import * as assert from 'assert';
import { ReactionStore, groupReactions, type ReactionGroup } from '../../src/core/store';
import type { Reaction } from '../../src/core/model';
import { SC_ACCOUNT, TINES_ACCOUNT, scReaction, tinesReaction } from '../support';

const SC = SC_ACCOUNT;
const TI = TINES_ACCOUNT;

/** A small seeded generator: the same sequence on every run. */
function rng(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
}

const TYPES = ['status', 'discussion', 'post', 'comment', 'case_comment'] as const;
const LABELS = ['Like', 'Love', 'heart', 'Wow'];

function reaction(next: (n: number) => number): Reaction {
  const type = TYPES[next(TYPES.length)];
  const id = String(next(400));
  // few distinct dates and excerpts: ties are frequent, so the order's tie-breaks matter
  const target = {
    excerpt: `about ${['search', 'widgets', 'login'][next(3)]}`,
    createdAt: Date.parse(`2024-0${1 + next(3)}-1${next(3)}T00:00:00Z`),
  };
  const caseId = type === 'case_comment' ? String(next(6)) : undefined;
  const label = LABELS[next(LABELS.length)];
  const kind = { id: label, label };
  return caseId === undefined
    ? scReaction(type, id, label, { account: SC, target, kind })
    : tinesReaction(caseId, id, label, {
        account: TI,
        target: { ...target, parent: { type: 'case', id: caseId, title: 'A case' } },
        kind,
      });
}

const shape = (groups: readonly ReactionGroup[]) =>
  groups.map((g) => ({ key: g.key, title: g.title, ids: g.reactions.map((r) => r.id) }));

describe('the tree grouping kept between reads', () => {
  it('always equals grouping from scratch, through additions, scans, replacements, removals and filters', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = rng(seed);
      const store = new ReactionStore();
      let scan = store.beginScan(SC);
      for (let step = 0; step < 400; step++) {
        const op = next(20);
        if (op < 8) store.upsert(Array.from({ length: 1 + next(5) }, () => reaction(next)));
        else if (op < 12) scan.add(Array.from({ length: 1 + next(5) }, () => reaction(next)));
        else if (op === 12) {
          const all = store.all();
          if (all.length) store.remove([all[next(all.length)].id]);
        } else if (op === 13) {
          const all = store.all(SC);
          const old = all[next(Math.max(1, all.length))];
          if (old) store.replace(old.id, { ...old, kind: { id: 'Wow', label: 'Wow' } });
        } else if (op === 14) store.setFilter(next(2) ? { text: 'search' } : { kinds: ['Love', 'heart'] });
        else if (op === 15) store.clearFilter();
        else if (op === 16) {
          scan.finish();
          scan = store.beginScan(SC);
        }
        // read as the tree does, between changes
        for (const account of [SC, TI]) {
          assert.deepStrictEqual(
            shape(store.groups(account)),
            shape(groupReactions(store.visible(account))),
            `seed ${seed}, step ${step}, ${account}`,
          );
        }
      }
    }
  });

  it('never changes a group a tree node already holds', () => {
    const next = rng(9);
    const store = new ReactionStore();
    store.upsert(Array.from({ length: 50 }, () => reaction(next)));
    const before = store.groups(SC);
    const held = shape(before);
    store.upsert(Array.from({ length: 50 }, () => reaction(next)));
    const after = store.groups(SC);
    assert.deepStrictEqual(shape(before), held, 'the older groups are as they were');
    assert.ok(
      after.reduce((n, g) => n + g.reactions.length, 0) > before.reduce((n, g) => n + g.reactions.length, 0),
      'the new read has the additions',
    );
  });
});
