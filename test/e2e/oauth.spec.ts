/**
 * The whole OAuth sign-in as a person does it, in the real workbench (code-server + Chromium): the
 * welcome button → community URL → client id (the redirect URI to register is shown) → the browser
 * opens the community's consent page in a new tab → Authorize → the tab lands on code-server's
 * callback page, which hands the answer to the extension's URI handler → the tree lists the user's
 * reactions. Then the Accounts menu shows the sign-in, and signing out there revokes it.
 */
import * as assert from 'assert';
import type { Page } from 'playwright-core';
import { scTruth } from '../support';
import { useWorkbench, type Workbench } from './harness';

/**
 * The tab the extension opens. VS Code may first ask whether to open the external site (link
 * protection): allow it, as a person would.
 */
async function consentTab(w: Workbench, opened: Promise<Page>): Promise<Page> {
  const dialog = w.page.locator('.monaco-dialog-box', { hasText: /open the external website/i });
  const asked = dialog.waitFor({ state: 'visible', timeout: 30_000 }).then(
    () => 'asked' as const,
    () => 'no dialog' as const,
  );
  const first = await Promise.race([opened, asked]);
  if (first === 'asked') {
    await w.screenshot('11a-open-external-site');
    await dialog.getByRole('button', { name: /^Open$/ }).click();
  }
  return opened;
}

describe('E2E: SelfCommunity sign-in in the browser (OAuth)', () => {
  // code-server opens localhost / 127.0.0.1 sites through its own /proxy/<port>/ route, re-encoding
  // the address (and with it the redirect_uri). A real community is not on loopback and opens as it
  // is; serving the emulator on 127.0.0.2 (loopback too, but not rewritten) makes it open directly.
  const wb = useWorkbench({ emulator: { host: '127.0.0.2' } });

  it('signs in through the consent page and the tree lists the reactions', async () => {
    const w = wb();
    const emu = w.emulator;
    await w.openReactions();
    const view = await w.waitForViewContent('My Reactions');
    await view.getByRole('button', { name: 'Sign in to SelfCommunity' }).click();
    await w.answerQuickInput(emu.selfcommunityUrl, { expectPrompt: /address of the SelfCommunity community/ });
    const clientStep = w.page
      .locator('.quick-input-widget')
      .filter({ hasText: /redirect URI http:\/\/127\.0\.0\.1:\d+\/[^ ?]*callback\)/ });
    await clientStep.waitFor({ state: 'visible', timeout: 20_000 });
    await w.screenshot('10-oauth-client-id-step');

    const popupPromise = w.page.context().waitForEvent('page', { timeout: 30_000 });
    await w.answerQuickInput(emu.oauth.clientId);
    const popup = await consentTab(w, popupPromise);
    await popup.waitForLoadState('domcontentloaded');
    assert.match(popup.url(), /\/oauth\/authorize\/\?response_type=code&client_id=/);
    await popup.locator('#approve').waitFor({ state: 'visible', timeout: 20_000 });
    await w.notification(/Waiting for you to authorize Reactions/).waitFor({ state: 'visible', timeout: 20_000 });
    await popup.screenshot({ path: 'test-results/e2e/11-oauth-consent-page.png' });
    await popup.locator('#approve').click();

    await w.notification(/Signed in as alice @/).waitFor({ state: 'visible', timeout: 30_000 });
    const votes = scTruth(emu, 'alice').size;
    await w.findTreeItem(new RegExp(`^SelfCommunity account alice @ .*, ${votes} reactions$`), 60_000);
    await w.findTreeItem(/ reaction on status: /);
    await w.page.bringToFront();
    await w.screenshot('12-oauth-signed-in-tree');
    const exchanges = emu.requests.filter(
      (r) => r.method === 'POST' && /\/oauth\/token\/$/.test(r.path) && r.status === 200,
    );
    assert.strictEqual(exchanges.length, 1, 'one code exchange');
    await popup.close().catch(() => {});
  });

  it('the Accounts menu lists the SelfCommunity sign-in, and Sign Out there revokes it', async () => {
    const w = wb();
    const emu = w.emulator;
    const accounts = w.page
      .locator('.part.activitybar')
      .getByRole('button', { name: /Accounts/ })
      .first();
    await accounts.click();
    const entry = w.page
      .locator('.monaco-menu')
      .getByRole('menuitem', { name: /alice @ .*\(SelfCommunity\)/ })
      .first();
    await entry.waitFor({ state: 'visible', timeout: 20_000 });
    await entry.hover();
    const signOut = w.page
      .locator('.monaco-menu')
      .getByRole('menuitem', { name: /Sign Out/ })
      .first();
    await signOut.waitFor({ state: 'visible', timeout: 10_000 });
    await w.page.waitForTimeout(400); // the menu fades in
    await w.screenshot('13-accounts-menu', { keepMouse: true });
    // A freshly opened workbench menu now and then ignores a synthetic click; the keyboard works.
    await signOut.hover();
    await w.page.keyboard.press('Enter');
    const confirm = w.page.locator('.monaco-dialog-box');
    await confirm.waitFor({ state: 'visible', timeout: 10_000 });
    await w.screenshot('14-accounts-sign-out-confirm');
    await confirm
      .getByRole('button', { name: /Sign Out/ })
      .first()
      .click();
    await w.treeItem(/^SelfCommunity account alice @/).waitFor({ state: 'detached', timeout: 20_000 });
    const revokes = emu.requests.filter((r) => r.method === 'POST' && /\/oauth\/revoke_token\/$/.test(r.path));
    assert.strictEqual(revokes.length, 2, 'the refresh and the access token were revoked');
    assert.deepStrictEqual(emu.oauth.activeAccessTokens('alice'), []);
  });

  it('Cancel while the browser is open ends the sign-in; approving in that tab afterwards stores nothing', async () => {
    const w = wb();
    const emu = w.emulator;
    await w.runCommand('Reactions: Sign in to SelfCommunity…');
    await w.answerQuickInput(emu.selfcommunityUrl, { expectPrompt: /address of the SelfCommunity community/ });
    const popupPromise = w.page.context().waitForEvent('page', { timeout: 30_000 });
    await w.answerQuickInput(emu.oauth.clientId, { expectPrompt: /client id of the OAuth app/ });
    const popup = await consentTab(w, popupPromise);
    await popup.locator('#approve').waitFor({ state: 'visible', timeout: 20_000 });
    await w.page.bringToFront();
    await w.clickNotificationButton(/Waiting for you to authorize Reactions/, 'Cancel');
    await w.notification(/Sign-in cancelled; nothing was stored/).waitFor({ state: 'visible', timeout: 20_000 });
    await w.screenshot('15-oauth-cancelled');

    emu.clearLog();
    await popup.bringToFront();
    await popup.locator('#approve').click();
    await w.page.bringToFront();
    await w.notification(/no sign-in is waiting for it/).waitFor({ state: 'visible', timeout: 20_000 });
    assert.strictEqual(
      emu.requests.filter((r) => /\/oauth\/token\/$/.test(r.path)).length,
      0,
      'the late code was never exchanged',
    );
    assert.strictEqual(await w.treeItem(/^SelfCommunity account/).count(), 0, 'no account');
    await popup.close().catch(() => {});
  });
});
