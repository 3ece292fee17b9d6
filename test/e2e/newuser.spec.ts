/**
 * Issue 26, "as a new user sees it", in the real workbench (packaged .vsix in code-server, Chromium):
 * the view title at the default width, Refresh with no account, strict checks at the URL step (no
 * request sent), no stale 401 after Back, rows with a date and the kind first, accounts naming their
 * service, the Group and Sort picker with the current choice checked, and Group by When by month and
 * year. Screenshots in test-results/e2e/newuser-*.png.
 */
import * as assert from 'assert';
import { useWorkbench, type Workbench } from './harness';

const widget = (w: Workbench) => w.page.locator('.quick-input-widget');

async function addSc(w: Workbench): Promise<void> {
  await w.runCommand('Reactions: Add Account');
  await w.pickQuickItem(/SelfCommunity.*paste an access token/);
  await w.answerQuickInput(w.emulator.selfcommunityUrl, { expectPrompt: /address of the SelfCommunity site/ });
  await widget(w)
    .filter({ hasText: /OAuth access token/ })
    .waitFor({ state: 'visible', timeout: 20_000 });
  const token = w.emulator.users.find((u) => u.name === 'alice')!.scToken;
  await widget(w).locator('input[type=password]').fill(token);
  await widget(w).locator('input[type=password]').press('Enter');
  await w.notification(/Added alice @/).waitFor({ state: 'visible', timeout: 60_000 });
}

/** Scrolls the tree back to its first row (the account rows), which a long listing pushed out of view. */
async function toTop(w: Workbench): Promise<void> {
  await w.page.locator('.part.sidebar .monaco-list').first().focus();
  await w.page.keyboard.press('Home');
  await w.page.waitForTimeout(300);
}

describe('E2E: as a new user sees it', () => {
  const wb = useWorkbench({ emulator: { seed: 3 }, sideBarWidth: 0 });

  it('the view title is not cut at the default width; Refresh with no account says so', async () => {
    const w = wb();
    await w.openReactions();
    const title = (await w.page.locator('.part.sidebar .composite.title .title-label').first().innerText()).trim();
    assert.strictEqual(title.toUpperCase(), 'MY REACTIONS', 'one short title, not "Reactions: My React…"');
    await w.runCommand('Reactions: Refresh');
    await w.notification(/no account to refresh yet/).waitFor({ state: 'visible', timeout: 20_000 });
    await w.screenshot('newuser-01-title-and-refresh-without-account');
  });

  it('the URL step refuses htp:/x, http//x, ftp://x and "x y", naming the problem, and sends nothing', async () => {
    const w = wb();
    w.emulator.clearLog();
    await w.runCommand('Reactions: Add Account');
    await w.pickQuickItem(/SelfCommunity.*paste an access token/);
    await widget(w)
      .filter({ hasText: /https:\/\/…, or http:\/\/ for localhost only/ })
      .waitFor();
    const input = widget(w).locator('.quick-input-box input').first();
    const cases: Array<[string, RegExp, string]> = [
      ['htp:/x', /"htp:" must be followed by "\/\/"/, 'scheme'],
      ['http//x', /colon is missing/, 'colon'],
      ['ftp://x', /"ftp:" is not supported/, 'ftp'],
      ['x y', /contains a space/, 'space'],
    ];
    for (const [typed, message, name] of cases) {
      await input.fill(typed);
      await input.press('Enter');
      await widget(w).filter({ hasText: message }).waitFor({ state: 'visible', timeout: 10_000 });
      assert.ok(
        await widget(w)
          .filter({ hasText: /Add Reactions Account \(2\/3\)/ })
          .isVisible(),
        'still the URL step',
      );
      assert.strictEqual(await input.inputValue(), typed, 'what was typed is kept');
      await w.screenshot(`newuser-02-url-${name}`);
    }
    assert.strictEqual(w.emulator.requests.length, 0, 'no request was sent');
  });

  it('a 401 on the token step is gone once Back changes the address', async () => {
    const w = wb();
    const input = widget(w).locator('.quick-input-box input').first();
    await input.fill(w.emulator.selfcommunityUrl);
    await input.press('Enter');
    await widget(w).locator('input[type=password]').waitFor({ state: 'visible', timeout: 20_000 });
    await widget(w).locator('input[type=password]').fill('not-a-real-token-1234567890');
    await widget(w).locator('input[type=password]').press('Enter');
    const stale = /401|rejected/i;
    await widget(w).filter({ hasText: stale }).waitFor({ state: 'visible', timeout: 30_000 });
    await w.screenshot('newuser-03-token-401');
    await widget(w).getByRole('button', { name: 'Back' }).click();
    await widget(w)
      .filter({ hasText: /address of the SelfCommunity site/ })
      .waitFor();
    await input.fill('http://127.0.0.1:9');
    await input.press('Enter');
    await widget(w)
      .filter({ hasText: /OAuth access token/ })
      .waitFor({ state: 'visible', timeout: 20_000 });
    await w.page.waitForTimeout(500);
    assert.strictEqual(await widget(w).filter({ hasText: stale }).count(), 0, 'no stale 401 for another address');
    await w.screenshot('newuser-04-no-stale-401-after-back');
    await w.page.keyboard.press('Escape');
  });

  it('rows show a date and the kind first; accounts name their service', async () => {
    const w = wb();
    await addSc(w);
    await w.addTinesAccount();
    await w.resizeSideBar(520);
    await toTop(w);
    const descriptions = await w.page
      .locator('.part.sidebar .monaco-list-row .label-description')
      .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    assert.ok(
      descriptions.some((d) => /^(\d+ (min|h|d)|[A-Z][a-z]{2} \d{4})\b/.test(d)),
      `dates in descriptions: ${descriptions.slice(0, 8).join(' | ')}`,
    );
    const labels = await w.page
      .locator('.part.sidebar .monaco-list-row .label-name')
      .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    assert.ok(!labels.some((l) => /\*\*|`/.test(l)), 'no markdown in labels');
    for (const service of ['SelfCommunity', 'Tines']) {
      const row = await w.findTreeItem(new RegExp(`^${service} account `));
      const label = await row.locator('.label-name').innerText();
      assert.ok(label.startsWith(`${service}: `), `the ${service} account row says so: ${label}`);
    }
    await w.screenshot('newuser-05-rows-dates-kind-first');
  });

  it('Group and Sort shows the current choice checked; by date gives months and one group per year', async () => {
    const w = wb();
    await w.page
      .locator('.part.sidebar .title-actions')
      .getByRole('button', { name: /Group and Sort/ })
      .click();
    const current = widget(w).locator('.monaco-list-row', { hasText: 'current' });
    await current.first().waitFor({ state: 'visible', timeout: 10_000 });
    assert.strictEqual(await current.count(), 2, 'the grouping and the order in use are checked');
    assert.ok(
      await widget(w)
        .locator('.monaco-list-row', { hasText: /By place.*current/ })
        .isVisible(),
    );
    await w.screenshot('newuser-06-group-sort-checked');
    await w.pickQuickItem(/By date/);
    await toTop(w);
    await w.findTreeItem(/^20\d\d: \d+ reactions$/);
    await w.screenshot('newuser-07-grouped-by-month-and-year');
    await w.page
      .locator('.part.sidebar .title-actions')
      .getByRole('button', { name: /Group and Sort/ })
      .click();
    await widget(w)
      .locator('.monaco-list-row', { hasText: /By date.*current/ })
      .waitFor({ state: 'visible' });
    await w.screenshot('newuser-08-group-sort-checked-by-date');
    await w.page.keyboard.press('Escape');
  });
});
