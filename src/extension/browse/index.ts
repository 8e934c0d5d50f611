// Browse: the Papers tree and the abstract panel, and their commands.
import * as vscode from 'vscode';
import type { PanelState } from '../../webview/protocol';
import type { GroupBy } from '../config';
import { Commands, Views } from '../ids';
import { log } from '../log';
import { keyOf } from '../paperArg';
import { registerCommand } from '../registerCommand';
import type { Services } from '../services';
import { PaperPanels } from './paperPanel';
import { PapersTree } from './papersTree';

export function registerBrowse(_context: vscode.ExtensionContext, services: Services): vscode.Disposable {
  const tree = new PapersTree(services);
  const panels = new PaperPanels(services, key => tree.revealPaper(key), name => tree.revealAuthor(name));

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
    registerCommand(Commands.openPaper, 'Open Paper', async arg => {
      const key = await pickKey(arg);
      if (!key) return;
      await services.library.ready;
      if (!services.library.byKey(key) && !services.online.paper(key)) { void vscode.window.showWarningMessage(`PaperCite: no paper with key “${key}” in the library.`); return; }
      panels.open(key);
    }),
    registerCommand(Commands.revealInTree, 'Reveal in Papers Tree', async arg => {
      const key = keyOf(arg);
      if (!key) return;
      await services.library.ready;
      if (!(await tree.revealPaper(key))) void vscode.window.showWarningMessage(`PaperCite: “${key}” is not in the Papers tree.`);
    }),
    registerCommand(Commands.filterTree, 'Filter Papers', async () => {
      const text = await vscode.window.showInputBox({
        title: 'Filter Papers',
        prompt: 'Words to find in titles, authors, years, venues, categories or keys (all must match)',
        value: tree.filter,
        placeHolder: 'e.g. diffusion 2025',
      });
      if (text === undefined) return;
      await tree.setFilter(text);
    }),
    registerCommand(Commands.clearTreeFilter, 'Clear Filter', () => tree.setFilter('')),
    registerCommand(Commands.groupByAuthor, 'Group by Author', groupBy('author')),
    registerCommand(Commands.groupByOwner, 'Group by Page Owner', groupBy('owner')),
    registerCommand(Commands.groupByYear, 'Group by Year', groupBy('year')),
    registerCommand(Commands.groupByCategory, 'Group by Category', groupBy('category')),
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
