import * as assert from 'assert';
import { tines, TINES_KINDS } from '../../src/core/services/tines';
import type { AccountService } from '../../src/core/services/service';
import type { Reaction } from '../../src/core/model';
import type { Emulator } from '../emulator';
import {
  assertNoToken,
  collect,
  fastOptions,
  reactionKeys,
  rejectsKind,
  requestsTo,
  truthKeys,
  useEmulator,
} from '../support';

const alice = (emu: Emulator) => emu.users.find((u) => u.name === 'alice')!;
const key = (caseId: string | number, commentId: string | number, value: string) => `${caseId}/${commentId}/${value}`;

async function connectAlice(emu: Emulator, options = fastOptions()): Promise<AccountService> {
  const a = alice(emu);
  const account = await tines.signIn({ baseUrl: emu.tinesUrl, token: a.tinesToken, email: a.email }, options);
  return tines.connect(account, () => a.tinesToken, options);
}

describe('Tines: sign-in', () => {
  const emu = useEmulator();

  it('resolves the user id from the email through teams and members', async () => {
    const a = alice(emu());
    const account = await tines.signIn(
      { baseUrl: emu().tinesUrl, token: a.tinesToken, email: a.email.toUpperCase() },
      fastOptions(),
    );
    assert.strictEqual(account.userId, String(a.tinesUserId));
    assert.strictEqual(account.service, 'tines');
    assert.match(account.label, /@ 127\.0\.0\.1:\d+$/);
    assert.ok(requestsTo(emu(), 'GET', /\/api\/v1\/info$/).length >= 1, 'the key is checked with /api/v1/info');
  });

  it("a numeric user id is used as given (trimmed, no member lookup) and lists that user's reactions", async () => {
    const a = alice(emu());
    const options = fastOptions();
    emu().clearLog();
    const account = await tines.signIn(
      { baseUrl: emu().tinesUrl, token: a.tinesToken, userId: `  ${a.tinesUserId} ` },
      options,
    );
    assert.strictEqual(account.userId, String(a.tinesUserId));
    assert.strictEqual(account.label, `user ${a.tinesUserId} @ ${new URL(emu().tinesUrl).host}`);
    assert.deepStrictEqual(
      emu().requests.map((r) => `${r.method} ${r.path}`),
      ['GET /api/v1/info'],
      'the key is checked; no team or member is looked up',
    );
    const listed = await collect(tines.connect(account, () => a.tinesToken, options).listReactions());
    assert.deepStrictEqual(reactionKeys('tines', listed.items), truthKeys(emu(), 'tines', 'alice'));
  });

  it('an email nobody has gets a message that explains Personal keys', async () => {
    const a = alice(emu());
    const e = await rejectsKind(
      () => tines.signIn({ baseUrl: emu().tinesUrl, token: a.tinesToken, email: 'nobody@example.com' }, fastOptions()),
      'invalid-input',
    );
    assert.match(e.message, /Personal API key/);
  });

  it('a non-personal (service) key finds no user and says why', async () => {
    const e = await rejectsKind(
      () =>
        tines.signIn(
          { baseUrl: emu().tinesUrl, token: emu().tinesServiceKey, email: alice(emu()).email.replace('@', '+svc@') },
          fastOptions(),
        ),
      'invalid-input',
    );
    assert.match(e.message, /Personal API key/);
    assertNoToken(emu(), e);
  });

  it('a wrong key is an auth error naming the tenant and not the key', async () => {
    const logger = fastOptions();
    const e = await rejectsKind(
      () => tines.signIn({ baseUrl: emu().tinesUrl, token: 'bogus-key-0987654321', email: alice(emu()).email }, logger),
      'auth',
    );
    assert.match(e.message, /rejected the API key/);
    assert.ok(!e.message.includes('bogus-key-0987654321'));
    assert.ok(!logger.logger.lines.join('\n').includes('bogus-key-0987654321'));
  });

  it('bad input is refused before any request', async () => {
    emu().clearLog();
    const a = alice(emu());
    await rejectsKind(() => tines.signIn({ baseUrl: emu().tinesUrl, token: '', email: a.email }), 'invalid-input');
    await rejectsKind(() => tines.signIn({ baseUrl: emu().tinesUrl, token: a.tinesToken }), 'invalid-input');
    await rejectsKind(
      () => tines.signIn({ baseUrl: emu().tinesUrl, token: a.tinesToken, userId: 'abc' }),
      'invalid-input',
    );
    await rejectsKind(
      () => tines.signIn({ baseUrl: emu().tinesUrl, token: a.tinesToken, email: 'not-an-email' }),
      'invalid-input',
    );
    await rejectsKind(
      () => tines.signIn({ baseUrl: 'http://tenant.example.com', token: a.tinesToken, email: a.email }),
      'unsafe',
    );
    assert.strictEqual(emu().requests.length, 0);
  });

  it('the SelfCommunity URL is not taken for a Tines tenant: the message names the URL and says what is missing', async () => {
    const a = alice(emu());
    const options = fastOptions();
    emu().clearLog();
    const e = await rejectsKind(
      () => tines.signIn({ baseUrl: `${emu().selfcommunityUrl}/`, token: a.tinesToken, email: a.email }, options),
      'invalid-input',
    );
    assert.strictEqual(
      e.message,
      `No Tines API at ${emu().selfcommunityUrl} (/api/v1/info was not found). Check the tenant URL.`,
    );
    assert.deepStrictEqual(
      emu().requests.map((r) => `${r.server} ${r.method} ${r.path}`),
      ['selfcommunity GET /api/v1/info'],
      'one probe, then nothing else is tried with the key',
    );
    assertNoToken(emu(), e, options.logger.lines);
  });
});

describe('Tines: listing', () => {
  const emu = useEmulator({ seed: 21, tines: { cases: 30, commentsPerCase: 6, maxPerPage: 7 } });

  it('finds exactly the reactions whose reactants include the user, across every page of cases and comments', async () => {
    const service = await connectAlice(emu());
    emu().clearLog();
    const { items, batches } = await collect(service.listReactions());
    const truth = emu().tines.reactionsOf('alice');
    assert.ok(truth.length > 5);
    assert.deepStrictEqual(
      items.map((r) => key(r.target.parent!.id, r.target.id, r.kind.id)).sort(),
      truth.map((t) => key(t.caseId, t.commentId, t.value)).sort(),
    );
    assert.ok(batches > 1);
    assert.strictEqual(
      requestsTo(emu(), 'GET', /\/api\/v2\/cases$/).length,
      Math.ceil(30 / 7),
      'each page of cases read once',
    );
    for (const r of items) {
      assert.ok(TINES_KINDS.some((k) => k.id === r.kind.id));
      assert.ok(r.target.url?.startsWith(emu().tinesUrl), 'web link on the tenant');
      assert.ok(r.reactedAt);
    }
  });

  it('a cross-origin next_page is refused', async () => {
    const service = await connectAlice(emu());
    emu().fault({ method: 'GET', path: '/api/v2/cases', crossOriginNext: true });
    emu().otherOrigin.requests.length = 0;
    await rejectsKind(() => collect(service.listReactions()), 'unsafe');
    assert.strictEqual(emu().otherOrigin.requests.length, 0);
  });
});

describe('Tines: remove, restore, change', () => {
  const emu = useEmulator({ seed: 8 });
  let service: AccountService;
  let all: Reaction[];
  let n = 0;
  const has = (r: Reaction, value = r.kind.id) =>
    emu()
      .tines.reactionsOf('alice')
      .some(
        (t) => String(t.caseId) === r.target.parent!.id && String(t.commentId) === r.target.id && t.value === value,
      );

  before(async () => {
    service = await connectAlice(emu());
    all = (await collect(service.listReactions())).items;
  });
  // each test takes a reaction on a comment no earlier test touched
  const used = new Set<string>();
  const next = () => {
    for (; n < all.length; n++) {
      if (!used.has(all[n].target.id)) {
        used.add(all[n].target.id);
        return all[n++];
      }
    }
    throw new Error('seed has too few reactions');
  };

  it('removes with remove_reaction and the value, and the reaction is gone', async () => {
    const r = next();
    emu().clearLog();
    assert.strictEqual((await service.remove(r)).outcome, 'removed');
    assert.ok(!has(r));
    const posts = requestsTo(emu(), 'POST', /\/remove_reaction$/);
    assert.strictEqual(posts.length, 1);
    assert.deepStrictEqual(JSON.parse(posts[0].body!), { value: r.kind.id });
    assert.match(posts[0].headers['content-type'], /application\/json/);
  });

  it('restore (undo) adds it back with add_reaction', async () => {
    const r = next();
    await service.remove(r);
    await service.restore(r);
    assert.ok(has(r));
  });

  it('change adds the new value and removes the old one', async () => {
    const r = next();
    const to = TINES_KINDS.find((k) => k.id !== r.kind.id && !has(r, k.id))!;
    const changed = await service.change(r, to);
    assert.strictEqual(changed.kind.id, to.id);
    assert.ok(has(r, to.id));
    assert.ok(!has(r));
  });

  it('a half-done change (the removal fails) says so and loses nothing: both reactions remain', async () => {
    const r = next();
    const to = TINES_KINDS.find((k) => k.id !== r.kind.id && !has(r, k.id))!;
    emu().fault({ method: 'POST', path: /\/remove_reaction$/, status: 500, times: 1 });
    const e = await rejectsKind(() => service.change(r, to), 'conflict');
    assert.match(e.message, /Added .* but could not remove/);
    assert.ok(has(r) && has(r, to.id));
  });

  it('a comment deleted meanwhile is reported as target-deleted', async () => {
    const r = next();
    emu().tines.deleteComment(Number(r.target.parent!.id), Number(r.target.id));
    assert.strictEqual((await service.remove(r)).outcome, 'target-deleted');
  });

  it('422 for a value the tenant does not support carries the server message', async () => {
    const r = next();
    emu().fault({
      method: 'POST',
      path: /\/remove_reaction$/,
      status: 422,
      body: '["Value is not a supported reaction"]',
      times: 1,
    });
    const e = await rejectsKind(() => service.remove(r), 'client');
    assert.match(e.message, /not a supported reaction/);
    assert.ok(has(r), 'nothing lost');
  });

  it('401 while listing is an auth error, no token in it', async () => {
    const bad = tines.connect(service.account, () => 'revoked-key-1234567', fastOptions());
    const e = await rejectsKind(() => collect(bad.listReactions()), 'auth');
    assert.ok(!e.message.includes('revoked-key-1234567'));
  });
});
