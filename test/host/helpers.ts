/**
 * Shared helpers of the host tests (run inside the extension host, see index.ts). Each suite starts
 * its own API emulator in this process, so it can read the ground truth and inject faults; the
 * extension under test talks to it over 127.0.0.1 like to any site.
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import { startEmulator, type Emulator, type EmulatorOptions, type EmulatorUser } from '../emulator';
import type { Account, Reaction } from '../../src/core/model';
import type { ReactionsExports, ReactionsTestHooks } from '../../src/ui/api';
import type { TreeNode } from '../../src/ui/tree/node';

export const EXTENSION_ID = 'reactions-dev.reactions-vscode';

export async function extensionApi(): Promise<ReactionsExports & { testing: ReactionsTestHooks }> {
  const ext = vscode.extensions.getExtension<ReactionsExports>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  const api = await ext.activate();
  assert.ok(api.testing, 'the test hooks are off (REACTIONS_EMULATOR / test mode not seen by the extension)');
  return api as ReactionsExports & { testing: ReactionsTestHooks };
}

/** Starts an emulator before the suite (closed after). Also removes every account before and after. */
export function useEmulator(options: EmulatorOptions = {}): () => Emulator {
  let emu: Emulator | undefined;
  before(async function () {
    this.timeout(30_000);
    await removeAllAccounts();
    emu = await startEmulator(options);
  });
  after(async function () {
    this.timeout(30_000);
    await removeAllAccounts();
    await emu?.close();
  });
  afterEach(() => emu?.clearFaults());
  return () => {
    if (!emu) throw new Error('emulator not started');
    return emu;
  };
}

export function user(emu: Emulator, name: 'alice' | 'bob' | 'carol' = 'alice'): EmulatorUser {
  return emu.users.find((u) => u.name === name)!;
}

export async function removeAllAccounts(): Promise<void> {
  const api = await extensionApi();
  for (const a of api.accounts())
    await vscode.commands.executeCommand('reactions.removeAccount', { accountId: a.id, confirm: false });
  await vscode.commands.executeCommand('reactions.clearFilter');
}

export async function addScAccount(emu: Emulator, name: 'alice' | 'bob' | 'carol' = 'alice'): Promise<Account> {
  const account = await vscode.commands.executeCommand<Account>('reactions.addAccount', {
    service: 'selfcommunity',
    baseUrl: emu.selfcommunityUrl,
    token: user(emu, name).scToken,
  });
  assert.ok(account, 'addAccount returned no account');
  return account;
}

export async function addTinesAccount(emu: Emulator, name: 'alice' | 'bob' | 'carol' = 'alice'): Promise<Account> {
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

/** `type:id` keys of the SelfCommunity votes the emulator holds for a user. */
export function scTruth(emu: Emulator, name: 'alice' | 'bob' | 'carol' = 'alice'): Map<string, number | null> {
  return new Map(emu.sc.votesOf(name).map((v) => [`${v.type}:${v.id}`, v.reactionId]));
}

/** `caseId/commentId/value` keys of the Tines reactions the emulator holds for a user. */
export function tinesTruth(emu: Emulator, name: 'alice' | 'bob' | 'carol' = 'alice'): Set<string> {
  return new Set(emu.tines.reactionsOf(name).map((r) => `${r.caseId}/${r.commentId}/${r.value}`));
}

export function scKey(r: Reaction): string {
  return `${r.target.type}:${r.target.id}`;
}

export function tinesKey(r: Reaction): string {
  return `${r.target.parent?.id}/${r.target.id}/${r.kind.id}`;
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
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
