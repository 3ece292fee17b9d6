/**
 * A multi-step input with a Back stack: a flow is a chain of steps, each a function that shows one
 * box and returns the next step (or nothing when the flow is done). Back returns to the step before;
 * dismissing a box ends the flow; a failed sign-in jumps back to the step whose input was wrong
 * (`retryAt`), with the reason shown in that box when it opens — until that input, or one accepted
 * before it, changes (then the reason is stale and no longer shown).
 *
 * Everything typed goes through the log's redaction (`addTyped`), so a token pasted into the wrong
 * box is redacted like one; errors shown in a box are redacted the same way.
 */
import { normalizeBaseUrl } from '../../../core/http';
import type * as vscode from 'vscode';
import { BACK, input, pickMany, validateBaseUrl, type InputOptions } from '../inputBox';
import { errorMessage } from '../../errorMessage';
import type { OutputLogger } from '../../outputLogger';

export type Step = (flow: MultiStepInput) => Promise<Step | undefined>;

const Dismissed = Symbol('dismissed');
const Back = Symbol('back');

export class MultiStepInput {
  private readonly stack: Step[] = [];
  private error: { step: Step; message: string } | undefined;
  /** What each step's box last accepted: an error about a later step is dropped when this changes. */
  private readonly accepted = new Map<Step, string>();

  constructor(private readonly logger: OutputLogger) {}

  /** Runs the flow from `first`; resolves true when it finished, false when a box was dismissed. */
  async run(first: Step): Promise<boolean> {
    let step: Step | undefined = first;
    while (step) {
      this.stack.push(step);
      try {
        step = await step(this);
      } catch (e) {
        if (e === Dismissed) return false;
        if (e !== Back) throw e;
        this.stack.pop();
        step = this.stack.pop();
        if (!step) return false;
      }
    }
    return true;
  }

  /** Shows one box; resolves with the accepted value (Back and dismiss unwind the flow). */
  async ask(o: Omit<InputOptions, 'error'>): Promise<string> {
    const current = this.stack[this.stack.length - 1];
    const error = this.error?.step === current ? this.error.message : undefined;
    const value = await input({ ...o, error });
    if (value === undefined) throw Dismissed;
    if (value === BACK) throw Back;
    this.logger.addTyped(value);
    // the error was about this box's input, or about one that depended on what changed here (a 401 on
    // the token is stale once the site address is another one)
    const changed = this.accepted.has(current) && this.accepted.get(current) !== value;
    if (this.error?.step === current || changed) this.error = undefined;
    this.accepted.set(current, value);
    return value;
  }

  /** Shows one multi-select list; resolves with the checked items (Back and dismiss unwind the flow). */
  async pickMany<T extends vscode.QuickPickItem>(o: Parameters<typeof pickMany<T>>[0]): Promise<T[]> {
    const value = await pickMany(o);
    if (value === undefined) throw Dismissed;
    if (value === BACK) throw Back;
    return value;
  }

  /** Asks for a site's address (https; checked as it is typed) and returns it normalised. */
  async askBaseUrl(o: Omit<InputOptions, 'error' | 'validate'>): Promise<string> {
    return normalizeBaseUrl(await this.ask({ ...o, validate: validateBaseUrl }));
  }

  /** Ends the flow as if the box had been dismissed. */
  dismiss(): never {
    throw Dismissed;
  }

  /** Goes back to an earlier step (after a failed sign-in): it opens with the error, redacted. */
  retryAt(step: Step, e: unknown): Step {
    const i = this.stack.lastIndexOf(step);
    if (i >= 0) this.stack.length = i;
    this.error = { step, message: this.logger.redact(errorMessage(e)) };
    return step;
  }
}
