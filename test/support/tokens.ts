/** Every secret the emulator has handed out, and the check that none of them shows up somewhere. */
import * as assert from 'assert';
import type { Emulator } from '../emulator';

/**
 * The pasted SelfCommunity tokens and Tines API keys of every user, the Tines service key, and the
 * OAuth access and refresh tokens the emulator accepts now.
 */
export function allTokens(emu: Emulator): string[] {
  return [
    ...emu.users.flatMap((u) => [u.scToken, u.tinesToken]),
    emu.tinesServiceKey,
    ...emu.oauth.activeAccessTokens(),
    ...emu.oauth.activeRefreshTokens(),
  ];
}

/** The text a thing shows: a string as is, an error with its stack and own properties, anything else as JSON. */
function textOf(thing: unknown): string {
  if (typeof thing === 'string') return thing;
  if (thing instanceof Error) return `${thing.message}\n${thing.stack}\n${JSON.stringify({ ...thing })}`;
  return JSON.stringify(thing) ?? String(thing);
}

/** Asserts that none of `tokens` (default: every token of the emulator) appears in the given texts or objects. */
export function assertNoToken(emu: Emulator, ...things: unknown[]): void {
  assertNoSecret(allTokens(emu), ...things);
}

export function assertNoSecret(secrets: readonly string[], ...things: unknown[]): void {
  assert.ok(secrets.length > 0 && secrets.every((s) => s.length >= 8), 'no real secrets to look for');
  for (const thing of things) {
    const text = textOf(thing);
    for (const secret of secrets) assert.ok(!text.includes(secret), `a secret leaked into: ${text.slice(0, 300)}`);
  }
}
