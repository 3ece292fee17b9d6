/**
 * Commands whose code loads on first use. Activation registers a stand-in for each of a family's
 * commands; the first call of any of them imports the family (a chunk of its own in dist/chunks/),
 * replaces the stand-ins with the real commands, and hands the call on with its arguments as they
 * came (in the extension host a command of our own gets them as is: tree nodes, selections). So
 * activation parses only the code the tree needs; clean-up, export, writes and sign-in flows come
 * when used. A family lists its command ids here; a host test checks each id is registered for real
 * once the family has loaded.
 */
import * as vscode from 'vscode';
import { onceUntilFailure } from '../../core/async';
import type { CommandId } from '../commandIds';
import type { Deps } from '../deps';

/** What a command module offers: it registers its commands (and anything they need) on `context`. */
export interface CommandFamily {
  register(context: vscode.ExtensionContext, deps: Deps): void;
}

/** A family registered lazily: `load()` imports it (once) and puts its real commands in place. */
export interface LazyFamily<M extends CommandFamily> {
  readonly ids: readonly CommandId[];
  load(): Promise<M>;
}

const families: Array<LazyFamily<CommandFamily>> = [];

export function registerLazily<M extends CommandFamily>(
  context: vscode.ExtensionContext,
  deps: Deps,
  ids: readonly CommandId[],
  importer: () => Promise<M>,
): LazyFamily<M> {
  // A failed import: a later call tries again.
  const load = onceUntilFailure(() =>
    importer().then((family) => {
      // Synchronously, so no call finds neither the stand-in nor the real command.
      for (const stub of stubs) stub.dispose();
      family.register(context, deps);
      return family;
    }),
  );
  const stubs = ids.map((id) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      await load();
      return vscode.commands.executeCommand(id, ...args);
    }),
  );
  context.subscriptions.push(...stubs);
  const family = { ids, load };
  families.push(family);
  return family;
}

/** Every family registered lazily so far (host tests load them all). */
export function lazyFamilies(): ReadonlyArray<LazyFamily<CommandFamily>> {
  return families;
}
