/**
 * Wiring smoke test inside a real extension host: the extension is there, activates, and its
 * manifest and its registered commands agree in both directions.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';

const EXTENSION_ID = 'reactions-dev.reactions-vscode';
/** Commands VS Code registers by itself for each contributed view: `<viewId>.<suffix>`. */
const GENERATED_VIEW_COMMANDS = new Set(['focus', 'open', 'resetViewLocation', 'removeView', 'toggleVisibility']);

interface ContributedCommand {
  command: string;
}

describe('extension wiring', () => {
  let extension: vscode.Extension<unknown>;

  before(() => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not loaded`);
    extension = found;
  });

  // That activation sends no request is checked where a window can start with an account already
  // added: the E2E test "a new window with an account: activating it sends no request" (test/e2e/reactions.spec.ts).
  // Here the extension host starts with no account, so no request could be expected of it anyway.
  it('activates and measures how long activate() took (printed for the benchmark notes)', async function () {
    await extension.activate();
    assert.strictEqual(extension.isActive, true);
    const testing = (extension.exports as { testing?: { activationMs: number } }).testing;
    assert.ok(testing && testing.activationMs > 0, 'activate() measured itself');
    // The runner prints titles, not the host's console: the measurement goes into the title.
    this.test!.title += ` — activate() took ${testing.activationMs.toFixed(1)} ms`;
  });

  it('registers every command the manifest contributes', async () => {
    await extension.activate();
    const contributed: ContributedCommand[] = extension.packageJSON.contributes?.commands ?? [];
    assert.ok(contributed.length > 0, 'the manifest contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepStrictEqual(missing, [], 'contributed but not registered');
  });

  it('commands that load on first use: each one is registered for real once its code has loaded', async () => {
    await extension.activate();
    const testing = (extension.exports as { testing: { loadAllCommands(): Promise<string[]> } }).testing;
    const lazy = await testing.loadAllCommands();
    assert.ok(lazy.length >= 20, `${lazy.length} commands load on first use`);
    // The stand-ins are gone now: a declared id the module does not register would be missing here.
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepStrictEqual(
      lazy.filter((id) => !registered.has(id)),
      [],
      'declared to load on first use but not registered by its module',
    );
    const contributed: ContributedCommand[] = extension.packageJSON.contributes?.commands ?? [];
    assert.deepStrictEqual(
      contributed.map((c) => c.command).filter((id) => !registered.has(id)),
      [],
      'contributed but not registered once everything has loaded',
    );
  });

  it('contributes every reactions.* command it registers', async () => {
    await extension.activate();
    const contributes = extension.packageJSON.contributes ?? {};
    const contributed = new Set(((contributes.commands ?? []) as ContributedCommand[]).map((c) => c.command));
    // VS Code itself registers `<viewId>.focus`, `<viewId>.resetViewLocation`, ... for every
    // contributed view; those are not ours to contribute.
    const viewIds = (Object.values(contributes.views ?? {}) as Array<Array<{ id: string }>>).flat().map((v) => v.id);
    const generatedByVsCode = (id: string) =>
      viewIds.some((view) => id.startsWith(`${view}.`) && GENERATED_VIEW_COMMANDS.has(id.slice(view.length + 1)));
    const registered = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('reactions.'));
    const undeclared = registered.filter((id) => !contributed.has(id) && !generatedByVsCode(id));
    assert.deepStrictEqual(undeclared, [], 'registered but not contributed');
  });
});
