/**
 * What the log and the messages hide: every secret the extension handles (registered as it is read or
 * typed) and anything token-shaped a person typed into any input box — a token pasted into the URL box
 * by mistake is redacted like a token, wherever the URL would show.
 */
import { redact } from './errors';

/** Runs of token characters (no dot, slash or colon, so host names and paths split into short pieces). */
const RUN = /[A-Za-z0-9_~+=-]{16,}/g;

/**
 * The token-shaped parts of a typed text: a run of 16+ token characters with a digit and both upper-
 * and lower-case letters (host names are lower-case), or 32+ with a letter and a digit (hex keys).
 */
export function tokenShaped(text: string): string[] {
  return (text.match(RUN) ?? []).filter(
    (run) => /\d/.test(run) && (/[A-Z]/.test(run) && /[a-z]/.test(run) ? true : run.length >= 32 && /[a-z]/i.test(run)),
  );
}

export class Redactor {
  private readonly secrets = new Set<string>();

  /** A secret to hide from every later text (too short to be one: ignored). */
  add(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  /** Something a person typed into an input box: its token-shaped parts are hidden from every later text. */
  addTyped(value: string | undefined): void {
    for (const part of tokenShaped(value ?? '')) this.add(part);
  }

  redact(text: string): string {
    return redact(text, this.secrets);
  }

  clear(): void {
    this.secrets.clear();
  }
}
