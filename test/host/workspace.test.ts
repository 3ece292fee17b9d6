/**
 * Workspace safety inside a real host: a workspace's settings cannot change this extension's settings
 * (they are application-scoped). The manifest side (scopes, untrusted-workspace support) is checked in
 * test/unit/manifest.test.ts.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';

describe('host: workspace safety', () => {
  it('a workspace value for reactions.maxConcurrency is refused or ignored', async () => {
    const config = () => vscode.workspace.getConfiguration('reactions');
    assert.ok(vscode.workspace.workspaceFolders?.length, 'the tests run with a folder open');
    const before = config().get<number>('maxConcurrency');
    let refused = false;
    try {
      await config().update('maxConcurrency', 1, vscode.ConfigurationTarget.Workspace);
    } catch {
      refused = true;
    }
    try {
      assert.strictEqual(config().get<number>('maxConcurrency'), before, 'the effective value did not change');
    } finally {
      if (!refused)
        await config()
          .update('maxConcurrency', undefined, vscode.ConfigurationTarget.Workspace)
          .then(undefined, () => undefined);
    }
  });
});
