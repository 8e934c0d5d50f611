// The one way PaperCite registers a command: every id from ids.ts, and a failure is logged with its
// stack and shown once with "Open Log" instead of VS Code's bare "command failed" toast.
import * as vscode from 'vscode';
import type { CommandId } from './ids';
import { reportError } from './log';

/**
 * Registers `id`; `what` names the action in the error message ("Copy BibTeX failed: …"), from the
 * arguments when it is a function. Returns the handler's result, undefined after a failure.
 */
// `any[]`: commands receive whatever their callers (menus, links, code actions) pass.
export function registerCommand(id: CommandId, what: string | ((...args: any[]) => string), handler: (...args: any[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (err) {
      reportError(`${typeof what === 'string' ? what : what(...args)} failed`, err);
      return undefined;
    }
  });
}
