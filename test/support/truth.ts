/**
 * The emulator's own state as the independent truth a test compares the extension with: which items
 * a user voted (SelfCommunity) or reacted to (Tines), keyed the same way as the extension's reactions.
 * Never computed with the code under test.
 */
import type { Emulator, EmulatorUser } from '../emulator';
import type { Reaction } from '../../src/core/model';

export type UserName = 'alice' | 'bob' | 'carol';

export function user(emu: Emulator, name: UserName = 'alice'): EmulatorUser {
  const found = emu.users.find((u) => u.name === name);
  if (!found) throw new Error(`the emulator has no user ${name}`);
  return found;
}

/** `type:id` keys of the SelfCommunity votes the emulator holds for a user, with the reaction id (null: a plain vote). */
export function scTruth(emu: Emulator, name: UserName = 'alice'): Map<string, number | null> {
  return new Map(emu.sc.votesOf(name).map((v) => [`${v.type}:${v.id}`, v.reactionId]));
}

/** `caseId/commentId/value` keys of the Tines reactions the emulator holds for a user. */
export function tinesTruth(emu: Emulator, name: UserName = 'alice'): Set<string> {
  return new Set(emu.tines.reactionsOf(name).map((r) => `${r.caseId}/${r.commentId}/${r.value}`));
}

export function scKey(r: Reaction): string {
  return `${r.target.type}:${r.target.id}`;
}

export function tinesKey(r: Reaction): string {
  return `${r.target.parent?.id}/${r.target.id}/${r.kind.id}`;
}

/**
 * What the user reacted to with which reaction, sorted, as the emulator holds it: SelfCommunity
 * `type:id=reactionId` (empty after `=` for a plain vote), Tines `caseId/commentId/value`.
 */
export function truthKeys(emu: Emulator, service: 'selfcommunity' | 'tines', name: UserName = 'alice'): string[] {
  if (service === 'tines') return [...tinesTruth(emu, name)].sort();
  return [...scTruth(emu, name)].map(([key, reaction]) => `${key}=${reaction ?? ''}`).sort();
}

/** The same keys for reactions the extension listed (compare with `truthKeys`). */
export function reactionKeys(service: 'selfcommunity' | 'tines', reactions: readonly Reaction[]): string[] {
  return reactions.map((r) => (service === 'tines' ? tinesKey(r) : `${scKey(r)}=${r.kind.id}`)).sort();
}
