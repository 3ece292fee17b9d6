/**
 * What the log and the messages hide: every secret the extension handles (registered as it is read or
 * typed) and anything token-shaped a person typed into any input box — a token pasted into the URL box
 * by mistake is redacted like a token, wherever the URL would show.
 */
import { redact } from '../errors';
import type { Logger } from '../log';

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
    for (const part of tokenShaped(value ?? '')) {
      this.add(part);
      // A token typed as a host name comes back lower-cased in every URL built from it.
      this.add(part.toLowerCase());
    }
  }

  redact(text: string): string {
    return redact(text, this.secrets);
  }

  clear(): void {
    this.secrets.clear();
  }
}

/** A Logger that redacts every line (with its Redactor) before it reaches the sink. */
export class RedactingLogger implements Logger {
  readonly redactor = new Redactor();

  constructor(private readonly sink: Logger) {}

  trace(message: string): void {
    this.sink.trace(this.redactor.redact(message));
  }
  debug(message: string): void {
    this.sink.debug(this.redactor.redact(message));
  }
  info(message: string): void {
    this.sink.info(this.redactor.redact(message));
  }
  warn(message: string): void {
    this.sink.warn(this.redactor.redact(message));
  }
  error(message: string): void {
    this.sink.error(this.redactor.redact(message));
  }
}
