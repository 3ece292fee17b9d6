/**
 * The Clean Up preview explains itself (src/core/cleanup/explain.ts): each reaction says which parts of
 * the rule it met and which date the date bound used — when you reacted (Tines) or when the item was
 * posted (SelfCommunity, which does not tell when you voted).
 */
import * as assert from 'assert';
import { explainMatch } from '../../src/core/cleanup/explain';
import { previewCleanup } from '../../src/core/cleanup/rule';
import type { Reaction } from '../../src/core/model';

const DAY = 86_400_000;
const now = Date.parse('2026-06-01T12:00:00Z');
const sc: Reaction = {
  id: 'selfcommunity:c.example:7|status:1',
  accountId: 'selfcommunity:c.example:7',
  target: { type: 'status', id: '1', excerpt: 'Budget meeting notes', createdAt: now - 200 * DAY },
  kind: { id: '2', label: 'Love' },
};
const tines: Reaction = {
  id: 'tines:t.example:17|case_comment:5|heart',
  accountId: 'tines:t.example:17',
  target: { type: 'case_comment', id: '5', excerpt: 'looks fine', createdAt: now - 10 * DAY, author: 'Budget Bob' },
  kind: { id: 'heart', label: 'heart' },
  reactedAt: now - 120 * DAY,
};

describe('the Clean Up preview explains each match', () => {
  it('a date bound says which date it used: when you reacted (Tines), else when the item was posted (SelfCommunity)', () => {
    const rule = { olderThanDays: 90 };
    const p = previewCleanup([sc, tines], rule, () => false, now);
    assert.strictEqual(p.toRemove.length, 2, 'the Tines reaction is old although its comment is new');
    assert.deepStrictEqual(explainMatch(sc, rule).date, { basis: 'posted', time: sc.target.createdAt });
    assert.deepStrictEqual(explainMatch(tines, rule).date, { basis: 'reacted', time: tines.reactedAt });
    assert.deepStrictEqual(explainMatch(sc, rule).parts, [{ part: 'olderThan', days: 90 }]);
  });

  it('names each part of the rule that matched, and where the words were found', () => {
    const rule = { kinds: ['heart', 'Love'], text: 'budget', services: ['tines' as const] };
    const why = explainMatch(tines, rule);
    assert.deepStrictEqual(why.parts, [
      { part: 'kind', kind: 'heart' },
      { part: 'service', service: 'tines' },
      { part: 'text', words: 'budget', where: 'author' },
    ]);
    assert.strictEqual(why.date, undefined, 'no date bound, no date to explain');
    assert.deepStrictEqual(explainMatch(sc, { text: 'budget' }).parts, [
      { part: 'text', words: 'budget', where: 'text' },
    ]);
    assert.deepStrictEqual(explainMatch(sc, {}).parts, [{ part: 'everything' }]);
  });
});
