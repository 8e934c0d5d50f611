// The resource-scoped settings citing needs, read for one document. Reading only these keys keeps
// VS Code from warning about window-scoped settings read with a resource.
import * as vscode from 'vscode';
import { SECTION } from '../ids';

export interface CiteSettings {
  citeCommand: string;
  bibFile: string;
  customCiteCommands: string[];
  diagnosticsEnabled: boolean;
  /** Typst: `@key` or `#cite(<key>)` for Insert Citation. */
  typstCiteStyle: 'at' | 'cite';
}

export function citeSettings(uri: vscode.Uri): CiteSettings {
  const c = vscode.workspace.getConfiguration(SECTION, uri);
  return {
    citeCommand: (c.get<string>('citeCommand', 'cite') || 'cite').replace(/^\\/, '') || 'cite',
    bibFile: c.get<string>('bibFile', ''),
    customCiteCommands: c.get<string[]>('customCiteCommands', []),
    diagnosticsEnabled: c.get<boolean>('diagnostics.enabled', true),
    typstCiteStyle: c.get<string>('typstCiteStyle', 'at') === 'cite' ? 'cite' : 'at',
  };
}
