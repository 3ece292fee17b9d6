/**
 * The "Reactions" output channel (a LogOutputChannel) as the core's Logger. Every line goes through a
 * Redactor holding every token this session has seen and the token-shaped parts of everything typed
 * into an input box, so no request line, error or stack can show one.
 */
import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { Redactor } from '../core/redaction';

export class OutputLogger implements Logger, vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private readonly redactor = new Redactor();

  constructor(name = 'Reactions') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** Registers a token so it is redacted from every later line. */
  addSecret(secret: string | undefined): void {
    this.redactor.add(secret);
  }

  /** Registers what a person typed into an input box: its token-shaped parts are redacted from every later line. */
  addTyped(value: string | undefined): void {
    this.redactor.addTyped(value);
  }

  /** Redacts the known tokens (and anything that looks like a bearer token) from a text. */
  redact(text: string): string {
    return this.redactor.redact(text);
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
    this.redactor.clear();
  }
}
