/**
 * What other extensions get from the "SelfCommunity" authentication provider (VS Code's Accounts API):
 * a browser sign-in only for scopes its grant covers, a pasted token only after the opt-in setting —
 * and the test hooks exist only in Development/Test mode, whatever the environment says.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { Account } from '../../src/core/model';
import { testHooksEnabled } from '../../src/ui/api';
import { chooseRedirect } from '../../src/ui/auth/browserCallback';
import { consent } from '../emulator/consent';
import { addScAccount, extensionApi, useHostEmulator, user, waitFor } from './helpers';

const OPT_IN = 'offerPastedAccountsToExtensions';

describe('host: the SelfCommunity authentication provider', function () {
  this.timeout(60_000);
  const emu = useHostEmulator({ seed: 6 });
  let oauth: Account;
  let pasted: Account;

  before(async () => {
    const api = await extensionApi();
    api.testing.setBrowser(async (url) => {
      const back = await consent(url, { user: 'alice' });
      await api.testing.deliverCallback(back.searchParams.toString());
      return true;
    });
    oauth = await vscode.commands.executeCommand<Account>('reactions.signInSelfCommunity', {
      baseUrl: emu().selfcommunityUrl,
      clientId: emu().oauth.clientId,
    });
    pasted = await addScAccount(emu(), 'bob');
  });
  after(async () => {
    (await extensionApi()).testing.setBrowser(undefined);
    await vscode.workspace.getConfiguration('reactions').update(OPT_IN, undefined, vscode.ConfigurationTarget.Global);
  });

  const labels = async () => (await vscode.authentication.getAccounts('selfcommunity')).map((a) => a.label).sort();

  const sessions = async (scopes?: string[]) => (await extensionApi()).testing.authSessions(scopes);

  it('a browser sign-in is given for scopes its grant covers ("read"), not for others ("admin")', async () => {
    const read = await sessions(['read']);
    assert.deepStrictEqual(
      read.map((s) => s.account.label),
      [oauth.label],
    );
    assert.deepStrictEqual([...read[0].scopes].sort(), ['read', 'write']);
    assert.ok(
      emu().oauth.activeAccessTokens('alice').includes(read[0].accessToken),
      'the token the community issued to the sign-in',
    );
    assert.deepStrictEqual(await sessions(['admin']), [], 'no session for a scope the community did not grant');
    assert.deepStrictEqual(await sessions(['read', 'admin']), [], 'every scope asked must be granted');
  });

  it('a pasted token is not offered to other extensions, nor listed, until the opt-in setting is on', async () => {
    assert.deepStrictEqual(await labels(), [oauth.label]);
    for (const scopes of [undefined, [], ['read']]) {
      const offered = await sessions(scopes);
      assert.deepStrictEqual(
        offered.map((s) => s.account.label),
        [oauth.label],
        `scopes ${JSON.stringify(scopes)}`,
      );
      assert.ok(!offered.some((s) => s.accessToken === user(emu(), 'bob').scToken));
    }

    await vscode.workspace.getConfiguration('reactions').update(OPT_IN, true, vscode.ConfigurationTarget.Global);
    await waitFor('the pasted account to be listed', async () => (await labels()).includes(pasted.label));
    assert.deepStrictEqual(await labels(), [oauth.label, pasted.label].sort());
    const withPasted = await sessions(['read']);
    assert.ok(withPasted.some((s) => s.account.label === pasted.label && s.accessToken === user(emu(), 'bob').scToken));

    await vscode.workspace.getConfiguration('reactions').update(OPT_IN, undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the pasted account to go again', async () => !(await labels()).includes(pasted.label));
  });

  it('test hooks: on in Test and Development mode, off in Production even with REACTIONS_EMULATOR set', async () => {
    assert.ok(process.env.REACTIONS_EMULATOR, 'this host runs with REACTIONS_EMULATOR set');
    process.env.REACTIONS_TEST_HOOKS = '1';
    try {
      assert.strictEqual(testHooksEnabled(vscode.ExtensionMode.Production), false);
      assert.strictEqual(testHooksEnabled(vscode.ExtensionMode.Test), true);
      assert.strictEqual(testHooksEnabled(vscode.ExtensionMode.Development), true);
    } finally {
      delete process.env.REACTIONS_TEST_HOOKS;
    }
    // This run is in Test mode, so the extension did expose them.
    assert.ok((await extensionApi()).testing);
  });
});

describe('host: where the browser comes back after the consent page', () => {
  it('loopback only for a desktop UI on this machine; remote, browser-hosted or the vscode:// choice use VS Code’s callback', () => {
    const { Desktop, Web } = vscode.UIKind;
    assert.strictEqual(chooseRedirect({ uiKind: Desktop, remoteName: undefined }, 'auto'), 'loopback');
    assert.strictEqual(chooseRedirect({ uiKind: Desktop, remoteName: undefined }, undefined), 'loopback');
    assert.strictEqual(chooseRedirect({ uiKind: Desktop, remoteName: 'ssh-remote' }, 'auto'), 'editor');
    assert.strictEqual(chooseRedirect({ uiKind: Web, remoteName: undefined }, 'auto'), 'editor');
    assert.strictEqual(chooseRedirect({ uiKind: Desktop, remoteName: undefined }, 'vscode'), 'editor');
  });
});
