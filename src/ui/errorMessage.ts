/** The text of whatever was thrown (a ReactionsError's message is written for people and carries no token). */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The message of what `check` throws, or undefined when it passes (input box validation). */
export function messageOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (e) {
    return errorMessage(e);
  }
}
