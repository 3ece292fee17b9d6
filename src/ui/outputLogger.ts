/**
 * The "Reactions" output channel (a LogOutputChannel) as the core's Logger. Every line goes through a
 * RedactingLogger holding every token this session has seen and the token-shaped parts of everything
 * typed into an input box, so no request line, error or stack can show one.
 */
import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { RedactingLogger } from '../core/auth/redaction';

export class OutputLogger implements Logger, vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private readonly lines: RedactingLogger;

  constructor(name = 'Reactions') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
    this.lines = new RedactingLogger(this.channel);
  }

  /** Registers a token so it is redacted from every later line. */
  addSecret(secret: string | undefined): void {
    this.lines.redactor.add(secret);
  }

  /** Registers what a person typed into an input box: its token-shaped parts are redacted from every later line. */
  addTyped(value: string | undefined): void {
    this.lines.redactor.addTyped(value);
  }

  /** Redacts the known tokens (and anything that looks like a bearer token) from a text. */
  redact(text: string): string {
    return this.lines.redactor.redact(text);
  }

  trace(message: string): void {
    this.lines.trace(message);
  }
  debug(message: string): void {
    this.lines.debug(message);
  }
  info(message: string): void {
    this.lines.info(message);
  }
  warn(message: string): void {
    this.lines.warn(message);
  }
  error(message: string | Error): void {
    this.lines.error(
      message instanceof Error ? `${message.message}${message.stack ? `\n${message.stack}` : ''}` : message,
    );
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
    this.lines.redactor.clear();
  }
}
