/**
 * The excerpt a tree row shows for a target (src/core/model.ts `excerpt`), against its definition
 * written the plain way, a character at a time: the product builds it in runs to make less garbage,
 * and must give the same text for any input a community can send.
 */
import * as assert from 'assert';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';
import { excerpt } from '../../src/core/model';

const ENTITIES: Record<string, string> = { nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
const SPACE = new Set([' ', '\n', '\t', '\r', '\f', '\v', '\u00a0']);

/** The definition: tags (a `<` with a `>` after it) dropped, six entities decoded, white space collapsed, cut at `max` with "...". */
function definition(s: string, max = 140): string {
  const out: string[] = [];
  let space = false;
  for (let i = 0; i < s.length; i++) {
    let ch = s[i];
    if (ch === '<' && s.indexOf('>', i + 1) !== -1) {
      i = s.indexOf('>', i + 1);
      space = true;
      continue;
    }
    if (ch === '&') {
      const semi = s.indexOf(';', i + 1);
      const name = semi !== -1 && semi - i <= 6 ? s.slice(i + 1, semi) : '';
      if (Object.prototype.hasOwnProperty.call(ENTITIES, name)) {
        ch = ENTITIES[name];
        i = semi;
      }
    }
    if (SPACE.has(ch)) {
      space = true;
      continue;
    }
    if (space && out.length) out.push(' ');
    space = false;
    out.push(ch);
  }
  if (out.length <= max) return out.join('');
  const kept = out.slice(0, Math.max(0, max - 3));
  while (kept.length && kept[kept.length - 1] === ' ') kept.pop();
  return `${kept.join('')}...`;
}

/** A small deterministic generator: the same inputs on every run. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

describe('excerpts of what a community sends', () => {
  it('match their definition for any mix of text, tags, entities, white space and non-Latin characters', () => {
    const pieces = [
      'a',
      'word',
      'longer words here',
      ' ',
      '   ',
      '\n',
      '\t',
      '\u00a0',
      '<',
      '>',
      '<p>',
      '</b>',
      '<br/>',
      '&',
      '&amp;',
      '&nbsp;',
      '&lt;',
      '&#39;',
      '&quot;',
      '&bogus;',
      '&toolongname;',
      ';',
      'é',
      '😀',
      '中文',
    ];
    const next = random(7);
    for (let t = 0; t < 40_000; t++) {
      let s = '';
      for (let n = Math.floor(next() * 80); n > 0; n--) s += pieces[Math.floor(next() * pieces.length)];
      const max = [140, 20, 12, 5, 3, 1, 0][t % 7];
      assert.strictEqual(excerpt(s, max), definition(s, max), `${JSON.stringify(s)} at ${max}`);
    }
  });

  it('cuts long texts, whatever they are made of, at the same place as the definition', () => {
    for (const s of [
      'x'.repeat(300),
      'word '.repeat(100),
      '<'.repeat(2000),
      `${'a '.repeat(69)}bc${' d'.repeat(50)}`,
    ]) {
      for (const max of [140, 20, 12]) assert.strictEqual(excerpt(s, max), definition(s, max));
    }
    assert.strictEqual(excerpt('word '.repeat(100), 12), 'word word...');
  });

  it('are kept at one byte a character when they can be, even from a text with an emoji further on', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const text = (i: number) =>
      JSON.parse(JSON.stringify({ t: `<p>Release ${i} is out: ${'notes and fixes '.repeat(12)}</p> 🎉 ${i}` }))
        .t as string;
    const kept: string[] = [];
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 20_000; i++) kept.push(excerpt(text(i)));
    gc();
    const perExcerpt = (process.memoryUsage().heapUsed - before) / kept.length;
    assert.ok(kept.every((e) => e.length > 130 && e.endsWith('...') && !/[\u0100-\uffff]/.test(e)));
    // 140 characters: ~160 bytes kept at one byte a character, ~300 at two
    assert.ok(perExcerpt < 220, `${perExcerpt.toFixed(0)} bytes per kept excerpt`);
  });
});
