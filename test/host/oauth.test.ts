/**
 * The OAuth sign-in inside a real extension host (code-server): the command opens the "browser" (a
 * test stand-in that approves on the emulator's consent page and hands the redirect to the URI
 * handler, as the workbench does after a real browser came back), the tokens land in SecretStorage
 * only, renewal works inside the extension, a dead sign-in asks once, sign-out revokes, and the
 * Accounts menu provider lists the sign-in.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { Account } from '../../src/core/model';
import { consent } from '../emulator/consent';
import { extensionApi, refresh, rejects, scTruth, useHostEmulator, waitFor } from './helpers';

const TOKEN = /\/oauth\/token\/$/;

describe('host: OAuth sign-in', function () {
  this.timeout(60_000);
  const emu = useHostEmulator({ seed: 4 });
  let account: Account;

  /** The browser: approve as `user` (or deny, or come back with a forged state). */
  async function useBrowser(
    options: { user?: string; decision?: 'Authorize' | 'Deny'; forgeState?: boolean } = {},
  ): Promise<{ urls: string[] }> {
    const api = await extensionApi();
    const urls: string[] = [];
    api.testing.setBrowser(async (url) => {
      urls.push(url);
      const back = await consent(url, { user: options.user, decision: options.decision });
      if (options.forgeState) back.searchParams.set('state', 'forged-state-from-another-page');
      await api.testing.deliverCallback(back.searchParams.toString());
      return true;
    });
    return { urls };
  }

  after(async () => (await extensionApi()).testing.setBrowser(undefined));

  /** Counts the "Sign In Again" prompts shown for an account until stop(). */
  function countPrompts(api: Awaited<ReturnType<typeof extensionApi>>, accountId: string): { stop(): number } {
    let n = 0;
    const sub = api.testing.onDidPromptReauth((a) => (n += a.id === accountId ? 1 : 0));
    return {
      stop: () => {
        sub.dispose();
        return n;
      },
    };
  }

  it('signs in through the browser and lists the reactions of the person who approved', async () => {
    const api = await extensionApi();
    const browser = await useBrowser({ user: 'alice' });
    account = await vscode.commands.executeCommand<Account>('reactions.signInSelfCommunity', {
      baseUrl: emu().selfcommunityUrl,
      clientId: emu().oauth.clientId,
    });
    assert.strictEqual(account.userId, String(emu().users[0].scUserId));
    assert.strictEqual(account.oauthClientId, emu().oauth.clientId);
    // The consent page was asked with PKCE and the callback URI from env.asExternalUri.
    const asked = new URL(browser.urls[0]);
    assert.strictEqual(asked.searchParams.get('code_challenge_method'), 'S256');
    // Each asExternalUri call numbers its callback (vscode-reqid); the rest is the same address.
    const withoutId = (u: string) => u.replace(/vscode-reqid=\d+&?/, '');
    assert.strictEqual(withoutId(asked.searchParams.get('redirect_uri')!), withoutId(await api.testing.callbackUri()));
    assert.ok(!api.testing.isSignInWaiting());
    await refresh(account.id);
    assert.strictEqual(api.testing.loadState(account.id).status, 'loaded');
    assert.deepStrictEqual(
      api
        .reactions(account.id)
        .map((r) => `${r.target.type}:${r.target.id}`)
        .sort(),
      [...scTruth(emu()).keys()].sort(),
    );
  });

  it('lists the sign-in in the Accounts menu provider', async () => {
    const accounts = await vscode.authentication.getAccounts('selfcommunity');
    assert.deepStrictEqual(
      accounts.map((a) => a.label),
      [account.label],
    );
  });

  it('keeps tokens out of settings, state the API exposes, and the cache file', async () => {
    const api = await extensionApi();
    await api.testing.flushCache();
    const tokens = [...emu().oauth.activeAccessTokens('alice'), ...emu().oauth.activeRefreshTokens('alice')];
    assert.ok(tokens.length >= 2);
    const texts = [
      JSON.stringify(vscode.workspace.getConfiguration('reactions')),
      JSON.stringify(api.accounts()),
      JSON.stringify(api.reactions()),
      fs.existsSync(api.testing.cacheFile(account.id))
        ? fs.readFileSync(api.testing.cacheFile(account.id), 'utf8')
        : '',
    ];
    for (const t of tokens) for (const text of texts) assert.ok(!text.includes(t), 'a token leaked');
  });

  it('renews the token inside the extension when the server ends it early: one refresh, listing unaffected', async () => {
    const api = await extensionApi();
    const prompts = countPrompts(api, account.id);
    const old = emu().oauth.activeAccessTokens('alice');
    emu().oauth.expireAccessTokens('alice');
    emu().clearLog();
    await refresh(account.id);
    assert.strictEqual(api.testing.loadState(account.id).status, 'loaded');
    assert.strictEqual(emu().requests.filter((r) => r.method === 'POST' && TOKEN.test(r.path)).length, 1);
    assert.ok(
      !emu()
        .oauth.activeAccessTokens('alice')
        .some((t) => old.includes(t)),
      'a new access token is in use',
    );
    assert.strictEqual(prompts.stop(), 0, 'no prompt when renewal works');
  });

  it('a wrong state ends the sign-in with a message and stores nothing', async () => {
    const api = await extensionApi();
    await useBrowser({ user: 'bob', forgeState: true });
    emu().clearLog();
    const e = await rejects('reactions.signInSelfCommunity', {
      baseUrl: emu().selfcommunityUrl,
      clientId: emu().oauth.clientId,
    });
    assert.match(e.message, /did not match.*nothing was stored/);
    assert.deepStrictEqual(
      api.accounts().map((a) => a.id),
      [account.id],
      'no account added',
    );
    assert.strictEqual(emu().requests.filter((r) => TOKEN.test(r.path)).length, 0, 'the code was never exchanged');
    assert.ok(!api.testing.isSignInWaiting());
  });

  it('Deny in the browser ends the sign-in as cancelled and stores nothing', async () => {
    const api = await extensionApi();
    await useBrowser({ user: 'bob', decision: 'Deny' });
    const e = await rejects('reactions.signInSelfCommunity', {
      baseUrl: emu().selfcommunityUrl,
      clientId: emu().oauth.clientId,
    });
    assert.match(e.message, /denied/);
    assert.strictEqual(api.accounts().length, 1);
  });

  it('a community that refuses PKCE: the consent page is asked again without it, and the sign-in completes', async () => {
    const api = await extensionApi();
    emu().oauth.setPkce('refused');
    try {
      const browser = await useBrowser({ user: 'alice' });
      const again = await vscode.commands.executeCommand<Account>('reactions.signInSelfCommunity', {
        baseUrl: emu().selfcommunityUrl,
        clientId: emu().oauth.clientId,
      });
      assert.strictEqual(again.id, account.id);
      assert.strictEqual(browser.urls.length, 2, 'the browser opened twice');
      assert.ok(new URL(browser.urls[0]).searchParams.has('code_challenge'));
      assert.ok(!new URL(browser.urls[1]).searchParams.has('code_challenge'), 'the second time without PKCE');
      assert.strictEqual(api.accounts().length, 1);
    } finally {
      emu().oauth.setPkce('optional');
    }
  });

  it('a browser that cannot be opened, or an answer nobody waits for, stores nothing', async () => {
    const api = await extensionApi();
    api.testing.setBrowser(async () => false);
    const e = await rejects('reactions.signInSelfCommunity', {
      baseUrl: emu().selfcommunityUrl,
      clientId: emu().oauth.clientId,
    });
    assert.match(e.message, /browser was not opened; nothing was stored/);
    assert.ok(!api.testing.isSignInWaiting());
    emu().clearLog();
    await api.testing.deliverCallback('code=stray-code-123&state=nobody-asked');
    assert.strictEqual(api.accounts().length, 1);
    assert.strictEqual(emu().requests.length, 0, 'a stray answer sends nothing');
  });

  it('when renewal fails for good: one "Sign In Again" prompt and one refresh attempt, however many requests failed', async () => {
    const api = await extensionApi();
    const prompts = countPrompts(api, account.id);
    emu().oauth.revokeRefreshTokens('alice');
    emu().oauth.expireAccessTokens('alice');
    emu().clearLog();
    const count = api.reactions(account.id).length;
    await refresh(account.id);
    await refresh(account.id);
    const state = api.testing.loadState(account.id);
    assert.strictEqual(state.errorKind, 'auth');
    assert.match(state.error ?? '', /Sign in again/);
    assert.strictEqual(api.reactions(account.id).length, count, 'what was listed stays');
    assert.strictEqual(prompts.stop(), 1, 'one prompt');
    assert.strictEqual(
      emu().requests.filter((r) => TOKEN.test(r.path)).length,
      1,
      'the dead refresh token was sent once',
    );
    const root = await api.testing.tree.getChildren();
    const node = root!.find((n) => n.getTreeItem().id === `account/${account.id}`)!;
    const item = (node.getChildren() as Array<{ getTreeItem(): vscode.TreeItem }>)[0].getTreeItem();
    assert.match(String(item.label), /sign in again/i);
  });

  it('signing in again as the same person replaces the tokens and the account works again', async () => {
    const api = await extensionApi();
    await useBrowser({ user: 'alice' });
    const again = await vscode.commands.executeCommand<Account>('reactions.signInSelfCommunity', {
      baseUrl: emu().selfcommunityUrl,
      clientId: emu().oauth.clientId,
    });
    assert.strictEqual(again.id, account.id);
    assert.strictEqual(api.accounts().length, 1);
    await refresh(account.id);
    assert.strictEqual(api.testing.loadState(account.id).status, 'loaded');
  });

  it('Remove Account signs out: the tokens are revoked on the community and the session is gone', async () => {
    const api = await extensionApi();
    const live = emu().oauth.activeAccessTokens('alice');
    assert.ok(live.length > 0);
    emu().clearLog();
    await vscode.commands.executeCommand('reactions.removeAccount', { accountId: account.id, confirm: false });
    const revokes = emu().requests.filter((r) => r.method === 'POST' && /\/oauth\/revoke_token\/$/.test(r.path));
    assert.strictEqual(revokes.length, 2, 'refresh and access token revoked');
    assert.deepStrictEqual(emu().oauth.activeAccessTokens('alice'), []);
    assert.deepStrictEqual(emu().oauth.activeRefreshTokens('alice'), []);
    assert.strictEqual(api.accounts().length, 0);
    await waitFor(
      'the Accounts menu entry to go',
      async () => (await vscode.authentication.getAccounts('selfcommunity')).length === 0,
    );
  });

  it('sign-out still completes when the community cannot be reached to revoke', async () => {
    const api = await extensionApi();
    await useBrowser({ user: 'carol' });
    const carol = await vscode.commands.executeCommand<Account>('reactions.signInSelfCommunity', {
      baseUrl: emu().selfcommunityUrl,
      clientId: emu().oauth.clientId,
    });
    emu().fault({ method: 'POST', path: /\/oauth\/revoke_token\/$/, status: 503 });
    await vscode.commands.executeCommand('reactions.removeAccount', { accountId: carol.id, confirm: false });
    assert.ok(!api.accounts().some((a) => a.id === carol.id), 'the account is removed anyway');
    assert.ok((await vscode.authentication.getAccounts('selfcommunity')).every((a) => a.label !== carol.label));
  });

  it('Update Token with a pasted token over a browser sign-in revokes the old sign-in on the community first', async () => {
    const api = await extensionApi();
    await useBrowser({ user: 'bob' });
    const bob = await vscode.commands.executeCommand<Account>('reactions.signInSelfCommunity', {
      baseUrl: emu().selfcommunityUrl,
      clientId: emu().oauth.clientId,
    });
    const refreshTokens = emu().oauth.activeRefreshTokens('bob');
    assert.strictEqual(refreshTokens.length, 1, 'the browser sign-in holds a refresh token');
    assert.ok(emu().oauth.activeAccessTokens('bob').length > 0);
    emu().clearLog();
    const updated = await vscode.commands.executeCommand<Account>('reactions.updateToken', {
      accountId: bob.id,
      token: emu().users.find((u) => u.name === 'bob')!.scToken,
    });
    assert.strictEqual(updated.id, bob.id);
    assert.strictEqual(updated.oauthClientId, undefined, 'no longer a browser sign-in');
    const revokes = emu().requests.filter((r) => r.method === 'POST' && /\/oauth\/revoke_token\/$/.test(r.path));
    assert.strictEqual(revokes.length, 2, 'refresh and access token revoked');
    assert.deepStrictEqual(emu().oauth.activeRefreshTokens('bob'), [], 'the old refresh token is revoked');
    assert.deepStrictEqual(emu().oauth.activeAccessTokens('bob'), [], 'the old access token is revoked');
    await refresh(bob.id);
    assert.strictEqual(api.testing.loadState(bob.id).status, 'loaded', 'the pasted token works');
    await vscode.commands.executeCommand('reactions.removeAccount', { accountId: bob.id, confirm: false });
  });
});
