import * as assert from 'assert';
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import { HttpClient } from '../../src/core/http';
import { fastOptions, sleep } from '../support';

/**
 * Connections (src/core/http/agents.ts): reads share kept-alive connections; a write always goes on a
 * connection of its own, so a connection the server closed while idle can never make a vote POST (which
 * TOGGLES) fail with its outcome unknown, let alone be sent twice.
 */
describe('HTTP client connections', () => {
  let server: http.Server;
  let base: string;
  /** Requests seen, with the connection (client port) each came on. */
  let seen: { method: string; port: number; nth: number }[];
  /** When set, a connection that already served a request is dropped at its next one, unanswered. */
  let dropReused: boolean;
  const served = new WeakMap<Socket, number>();
  const clients: HttpClient[] = [];

  const client = () => {
    const c = new HttpClient(base, () => 'tok-connections', fastOptions());
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    seen = [];
    dropReused = false;
    server = http.createServer((req, res) => {
      const nth = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, nth);
      seen.push({ method: req.method!, port: req.socket.remotePort!, nth });
      if (dropReused && nth > 1) return void req.socket.destroy();
      req.resume();
      req.on('end', () => {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ ok: true, method: req.method }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.dispose();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('reads one after another reuse one connection instead of connecting for each', async () => {
    const c = client();
    for (let i = 0; i < 6; i++) await c.get('/items/');
    assert.strictEqual(seen.length, 6);
    assert.strictEqual(new Set(seen.map((s) => s.port)).size, 1, JSON.stringify(seen));
  });

  it('a read on a connection the server dropped is retried once on a new one and succeeds', async () => {
    const c = client();
    await c.get('/items/');
    dropReused = true;
    const answer = await c.get<{ ok: boolean }>('/items/');
    assert.deepStrictEqual(answer, { ok: true, method: 'GET' });
    assert.deepStrictEqual(
      seen.map((s) => s.nth),
      [1, 2, 1],
      'the second read met the dropped connection and was sent once more on a fresh one',
    );
  });

  it('a write never rides a pooled connection: sent exactly once, answered, even after reads', async () => {
    const c = client();
    await c.get('/items/');
    await c.get('/items/');
    dropReused = true;
    const answer = await c.post<{ method: string }>('/vote/', { json: { vote: 1 } });
    assert.strictEqual(answer.method, 'POST');
    const posts = seen.filter((s) => s.method === 'POST');
    assert.strictEqual(posts.length, 1);
    assert.strictEqual(posts[0].nth, 1, 'the POST was the first request on its connection');
    assert.ok(!seen.some((s) => s.method === 'GET' && s.port === posts[0].port));
  });

  it('dispose closes the connections it kept open', async () => {
    const c = client();
    await Promise.all([c.get('/a/'), c.get('/b/'), c.get('/c/')]);
    const open = () => new Promise<number>((r) => server.getConnections((_e, n) => r(n)));
    assert.ok((await open()) >= 1, 'kept alive after the reads');
    c.dispose();
    for (let i = 0; i < 50 && (await open()) > 0; i++) await sleep(10);
    assert.strictEqual(await open(), 0);
  });
});
