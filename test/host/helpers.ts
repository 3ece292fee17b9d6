/**
 * Helpers of the host tests that need the VS Code API (run inside the extension host, see index.ts);
 * the emulator-side ones come from the shared test/support (some re-exported here). Each suite starts
 * its own API emulator in this process, so it can read the ground truth and inject faults; the
 * extension under test talks to it over 127.0.0.1 like to any site.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { Emulator, EmulatorOptions } from '../emulator';
import { sleep, useEmulator, user, type UserName } from '../support';
import type { Account } from '../../src/core/model';
import type { ReactionsExports, ReactionsTestHooks } from '../../src/ui/api';
import type { TreeNode } from '../../src/ui/tree/node';

export { scKey, scTruth, sleep, tinesKey, tinesTruth, user } from '../support';

export const EXTENSION_ID = 'reactions-dev.reactions-vscode';

export async function extensionApi(): Promise<ReactionsExports & { testing: ReactionsTestHooks }> {
  const ext = vscode.extensions.getExtension<ReactionsExports>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  const api = await ext.activate();
  assert.ok(api.testing, 'the test hooks are off (REACTIONS_EMULATOR / test mode not seen by the extension)');
  return api as ReactionsExports & { testing: ReactionsTestHooks };
}

/** Starts an emulator before the suite (closed after). Also removes every account before and after. */
export function useHostEmulator(options: EmulatorOptions = {}): () => Emulator {
  return useEmulator(options, { setUp: removeAllAccounts, tearDown: removeAllAccounts, timeoutMs: 30_000 });
}

/**
 * An emulator for the suite, and alice's SelfCommunity and Tines accounts added and listed before its
 * tests run; `ids` holds their account ids once the hook has run.
 */
export function useListedAccounts(options: EmulatorOptions = {}): {
  emu: () => Emulator;
  ids: { sc: string; tines: string };
} {
  const emu = useHostEmulator(options);
  const ids = { sc: '', tines: '' };
  before(async function () {
    this.timeout(60_000);
    ids.sc = (await addScAccount(emu())).id;
    ids.tines = (await addTinesAccount(emu())).id;
    await refresh();
  });
  return { emu, ids };
}

export async function removeAllAccounts(): Promise<void> {
  const api = await extensionApi();
  for (const a of api.accounts())
    await vscode.commands.executeCommand('reactions.removeAccount', { accountId: a.id, confirm: false });
  await vscode.commands.executeCommand('reactions.clearFilter');
}

export async function addScAccount(emu: Emulator, name: UserName = 'alice'): Promise<Account> {
  const account = await vscode.commands.executeCommand<Account>('reactions.addAccount', {
    service: 'selfcommunity',
    baseUrl: emu.selfcommunityUrl,
    token: user(emu, name).scToken,
  });
  assert.ok(account, 'addAccount returned no account');
  return account;
}

export async function addTinesAccount(emu: Emulator, name: UserName = 'alice'): Promise<Account> {
  const u = user(emu, name);
  const account = await vscode.commands.executeCommand<Account>('reactions.addAccount', {
    service: 'tines',
    baseUrl: emu.tinesUrl,
    token: u.tinesToken,
    email: u.email,
  });
  assert.ok(account, 'addAccount returned no account');
  return account;
}

/** Lists again and waits until every listing is over. */
export async function refresh(accountId?: string): Promise<void> {
  await vscode.commands.executeCommand('reactions.refresh', accountId ? { accountId } : undefined);
  const api = await extensionApi();
  await api.testing.whenIdle();
}

/** The tree's children of a node (root when none), as the view would ask. */
export async function children(node?: TreeNode): Promise<TreeNode[]> {
  const api = await extensionApi();
  return (await api.testing.tree.getChildren(node)) ?? [];
}

export async function treeItem(node: TreeNode): Promise<vscode.TreeItem> {
  const api = await extensionApi();
  return api.testing.tree.getTreeItem(node);
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Runs a command that must fail; returns the error. */
export async function rejects(command: string, arg: unknown): Promise<Error> {
  try {
    await vscode.commands.executeCommand(command, arg);
  } catch (e) {
    return e as Error;
  }
  assert.fail(`${command} succeeded, but it should have failed`);
}
