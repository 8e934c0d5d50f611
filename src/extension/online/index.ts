// Online search commands: consent given from the palette, API keys into the secret storage, and
// the published version of a preprint entry in a .bib.
import * as vscode from 'vscode';
import { Commands } from '../ids';
import { reportError } from '../log';
import type { Services } from '../services';
import { setApiKeyCommand } from './onlineService';
import { registerPreprintUpgrade } from './preprintUpgrade';

export function registerOnline(services: Services): vscode.Disposable {
  const guard = (name: string, fn: () => Promise<void>) => async () => {
    try { await fn(); } catch (err) { reportError(`${name} failed`, err); }
  };
  return vscode.Disposable.from(
    registerPreprintUpgrade(services),
    vscode.commands.registerCommand(Commands.enableOnlineSearch, guard('Enable Online Search', async () => {
      await services.online.setEnabled(true);
      services.online.declinedThisSession = false;
      void vscode.window.showInformationMessage(`PaperCite: online search is on. Insert Citation and Search Papers now also ask ${services.online.providers.length} services; only your query or identifier is sent.`);
    })),
    vscode.commands.registerCommand(Commands.setOnlineApiKey, guard('Set Online API Key', () => setApiKeyCommand(services.context))),
  );
}
