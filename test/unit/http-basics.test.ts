import * as assert from 'assert';
import { normalizeBaseUrl, parseRetryAfter, serverMessage } from '../../src/core/http';
import { ReactionsError, redact } from '../../src/core/errors';
import { KeyedLock, Semaphore, TaskStream, sleep } from '../../src/core/async';
import { accountId, excerpt, reactionId } from '../../src/core/model';

function throwsKind(fn: () => unknown, kind: string, pattern?: RegExp) {
  assert.throws(
    fn,
    (e: unknown) => e instanceof ReactionsError && e.kind === kind && (!pattern || pattern.test(e.message)),
  );
}

describe('base URL validation (what a person types in Add Account)', () => {
  it('normalises https URLs, keeps a path prefix, strips trailing slashes and an /api/v2 suffix', () => {
    assert.strictEqual(normalizeBaseUrl(' https://Community.Example.com/ '), 'https://community.example.com');
    assert.strictEqual(
      normalizeBaseUrl('https://example.com/portal/community/'),
      'https://example.com/portal/community',
    );
    assert.strictEqual(normalizeBaseUrl('https://x.tines.com/api/v2'), 'https://x.tines.com');
    assert.strictEqual(normalizeBaseUrl('tenant-1234.tines.com'), 'https://tenant-1234.tines.com');
  });
  it('allows plain http only on loopback', () => {
    assert.strictEqual(normalizeBaseUrl('http://127.0.0.1:8080'), 'http://127.0.0.1:8080');
    assert.strictEqual(normalizeBaseUrl('http://localhost:3000/x'), 'http://localhost:3000/x');
    throwsKind(() => normalizeBaseUrl('http://community.example.com'), 'unsafe', /https/);
    throwsKind(() => normalizeBaseUrl('http://10.0.0.5'), 'unsafe');
  });
  it('refuses credentials, queries, fragments, other schemes and garbage with a clear message', () => {
    throwsKind(() => normalizeBaseUrl('https://user:pw@example.com'), 'unsafe', /user name or password/);
    throwsKind(() => normalizeBaseUrl('https://example.com/?token=abc'), 'invalid-input', /query/);
    throwsKind(() => normalizeBaseUrl('https://example.com/#x'), 'invalid-input', /fragment/);
    throwsKind(() => normalizeBaseUrl('ftp://example.com'), 'invalid-input', /https/);
    throwsKind(() => normalizeBaseUrl('   '), 'invalid-input', /Enter the URL/);
    throwsKind(() => normalizeBaseUrl('https://exa mple.com'), 'invalid-input', /contains a space/);
  });
  it('names what is wrong with a mistyped address, before any request: scheme, colon, slashes, space, host', () => {
    throwsKind(() => normalizeBaseUrl('htp:/x'), 'invalid-input', /"htp:" must be followed by "\/\/"/);
    throwsKind(() => normalizeBaseUrl('http//x'), 'invalid-input', /a colon is missing/);
    throwsKind(() => normalizeBaseUrl('ftp://x'), 'invalid-input', /"ftp:" is not supported.*https:\/\//);
    throwsKind(() => normalizeBaseUrl('x y'), 'invalid-input', /contains a space/);
    throwsKind(() => normalizeBaseUrl('https:///x'), 'invalid-input', /no host name/);
    throwsKind(() => normalizeBaseUrl('https://a//b'), 'invalid-input', /stray "\/\/"/);
    // a host with a port is not a scheme
    assert.strictEqual(normalizeBaseUrl('community.example.com:8443'), 'https://community.example.com:8443');
    // a long "scheme" may be a pasted token: not echoed
    throwsKind(() => normalizeBaseUrl('sc-token-abcdef123:x'), 'invalid-input', /^The scheme must/);
  });
});

describe('HTTP helpers', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    assert.strictEqual(parseRetryAfter('3'), 3000);
    assert.strictEqual(parseRetryAfter('0.5'), 500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.strictEqual(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now), 7000);
    assert.strictEqual(parseRetryAfter('soon'), undefined);
    assert.strictEqual(parseRetryAfter(undefined), undefined);
  });
  it('finds the message in each error body shape the APIs use', () => {
    assert.strictEqual(serverMessage({ errors: [{ code: 'x', message: 'Invalid reaction' }] }), 'Invalid reaction');
    assert.strictEqual(serverMessage({ errors: [{ field: 'reaction', messages: ['bad id'] }] }), 'reaction: bad id');
    assert.strictEqual(serverMessage(['Value is not supported']), 'Value is not supported');
    assert.strictEqual(serverMessage({ error: 'Unauthorized' }), 'Unauthorized');
    assert.strictEqual(serverMessage({ detail: 'Not found.' }), 'Not found.');
    assert.strictEqual(serverMessage('plain text'), 'plain text');
    assert.strictEqual(serverMessage({}), undefined);
  });
  it('redacts known secrets and bearer tokens', () => {
    const out = redact('Authorization: Bearer abcdefgh123456 and sc-demo-alice-Q7x2 again', ['sc-demo-alice-Q7x2']);
    assert.ok(!out.includes('abcdefgh123456'), out);
    assert.ok(!out.includes('sc-demo-alice-Q7x2'), out);
  });
});

describe('model ids', () => {
  it('account ids are stable and include a path prefix', () => {
    assert.strictEqual(accountId('selfcommunity', 'https://a.example.com/c', '42'), 'selfcommunity:a.example.com/c:42');
    assert.strictEqual(accountId('tines', 'http://127.0.0.1:9/', '7'), 'tines:127.0.0.1:9:7');
  });
  it('Tines reaction ids carry the value (one comment can hold several of mine)', () => {
    const t = { type: 'case_comment' as const, id: '5' };
    assert.notStrictEqual(reactionId('a', t, { id: 'heart' }), reactionId('a', t, { id: 'eyes' }));
    assert.strictEqual(reactionId('a', { type: 'status', id: '5' }, { id: '2' }), 'a|status:5');
  });
  it('excerpts strip HTML, collapse whitespace and cut with three dots', () => {
    assert.strictEqual(excerpt('<p>Hello&nbsp; <b>world</b> &amp; all</p>'), 'Hello world & all');
    const long = excerpt('x'.repeat(300), 20);
    assert.strictEqual(long, `${'x'.repeat(17)}...`);
    // Nothing beyond Latin-1 is added: an ASCII text stays a one-byte string in V8 (half the memory).
    assert.ok([...excerpt('word '.repeat(100))].every((c) => c.charCodeAt(0) <= 0xff));
    assert.strictEqual(excerpt('word '.repeat(100), 12), 'word word...');
  });
});

describe('async building blocks', () => {
  it('Semaphore never runs more than its limit', async () => {
    const sem = new Semaphore(3);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        sem.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await sleep(2);
          active--;
        }),
      ),
    );
    assert.strictEqual(peak, 3);
  });
  it('KeyedLock serialises the same key and lets others run', async () => {
    const lock = new KeyedLock();
    const order: string[] = [];
    await Promise.all([
      lock.run('a', async () => {
        order.push('a1+');
        await sleep(10);
        order.push('a1-');
      }),
      lock.run('a', async () => {
        order.push('a2+');
        order.push('a2-');
      }),
      lock.run('b', async () => {
        order.push('b+');
      }),
    ]);
    assert.ok(order.indexOf('a2+') > order.indexOf('a1-'), order.join());
    assert.ok(order.indexOf('b+') < order.indexOf('a1-'), order.join());
  });
  it('TaskStream yields what nested tasks push, then ends; an error ends it after the buffered items', async () => {
    const s = new TaskStream<number>();
    s.spawn(async () => {
      s.push(1);
      s.spawn(async () => {
        await sleep(5);
        s.push(2);
      });
    });
    const got: number[] = [];
    for await (const x of s) got.push(x);
    assert.deepStrictEqual(got.sort(), [1, 2]);

    const f = new TaskStream<number>();
    f.spawn(async () => {
      f.push(1);
      throw new Error('boom');
    });
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const x of f) seen.push(x);
    }, /boom/);
    assert.deepStrictEqual(seen, [1]);
  });
});
