/**
 * The walkthrough follows the user: every step's completionEvents name a command, view or context key
 * that exists, and the real actions (adding an account, showing the view, running a clean-up rule,
 * Show Removed) set the context keys the steps wait for.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { addScAccount, EXTENSION_ID, extensionApi, removeAllAccounts, useHostEmulator } from './helpers';

interface Step {
  id: string;
  completionEvents: string[];
}

describe('host: walkthrough', function () {
  this.timeout(60_000);
  const emu = useHostEmulator({ seed: 3 });

  const manifest = () =>
    vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { walkthroughs: Array<{ steps: Step[] }>; views: Record<string, Array<{ id: string }>> };
    };
  const steps = () => manifest().contributes.walkthroughs[0].steps;
  const contextKeysOf = (id: string) =>
    steps()
      .find((s) => s.id === id)!
      .completionEvents.filter((e) => e.startsWith('onContext:'))
      .map((e) => e.slice('onContext:'.length));

  it('every completion event names an existing command or view, and every step waits for a context key', async () => {
    const commands = new Set(await vscode.commands.getCommands(true));
    const views = new Set(Object.values(manifest().contributes.views).flatMap((v) => v.map((x) => x.id)));
    for (const step of steps()) {
      assert.ok(step.completionEvents.length > 0, `${step.id} has completion events`);
      for (const e of step.completionEvents) {
        const [kind, name] = [e.slice(0, e.indexOf(':')), e.slice(e.indexOf(':') + 1)];
        if (kind === 'onCommand') assert.ok(commands.has(name), `${step.id}: command ${name} exists`);
        else if (kind === 'onView') assert.ok(views.has(name), `${step.id}: view ${name} exists`);
        else assert.strictEqual(kind, 'onContext', `${step.id}: ${e}`);
      }
      assert.ok(contextKeysOf(step.id).length > 0, `${step.id} completes on a context key the extension sets`);
    }
  });

  it("each step's context keys are set by its real action", async () => {
    const api = await extensionApi();
    const on = (id: string) => {
      api.testing.tree.flush(); // the tree sets some keys on its next (throttled) update
      return contextKeysOf(id).map((k) => [k, api.testing.contextKey(k)]);
    };
    await removeAllAccounts();
    assert.deepStrictEqual(on('addAccount'), [['reactions.hasAccounts', false]], 'no account yet');
    await addScAccount(emu());
    assert.deepStrictEqual(on('addAccount'), [['reactions.hasAccounts', true]], 'after Add Account');

    await vscode.commands.executeCommand('reactions.tree.focus');
    // the view's visibility event reaches the extension host a moment after the command
    for (let i = 0; i < 50 && !api.testing.contextKey('reactions.viewSeen'); i++)
      await new Promise((r) => setTimeout(r, 100));
    assert.deepStrictEqual(on('findReactions'), [['reactions.viewSeen', true]], 'after the view was shown');

    await vscode.commands.executeCommand('reactions.cleanUp', { olderThanDays: 36500, dryRun: true });
    assert.deepStrictEqual(on('cleanUp'), [['reactions.hasCleanUpRule', true]], 'after a clean-up rule ran');

    // Show Removed opens a picker: leave it open a moment, then close it
    const shown = vscode.commands.executeCommand('reactions.showRemoved');
    await new Promise((r) => setTimeout(r, 500));
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await shown;
    assert.deepStrictEqual(on('restore'), [['reactions.removedShown', true]], 'after Show Removed');
  });
});
