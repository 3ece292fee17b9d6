/**
 * The InputBox step the account flows are made of: a title with "step n of m", a Back button on later
 * steps, an optional extra title-bar button, live validation, and an error shown when the box opens
 * (the reason a previous attempt failed). Resolves with the value, BACK, or undefined (dismissed).
 */
import * as vscode from 'vscode';
import { normalizeBaseUrl } from '../../core/http';
import { messageOf } from '../errorMessage';

/** What is wrong with a typed site address (never the address itself), or undefined when it is fine. */
export const validateBaseUrl = (v: string): string | undefined => messageOf(() => normalizeBaseUrl(v));

export const BACK = Symbol('back');

export interface InputOptions {
  title: string;
  step?: number;
  totalSteps?: number;
  value: string;
  prompt: string;
  placeholder?: string;
  password?: boolean;
  /** An error to show when the box opens (from a failed sign-in). */
  error?: string;
  /** One more title-bar button (e.g. copy something the person needs). */
  extraButton?: { button: vscode.QuickInputButton; run(): void };
  validate: (value: string) => string | undefined;
}

/** One InputBox step with a Back button (when it is a later step) and an initial error message. */
export function input(o: InputOptions): Promise<string | typeof BACK | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = o.title;
    box.step = o.step;
    box.totalSteps = o.totalSteps;
    box.value = o.value;
    box.prompt = o.prompt;
    box.placeholder = o.placeholder;
    box.password = !!o.password;
    box.ignoreFocusOut = true;
    box.buttons = [
      ...(o.step && o.step > 1 ? [vscode.QuickInputButtons.Back] : []),
      ...(o.extraButton ? [o.extraButton.button] : []),
    ];
    if (o.error) box.validationMessage = { message: o.error, severity: vscode.InputBoxValidationSeverity.Error };
    let done = false;
    const finish = (v: string | typeof BACK | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      box.dispose();
    };
    const subs = [
      box.onDidChangeValue((v) => {
        const m = v ? o.validate(v) : undefined;
        box.validationMessage = m;
      }),
      box.onDidAccept(() => {
        const m = o.validate(box.value);
        if (m) {
          box.validationMessage = m;
          return;
        }
        finish(box.value);
      }),
      box.onDidTriggerButton((b) => {
        if (b === vscode.QuickInputButtons.Back) finish(BACK);
        else if (b === o.extraButton?.button) o.extraButton.run();
      }),
      box.onDidHide(() => {
        subs.forEach((s) => s.dispose());
        finish(undefined);
      }),
    ];
    box.show();
  });
}

/** One multi-select QuickPick step with a Back button (when it is a later step). */
export function pickMany<T extends vscode.QuickPickItem>(o: {
  title: string;
  step: number;
  totalSteps: number;
  placeholder: string;
  items: readonly T[];
}): Promise<T[] | typeof BACK | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<T>();
    qp.title = o.title;
    qp.step = o.step;
    qp.totalSteps = o.totalSteps;
    qp.placeholder = o.placeholder;
    qp.canSelectMany = true;
    qp.ignoreFocusOut = true;
    qp.items = o.items;
    qp.selectedItems = o.items.filter((i) => i.picked);
    qp.buttons = o.step > 1 ? [vscode.QuickInputButtons.Back] : [];
    let done = false;
    const finish = (v: T[] | typeof BACK | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidAccept(() => finish([...qp.selectedItems]));
    qp.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish(BACK));
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}
