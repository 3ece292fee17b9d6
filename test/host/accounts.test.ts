/**
 * Accounts through the commands' plain-object arguments: sign-in against the emulator for both
 * services, the token only in SecretStorage (proved by behaviour: listing works after adding, and
 * the token shows up nowhere in the API's data), re-adding updates, bad tokens store nothing,
 * Update Token checks the user, Remove Account forgets everything.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { Account } from '../../src/core/model';
import { addScAccount, addTinesAccount, extensionApi, refresh, rejects, useHostEmulator, user } from './helpers';

describe('host: accounts', function () {
  this.timeout(60_000);
  const emu = useHostEmulator({ seed: 3 });

  it('adds a SelfCommunity account from plain arguments, without UI, and lists with the stored token', async () => {
    const api = await extensionApi();
    const account = await addScAccount(emu());
    const alice = user(emu());
    assert.strictEqual(account.service, 'selfcommunity');
    assert.strictEqual(account.userId, String(alice.scUserId));
    assert.deepStrictEqual(
      api.accounts().map((a) => a.id),
      [account.id],
    );
    // The listing reads the token back from SecretStorage for every request: a full listing that
    // matches the server proves the round trip.
    await refresh(account.id);
    assert.strictEqual(api.testing.loadState(account.id).status, 'loaded');
    assert.strictEqual(api.reactions(account.id).length, emu().sc.votesOf('alice').length);
    const authorized = emu().requests.filter((r) => r.server === 'selfcommunity' && r.user === 'alice');
    assert.ok(authorized.length > 3, "requests were sent with alice's token");
  });

  it('adds a Tines account (email resolved to the user id) next to it', async () => {
    const api = await extensionApi();
    const account = await addTinesAccount(emu());
    assert.strictEqual(account.service, 'tines');
    assert.strictEqual(account.userId, String(user(emu()).tinesUserId));
    assert.strictEqual(api.accounts().length, 2);
    await refresh(account.id);
    assert.strictEqual(api.reactions(account.id).length, emu().tines.reactionsOf('alice').length);
  });

  it('keeps tokens out of everything the API exposes', async () => {
    const api = await extensionApi();
    const text = JSON.stringify({ accounts: api.accounts(), reactions: api.reactions() });
    for (const u of emu().users) {
      assert.ok(!text.includes(u.scToken) && !text.includes(u.tinesToken), 'a token leaked into the API data');
    }
    for (const a of api.accounts()) {
      assert.deepStrictEqual(
        Object.keys(a)
          .sort()
          .filter((k) => !['id', 'service', 'baseUrl', 'userId', 'label', 'email'].includes(k)),
        [],
        'accounts carry only non-secret fields',
      );
    }
  });

  it("adding an account that exists replaces nothing unless asked to: alice again with bob's Tines key is refused", async () => {
    const api = await extensionApi();
    const before = api.accounts();
    const alice = user(emu());
    const tinesAccount = before.find((a) => a.service === 'tines')!;
    emu().clearLog();
    const e = await rejects('reactions.addAccount', {
      service: 'tines',
      baseUrl: emu().tinesUrl,
      token: user(emu(), 'bob').tinesToken,
      email: alice.email,
    });
    assert.match(e.message, /is already added; its key was not replaced\. Use "Update Token"/);
    assert.deepStrictEqual(api.accounts(), before);
    // the stored key is still alice's: her removal goes out with it
    const r = api.reactions(tinesAccount.id)[0];
    const done = await vscode.commands.executeCommand<{ removed: string[] }>('reactions.removeReaction', {
      reactionId: r.id,
    });
    assert.deepStrictEqual(done?.removed, [r.id]);
    const writes = emu().requests.filter((x) => x.method === 'POST' && x.server === 'tines');
    assert.ok(writes.length > 0 && writes.every((x) => x.user === 'alice'), "every write went out with alice's key");

    const again = await vscode.commands.executeCommand<Account>('reactions.addAccount', {
      service: 'selfcommunity',
      baseUrl: emu().selfcommunityUrl,
      token: alice.scToken,
      replace: true,
    });
    assert.deepStrictEqual(
      api
        .accounts()
        .map((a) => a.id)
        .sort(),
      before.map((a) => a.id).sort(),
      'replace: true updates the account instead of adding a second one',
    );
    assert.ok(api.accounts().some((a) => a.id === again.id));
  });

  it('a wrong token is refused with a clear message and nothing is stored', async () => {
    const api = await extensionApi();
    const before = api.accounts();
    const e = await rejects('reactions.addAccount', {
      service: 'selfcommunity',
      baseUrl: emu().selfcommunityUrl,
      token: 'wrong-token-123456',
    });
    assert.match(e.message, /rejected the token/);
    assert.ok(!e.message.includes('wrong-token-123456'), 'the token is not echoed');
    assert.deepStrictEqual(api.accounts(), before);

    const bob = user(emu(), 'bob');
    const e2 = await rejects('reactions.addAccount', {
      service: 'tines',
      baseUrl: emu().tinesUrl,
      token: bob.tinesToken,
      email: 'nobody@example.com',
    });
    assert.match(e2.message, /Personal API key/);
    assert.deepStrictEqual(api.accounts(), before);
  });

  it('refuses plain http to a non-loopback host and unknown services before any request', async () => {
    const api = await extensionApi();
    const before = api.accounts();
    emu().clearLog();
    const e = await rejects('reactions.addAccount', {
      service: 'selfcommunity',
      baseUrl: 'http://community.example.com',
      token: user(emu()).scToken,
    });
    assert.match(e.message, /https/);
    const e2 = await rejects('reactions.addAccount', {
      service: 'mastodon',
      baseUrl: emu().selfcommunityUrl,
      token: 'x-token',
    });
    assert.match(e2.message, /Unknown service/);
    const e3 = await rejects('reactions.addAccount', { service: 'selfcommunity' });
    assert.match(e3.message, /baseUrl/);
    assert.deepStrictEqual(api.accounts(), before);
    assert.strictEqual(emu().requests.length, 0, 'nothing was sent');
  });

  it('refuses a mistyped address (htp:/x, http//x, ftp://x, x y) naming the problem, with no request sent', async () => {
    const api = await extensionApi();
    const before = api.accounts();
    emu().clearLog();
    const cases: Array<[string, RegExp]> = [
      ['htp:/x', /"htp:" must be followed by "\/\/"/],
      ['http//x', /colon is missing/],
      ['ftp://x', /"ftp:" is not supported/],
      ['x y', /contains a space/],
    ];
    for (const [baseUrl, message] of cases) {
      for (const service of ['selfcommunity', 'tines']) {
        const e = await rejects('reactions.addAccount', {
          service,
          baseUrl,
          token: user(emu()).scToken,
          email: user(emu()).email,
        });
        assert.match(e.message, message, `${service} ${baseUrl}`);
        assert.doesNotMatch(e.message, /network/i, 'the address is named, not the network');
      }
    }
    assert.deepStrictEqual(api.accounts(), before);
    assert.strictEqual(emu().requests.length, 0, 'nothing was sent');
  });

  it("Update Token accepts a token of the same user and refuses another user's", async () => {
    const api = await extensionApi();
    const sc = api.accounts().find((a) => a.service === 'selfcommunity')!;
    const e = await rejects('reactions.updateToken', { accountId: sc.id, token: user(emu(), 'bob').scToken });
    assert.match(e.message, /belongs to another user/);
    const updated = await vscode.commands.executeCommand<Account>('reactions.updateToken', {
      accountId: sc.id,
      token: user(emu()).scToken,
    });
    assert.strictEqual(updated?.id, sc.id);
    const bad = await rejects('reactions.updateToken', { accountId: sc.id, token: 'not-valid-token-9' });
    assert.match(bad.message, /rejected/);
    // The stored token still works.
    await refresh(sc.id);
    assert.strictEqual(api.testing.loadState(sc.id).status, 'loaded');
  });

  it('a token rejected later shows as an error node (with Update Token), not a crash', async () => {
    const api = await extensionApi();
    const sc = api.accounts().find((a) => a.service === 'selfcommunity')!;
    const count = api.reactions(sc.id).length;
    const fault = emu().fault({ server: 'selfcommunity', path: '/api/v2/status/', status: 401 });
    await refresh(sc.id);
    fault.remove();
    const state = api.testing.loadState(sc.id);
    assert.strictEqual(state.status, 'error');
    assert.strictEqual(state.errorKind, 'auth');
    assert.strictEqual(api.reactions(sc.id).length, count, 'what was listed before stays');
    const root = await api.testing.tree.getChildren();
    const accountNode = root!.find((n) => n.getTreeItem().id === `account/${sc.id}`)!;
    const first = accountNode.getChildren()[0].getTreeItem();
    assert.match(String(first.contextValue), /^error\b.*\bauth\b/);
    assert.strictEqual(first.command?.command, 'reactions.updateToken');
    // A user-started refresh offers ONE re-auth prompt; another failure while it shows adds none.
    assert.strictEqual(api.testing.isReauthPending(sc.id), true);
    await refresh(sc.id);
    assert.strictEqual(api.testing.loadState(sc.id).status, 'loaded', 'works again once the server accepts the token');
  });

  it('Remove Account forgets the account, its token and its reactions', async () => {
    const api = await extensionApi();
    const tines = api.accounts().find((a) => a.service === 'tines')!;
    const removed = await vscode.commands.executeCommand<boolean>('reactions.removeAccount', {
      accountId: tines.id,
      confirm: false,
    });
    assert.strictEqual(removed, true);
    assert.ok(!api.accounts().some((a) => a.id === tines.id));
    assert.strictEqual(api.reactions(tines.id).length, 0);
    // With the token gone, Update Token without one has no account to act on.
    const e = await rejects('reactions.refresh', { accountId: tines.id });
    assert.match(e.message, /No account/);
  });
});
