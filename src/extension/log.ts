import * as vscode from 'vscode';

/** The one "PaperCite" log. Calls name their part: `log.info('[library] loaded 58 papers in 4 ms')`. */
export const log: vscode.LogOutputChannel = vscode.window.createOutputChannel('PaperCite', { log: true });

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Logs an error (with its stack) and shows one notification offering the log. Repeated keys
 * (e.g. a file path) notify once per session, so a broken file never causes a storm.
 */
const notified = new Set<string>();
export function reportError(message: string, err?: unknown, onceKey?: string): void {
  if (err instanceof Error) log.error(message, err);
  else log.error(err === undefined ? message : `${message}: ${String(err)}`);
  if (onceKey !== undefined) {
    if (notified.has(onceKey)) return;
    notified.add(onceKey);
  }
  const text = err === undefined ? message : `${message}: ${describe(err)}`;
  void vscode.window.showErrorMessage(`PaperCite: ${text}`, 'Open Log').then(choice => {
    if (choice) log.show(true);
  });
}
