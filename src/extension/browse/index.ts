// Browse: the Papers tree and the abstract panel, and their commands.
import * as vscode from 'vscode';
import type { PanelState } from '../../webview/protocol';
import type { GroupBy } from '../config';
import { Commands, Views } from '../ids';
import { log, reportError } from '../log';
import type { Services } from '../services';
import { PaperPanels } from './paperPanel';
import { PapersTree } from './papersTree';

/** A paper argument as commands receive it: a key, a tree node / `{key}`, or `{paper: {id}}`. */
export function keyOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg || undefined;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const o = arg as { key?: unknown; paper?: { id?: unknown } };
  if (typeof o.key === 'string' && o.key) return o.key;
  if (typeof o.paper?.id === 'string' && o.paper.id) return o.paper.id;
  return undefined;
}

export function registerBrowse(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  const tree = new PapersTree(services);
  const panels = new PaperPanels(services, key => tree.revealPaper(key), name => tree.revealAuthor(name));

  const guarded = (name: string, fn: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(name, async (...args: unknown[]) => {
    try { await fn(...args); } catch (err) { reportError(`${name} failed`, err); }
  });

  const pickKey = async (arg: unknown): Promise<string | undefined> => {
    const key = keyOf(arg);
    if (key) return key;
    // Without an argument (e.g. a keybinding), offer a search over the library.
    const pick = await vscode.window.showQuickPick(
      services.library.papers.slice(0, 5000).map(p => ({ label: typeof p.title === 'string' ? p.title : p.id, description: p.id, key: p.id })),
      { placeHolder: 'Paper to show', matchOnDescription: true });
    return pick?.key;
  };

  const groupBy = (g: GroupBy) => () => tree.setGroupBy(g);

  const disposables: vscode.Disposable[] = [
    tree,
    panels,
    guarded(Commands.openPaper, async arg => {
      const key = await pickKey(arg);
      if (!key) return;
      await services.library.ready;
      if (!services.library.byKey(key) && !services.online.paper(key)) { void vscode.window.showWarningMessage(`PaperCite: no paper with key “${key}” in the library.`); return; }
      panels.open(key);
    }),
    guarded(Commands.revealInTree, async arg => {
      const key = keyOf(arg);
      if (!key) return;
      await services.library.ready;
      if (!(await tree.revealPaper(key))) void vscode.window.showWarningMessage(`PaperCite: “${key}” is not in the Papers tree.`);
    }),
    guarded(Commands.filterTree, async () => {
      const text = await vscode.window.showInputBox({
        title: 'Filter Papers',
        prompt: 'Words to find in titles, authors, years, venues, categories or keys (all must match)',
        value: tree.filter,
        placeHolder: 'e.g. diffusion 2025',
      });
      if (text === undefined) return;
      await tree.setFilter(text);
    }),
    guarded(Commands.clearTreeFilter, () => tree.setFilter('')),
    guarded(Commands.groupByAuthor, groupBy('author')),
    guarded(Commands.groupByOwner, groupBy('owner')),
    guarded(Commands.groupByYear, groupBy('year')),
    guarded(Commands.groupByCategory, groupBy('category')),
    vscode.window.registerWebviewPanelSerializer(Views.panel, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        const key = keyOf(state as PanelState | undefined);
        if (!key) { panel.dispose(); return; }
        await services.library.ready;
        panels.adopt(panel, key);
        log.info(`[browse] restored the paper panel for ${key}`);
      },
    }),
  ];
  // The caller puts the returned disposable into context.subscriptions.
  return vscode.Disposable.from(...disposables);
}
