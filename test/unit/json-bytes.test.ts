/**
 * A large response body is parsed in pieces (src/core/json.ts): what a listing gets must be what
 * JSON.parse gives, invalid JSON must still be refused, and the extension host must keep running while
 * a huge body is parsed.
 */
import * as assert from 'assert';
import { PIECEWISE_MIN_BYTES, parseJsonBytes, parsePiecewise } from '../../src/core/json';

/** A SelfCommunity-like page of `n` items, with the text a real community sends (emoji, escapes, HTML). */
function page(n: number): unknown {
  return {
    count: n * 10,
    next: 'https://c.example/api/v2/status/?limit=100&offset=100',
    previous: null,
    results: Array.from({ length: n }, (_, i) => ({
      id: i + 1,
      added_at: `2025-06-02T07:${String(i % 60).padStart(2, '0')}:08Z`,
      html: `<p>Does the "widget" support \\ two-factor login yet? 🎉 ${'é'.repeat(i % 7)}\n</p>`,
      // a string ending in a backslash, and escaped backslashes before an escaped quote: where the
      // scan must tell the closing quote from an escaped one by counting the backslashes before it
      path: i % 2 ? 'C:\\reports\\' : 'a lone " quote}, ] and a last backslash\\',
      voted: i % 3 === 0,
      reaction: i % 3 === 0 ? { id: 2, label: 'Love', active: true } : null,
      reactions_count: [{ count: i, reaction: { id: 1, label: 'Like' } }],
      nested: { deep: [[1, 2, [3, { x: '}]' }]], []], empty: {} },
      score: -1.5e-3,
      tags: [],
      ok: true,
    })),
  };
}

describe('parsing a large response body in pieces', () => {
  it('gives exactly what JSON.parse gives for pages of every shape (emoji, escapes, nesting, spacing)', async () => {
    const bodies: unknown[] = [
      page(400),
      { ...(page(300) as object), extra: { results: page(5) } },
      (page(400) as { results: unknown[] }).results, // a top-level array
      { cases: (page(300) as { results: unknown[] }).results, meta: { pages: 3, count: 900, next_page: null } },
    ];
    for (const body of bodies) {
      for (const text of [JSON.stringify(body), JSON.stringify(body, null, 2)]) {
        const bytes = Buffer.from(text, 'utf8');
        assert.ok(bytes.length >= PIECEWISE_MIN_BYTES, 'the body is large enough to be parsed in pieces');
        assert.deepStrictEqual(await parseJsonBytes(bytes), JSON.parse(text));
        // ...by the piecewise scan itself: a valid page never falls back to one big string
        assert.deepStrictEqual(await parsePiecewise(bytes), JSON.parse(text));
      }
    }
  });

  it('keeps a "__proto__" member as data, as JSON.parse does, and pollutes nothing', async () => {
    const text = `{"__proto__": {"polluted": true}, "results": ${JSON.stringify((page(300) as { results: unknown[] }).results)}}`;
    const parsed = (await parseJsonBytes(Buffer.from(text))) as Record<string, unknown>;
    assert.deepStrictEqual(parsed, JSON.parse(text));
    assert.ok(Object.prototype.hasOwnProperty.call(parsed, '__proto__'));
    assert.strictEqual(({} as Record<string, unknown>).polluted, undefined);
    assert.strictEqual((parsed as { polluted?: unknown }).polluted, undefined);
  });

  it('refuses what is not JSON (undefined), wherever the fault is', async () => {
    const good = JSON.stringify(page(300));
    const bad = [
      good.slice(0, -1), // truncated
      `${good} x`, // trailing garbage
      good.replace('"results":[', '"results":[}'), // a bracket that does not match
      good.replace('"voted":true', '"voted":tru'), // a broken scalar
      good.replace('"count":', 'count:'), // a key without quotes
      `\ufeff${good}`, // a byte order mark (JSON.parse refuses it too)
      good.replace('"results":[', '"results":[1,,'), // an empty element
    ];
    for (const text of bad) {
      assert.ok(Buffer.byteLength(text) >= PIECEWISE_MIN_BYTES);
      let expected: unknown;
      try {
        expected = JSON.parse(text);
      } catch {
        expected = undefined;
      }
      assert.strictEqual(expected, undefined, 'the case is invalid JSON');
      assert.strictEqual(await parseJsonBytes(Buffer.from(text)), undefined, text.slice(0, 40));
    }
  });

  it('lets other work run while a huge body is parsed (the extension host does not freeze)', async () => {
    const text = JSON.stringify({ results: (page(20_000) as { results: unknown[] }).results });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    try {
      const parsed = (await parseJsonBytes(Buffer.from(text))) as { results: unknown[] };
      assert.strictEqual(parsed.results.length, 20_000);
    } finally {
      clearInterval(ticker);
    }
    assert.ok(ticks > 0, `timers ran ${ticks} time(s) while ${(text.length / 1e6).toFixed(1)} MB were parsed`);
  });
});

describe('the bytes a large body is parsed from', () => {
  it('are left as they came, whether the parse succeeds or fails midway (an error quotes them)', async () => {
    const items = (page(400) as { results: unknown[] }).results.map((x) => JSON.stringify(x));
    // white space on both sides of the commas, and after the opening bracket: the bytes a parse borrows
    const good = `{"count": 400, "results": [ \n${items.join(' ,\n ')} \n], "next": null}`;
    const bad = good.replace(items[250], `${items[250].slice(0, -1)}x}`);
    for (const text of [good, bad]) {
      const bytes = Buffer.from(text, 'utf8');
      const copy = Buffer.from(bytes);
      const parsed = await parseJsonBytes(bytes);
      assert.deepStrictEqual(parsed, text === good ? JSON.parse(text) : undefined);
      assert.ok(bytes.equals(copy), 'the body is unchanged');
    }
  });
});
