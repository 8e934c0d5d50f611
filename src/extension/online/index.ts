// Online search commands: consent given from the palette, API keys into the secret storage, and
// the published version of a preprint entry in a .bib.
import * as vscode from 'vscode';
import { Commands } from '../ids';
import { registerCommand } from '../registerCommand';
import { stateSection } from '../status';
import type { Services } from '../services';
import { setApiKeyCommand } from './onlineService';
import { registerPreprintUpgrade } from './preprintUpgrade';

export function registerOnline(services: Services): vscode.Disposable {
  return vscode.Disposable.from(
    registerPreprintUpgrade(services),
    registerCommand(Commands.enableOnlineSearch, 'Enable Online Search', async () => {
      await services.online.setEnabled(true);
      services.online.declinedThisSession = false;
      void vscode.window.showInformationMessage(`PaperCite: online search is on. Insert Citation and Search Papers now also ask ${services.online.providers.length} services; only your query or identifier is sent.`);
    }),
    registerCommand(Commands.setOnlineApiKey, 'Set Online API Key', () => setApiKeyCommand(services.context)),
    stateSection('online', () => ({ enabled: services.config.current.onlineEnabled ?? null, providers: services.online.providers, states: services.online.states() })),
  );
}
