// PaperCite's entry point: wiring only. Features live in src/extension/*, logic in src/core/*.
import * as vscode from 'vscode';
import { ConfigService } from './extension/config';
import { Commands, ContextKeys } from './extension/ids';
import { describe, log } from './extension/log';
import { createLibraryService } from './extension/libraryService';
import type { Services } from './extension/services';
import { registerSources } from './extension/sources/sourcesView';
import { registerCite } from './extension/cite';
import { registerBrowse } from './extension/browse';
import { registerOnline } from './extension/online';
import { OnlineService } from './extension/online/onlineService';
import { registerCommand } from './extension/registerCommand';
import { registerState } from './extension/status';
import { markActivated, profileStartup, watchStalls } from './extension/timing';

export function activate(context: vscode.ExtensionContext): void {
  markActivated();
  const t0 = Date.now();
  context.subscriptions.push(log, registerCommand(Commands.showLog, 'Show Log', () => log.show()));
  context.subscriptions.push(profileStartup(process.env.PAPERCITE_PROFILE_DIR, (file, err) => (file ? log.info(`[activate] start-up CPU profile of the extension host: ${file}`) : log.warn(`[activate] no start-up CPU profile: ${String(err)}`)), Number(process.env.PAPERCITE_PROFILE_MS) || undefined));
  context.subscriptions.push(watchStalls(stalls => log.info(`[activate] the extension host's thread in the first 30 s after activation: ${stalls.length ? `blocked ${stalls.map(s => `${s.ms} ms until ${s.endedMs} ms`).join(', ')}` : 'never blocked for 250 ms or more'}`)));
  try {
    const config = new ConfigService();
    const library = createLibraryService(context, config);
    const online = new OnlineService(context, config);
    const services: Services = { context, config, library, online };
    context.subscriptions.push(
      config,
      library,
      online,
      registerState(services),
      registerOnline(services),
      registerSources(services),
      registerCite(context, services),
      registerBrowse(context, services),
    );
    log.info(`[activate] PaperCite ${context.extension.packageJSON.version} registered in ${Date.now() - t0} ms`);
    void library.ready.then(() => log.info(`[activate] library ${library.state}: ${library.papers.length} papers, ready ${Date.now() - t0} ms after activation`));
  } catch (err) {
    // Activation must never throw: the user keeps a working editor and is told what to do.
    log.error('[activate] PaperCite could not start', err);
    void vscode.commands.executeCommand('setContext', ContextKeys.libraryState, 'failed');
    void vscode.window.showErrorMessage(`PaperCite could not start: ${describe(err)}`, 'Open Log')
      .then(choice => { if (choice) log.show(); });
  }
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
