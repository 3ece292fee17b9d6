/**
 * The loopback redirect server on its own (real HTTP on 127.0.0.1): one answer and it is gone, other
 * paths do not count, and a sign-in that is cancelled or not answered in time ends with a message.
 * The whole flow against a real Django OAuth Toolkit is in test/dot/.
 */
import * as assert from 'assert';
import { listenForCallback } from '../../src/core/auth/oauthLoopback';
import { rejectsKind } from '../support';

const community = 'community.example.com';

describe('OAuth loopback redirect (RFC 8252)', () => {
  it('listens on 127.0.0.1 on a free port; a favicon request does not count; the answer closes it', async () => {
    const r = await listenForCallback({ state: 's1', community });
    const port = new URL(r.redirectUri).port;
    assert.match(r.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/oauth-callback$/);
    assert.strictEqual((await fetch(`http://127.0.0.1:${port}/favicon.ico`)).status, 404);
    const res = await fetch(`${r.redirectUri}?code=abc&state=s1`);
    assert.strictEqual(res.status, 200);
    assert.strictEqual(res.headers.get('cache-control'), 'no-store');
    assert.deepStrictEqual(await r.answer, { code: 'abc', state: 's1', error: undefined, errorDescription: undefined });
    await assert.rejects(fetch(`${r.redirectUri}?code=again&state=s1`), 'nobody listens after one answer');
  });

  it('nothing from the query is echoed into the page', async () => {
    const r = await listenForCallback({ state: 's2', community });
    const res = await fetch(`${r.redirectUri}?error=%3Cscript%3Ex%3C/script%3E&state=s2`);
    assert.strictEqual(res.status, 400);
    assert.doesNotMatch(await res.text(), /<script>/);
    assert.strictEqual((await r.answer).error, '<script>x</script>');
  });

  it('Cancel (abort) ends the wait and frees the port', async () => {
    const abort = new AbortController();
    const r = await listenForCallback({ state: 's3', community, signal: abort.signal });
    abort.abort();
    await rejectsKind(() => r.answer, 'cancelled');
    await assert.rejects(fetch(`${r.redirectUri}?code=late&state=s3`));
  });

  it('no answer in time: a timeout that says nothing was stored', async () => {
    const r = await listenForCallback({ state: 's4', community, timeoutMs: 50 });
    const e = await rejectsKind(() => r.answer, 'timeout');
    assert.match(e.message, /nothing was stored/);
    await assert.rejects(fetch(`${r.redirectUri}?code=late&state=s4`));
  });
});
