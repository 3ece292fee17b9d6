/**
 * The "Reactions" output channel (a LogOutputChannel) as the core's Logger. Every line goes through
 * `redact()` with every token this session has seen, so no request line, error or stack can show one.
 */
import * as vscode from 'vscode';
import { redact } from '../core/errors';
import type { Logger } from '../core/log';

export class OutputLogger implements Logger, vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private readonly secrets = new Set<string>();

  constructor(name = 'Reactions') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** Registers a token so it is redacted from every later line. */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  /** Redacts the known tokens (and anything that looks like a bearer token) from a text. */
  redact(text: string): string {
    return redact(text, this.secrets);
  }

  trace(message: string): void {
    this.channel.trace(this.redact(message));
  }
  debug(message: string): void {
    this.channel.debug(this.redact(message));
  }
  info(message: string): void {
    this.channel.info(this.redact(message));
  }
  warn(message: string): void {
    this.channel.warn(this.redact(message));
  }
  error(message: string | Error): void {
    const text = message instanceof Error ? `${message.message}${message.stack ? `\n${message.stack}` : ''}` : message;
    this.channel.error(this.redact(text));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
    this.secrets.clear();
  }
}
