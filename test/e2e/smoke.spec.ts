/** The installed extension shows its container and its view in the real workbench. */
import * as assert from 'assert';
import { useWorkbench } from './harness';

describe('E2E smoke: the Reactions view container', () => {
  const wb = useWorkbench();

  it('opens from the activity bar and shows "My Reactions"', async () => {
    await wb().openReactions();
    const view = await wb().waitForViewContent('My Reactions');
    const file = await wb().screenshot('smoke-reactions-container');
    assert.ok(await view.isVisible(), 'the view "My Reactions" is not visible');
    assert.doesNotMatch(await view.innerText(), /no data provider/i, 'the view has no tree data provider');
    console.log(`      screenshot: ${file}`);
  });
});
