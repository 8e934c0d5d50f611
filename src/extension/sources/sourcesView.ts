// The Sources view: each library source with its entry count, parse time and problems; a problem
// opens its file at its line. Title actions reload the library and add a library file.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SourceProblem } from '../../core/model';
import { Commands, SECTION, Views } from '../ids';
import { describe, log, reportError } from '../log';
import { registerCommand } from '../registerCommand';
import type { Services, SourceStatus } from '../services';
import { PROVIDER_LABEL, type ProviderName } from '../../core/online/types';
import type { ProviderStates } from '../online/onlineService';
import { counted } from '../../core/words';

/** Problems listed under one source; a damaged 73k-entry file can have thousands. */
const MAX_PROBLEMS = 500;

type Node =
  | { kind: 'source'; source: SourceStatus }
  | { kind: 'online'; provider: ProviderName; state: ProviderStates[ProviderName] }
  | { kind: 'problem'; source: SourceStatus; problem: SourceProblem }
  | { kind: 'more'; source: SourceStatus; count: number };

const KIND_LABEL: Record<SourceStatus['kind'], string> = { corpus: 'bundled corpus', bibtex: 'BibTeX', 'csl-json': 'CSL-JSON', page: 'publication page' };
const KIND_ICON: Record<SourceStatus['kind'], string> = { corpus: 'library', bibtex: 'book', 'csl-json': 'json', page: 'file-text' };

export class SourcesProvider implements vscode.TreeDataProvider<Node> {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly services: Services) {}

  refresh(): void {
    this.emitter.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!node) return [...this.services.library.sources.map(source => ({ kind: 'source' as const, source })), ...this.onlineNodes()];
    if (node.kind !== 'source') return [];
    const probs = node.source.problems;
    const out: Node[] = probs.slice(0, MAX_PROBLEMS).map(problem => ({ kind: 'problem', source: node.source, problem }));
    if (probs.length > MAX_PROBLEMS) out.push({ kind: 'more', source: node.source, count: probs.length - MAX_PROBLEMS });
    return out;
  }

  /** One row per enabled online service, once online search is allowed. */
  private onlineNodes(): Node[] {
    const online = this.services.online;
    if (online.enabled !== true) return [];
    const states = online.states();
    return online.providers.map(provider => ({ kind: 'online' as const, provider, state: states[provider] }));
  }

  getParent(node: Node): Node | undefined {
    return node.kind === 'source' || node.kind === 'online' ? undefined : { kind: 'source', source: node.source };
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'source') return sourceItem(node.source);
    if (node.kind === 'online') return onlineItem(node.provider, node.state);
    if (node.kind === 'more') {
      const item = new vscode.TreeItem(`… ${node.count.toLocaleString('en-US')} more problems (see the PaperCite log)`);
      item.command = { command: Commands.showLog, title: 'Show Log' };
      return item;
    }
    const p = node.problem;
    const item = new vscode.TreeItem(p.line > 0 ? `line ${p.line}: ${p.message}` : p.message);
    item.id = `${node.source.id}#${p.line}#${p.message}`;
    item.iconPath = new vscode.ThemeIcon(p.severity === 'error' ? 'error' : 'warning',
      new vscode.ThemeColor(p.severity === 'error' ? 'problemsErrorIcon.foreground' : 'problemsWarningIcon.foreground'));
    item.tooltip = `${p.file}${p.line > 0 ? `:${p.line}` : ''}\n${p.severity}: ${p.message}`;
    item.contextValue = 'sourceProblem';
    if (node.source.kind !== 'corpus') {
      item.command = { command: Commands.openSourceProblem, title: 'Open Problem Location', arguments: [p.file, p.line] };
    }
    return item;
  }
}

function sourceItem(s: SourceStatus): vscode.TreeItem {
  const item = new vscode.TreeItem(s.label, s.problems.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = s.id;
  const errors = s.problems.filter(p => p.severity === 'error').length;
  const warnings = s.problems.length - errors;
  const entries = counted(s.entries, 'entry', 'entries');
  const parts = [entries, `${formatMs(s.parseMs)}`];
  if (errors) parts.push(counted(errors, 'error'));
  if (warnings) parts.push(counted(warnings, 'warning'));
  if (s.state === 'searchable') parts.splice(1, 1, s.readShare !== undefined ? `first ${percent(s.readShare)} searchable, reading the rest…` : 'searchable, reading entries…');
  item.description = s.error !== undefined ? `failed: ${s.error}` : parts.join(' · ');
  item.iconPath = s.error !== undefined
    ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
    : new vscode.ThemeIcon(KIND_ICON[s.kind]);
  const merged = (s as SourceStatus & { merged?: number }).merged;
  const cached = (s as SourceStatus & { fromCache?: boolean }).fromCache;
  const tip = new vscode.MarkdownString(undefined, false);
  tip.isTrusted = false;
  tip.supportHtml = false;
  tip.appendText(`${s.kind === 'corpus' ? 'Bundled corpus' : s.id}\n\n`);
  tip.appendText(s.state === 'searchable'
    ? s.readShare !== undefined
      ? `${KIND_LABEL[s.kind]}: its first ${entries} (${percent(s.readShare)} of the file) are searchable while the whole file is read for the first time`
      : `${KIND_LABEL[s.kind]}: ${entries}, searchable from the cache; the tree and merging with other sources follow once all are decoded`
    : `${KIND_LABEL[s.kind]}: ${entries} read in ${formatMs(s.parseMs)}${cached ? ' (from cache)' : ''}`);
  if (merged) tip.appendText(`\n\n${merged} shown together with the same paper from another source`);
  if (s.error !== undefined) tip.appendText(`\n\nCould not be read: ${s.error}`);
  else if (s.problems.length) tip.appendText(`\n\n${counted(errors, 'error')}, ${counted(warnings, 'warning')}`);
  item.tooltip = tip;
  item.contextValue = s.kind === 'corpus' ? 'source.corpus' : 'source.file';
  if (s.kind !== 'corpus') {
    item.resourceUri = vscode.Uri.file(s.id);
    if (s.error === undefined) item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(s.id)] };
  }
  return item;
}

const ONLINE_STATE: Record<ProviderStates[ProviderName]['state'], { text: string; icon: string; color?: string }> = {
  ok: { text: 'online · ok', icon: 'globe' },
  unused: { text: 'online · turned off', icon: 'circle-slash' },
  offline: { text: 'online · unreachable', icon: 'debug-disconnect', color: 'problemsWarningIcon.foreground' },
  'rate-limited': { text: 'online · rate-limited, waiting', icon: 'watch', color: 'problemsWarningIcon.foreground' },
  error: { text: 'online · failing', icon: 'error', color: 'problemsErrorIcon.foreground' },
};

function onlineItem(provider: ProviderName, s: ProviderStates[ProviderName]): vscode.TreeItem {
  const item = new vscode.TreeItem(PROVIDER_LABEL[provider], vscode.TreeItemCollapsibleState.None);
  item.id = `online:${provider}`;
  const look = ONLINE_STATE[s.state] ?? ONLINE_STATE.error;
  // The client's messages often start with the state's own word ("unreachable: ECONNREFUSED").
  const msg = s.message && s.state !== 'ok' ? s.message.replace(/^(unreachable|rate limited)[:;]?\s*/i, '') : '';
  item.description = msg ? `${look.text}: ${msg}` : look.text;
  item.iconPath = new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
  const tip = new vscode.MarkdownString(undefined, false);
  tip.isTrusted = false;
  tip.supportHtml = false;
  tip.appendText(`${PROVIDER_LABEL[provider]} (online search): ${look.text}`);
  if (s.message) tip.appendText(`\n\n${s.message}`);
  if (s.since) tip.appendText(`\n\nsince ${new Date(s.since).toLocaleTimeString()}`);
  item.tooltip = tip;
  item.contextValue = `source.online.${s.state}`;
  return item;
}

function formatMs(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;
}

/** Opens a source file at a problem's line (1-based; 0 = the file's start). */
export async function openSourceProblem(fileOrProblem: string | SourceProblem | undefined, line?: number): Promise<void> {
  const file = typeof fileOrProblem === 'string' ? fileOrProblem : fileOrProblem?.file;
  const ln = typeof fileOrProblem === 'string' ? (line ?? 0) : (fileOrProblem?.line ?? 0);
  if (!file) return;
  try {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const pos = new vscode.Position(Math.max(0, Math.min(ln - 1, doc.lineCount - 1)), 0);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: true });
  } catch (err) {
    reportError(`Could not open ${file}`, err);
  }
}

/** Asks for library files and adds them to `papercite.libraries` in the workspace settings. */
export async function addLibrary(services: Services): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    openLabel: 'Add Library',
    title: 'PaperCite: add library files (.bib, CSL-JSON, publication pages)',
    filters: { 'Libraries': ['bib', 'json', 'txt'], 'All files': ['*'] },
    ...(folder ? { defaultUri: folder.uri } : {}),
  });
  if (!picked?.length) return;
  const cfg = vscode.workspace.getConfiguration(SECTION, folder?.uri);
  const target = folder ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const current = (folder ? cfg.inspect<(string | string[])[]>('libraries')?.workspaceValue : cfg.inspect<(string | string[])[]>('libraries')?.globalValue) ?? [];
  const entries = picked.map(u => {
    const rel = folder ? path.relative(folder.uri.fsPath, u.fsPath) : '';
    return folder && rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : u.fsPath;
  });
  const next = [...current, ...entries.filter(e => !current.includes(e))];
  if (next.length === current.length) {
    void vscode.window.showInformationMessage(`PaperCite: ${entries.join(', ')} ${entries.length === 1 ? 'is' : 'are'} already a library.`);
    return;
  }
  try {
    await cfg.update('libraries', next, target);
    log.info(`[library] added to papercite.libraries: ${entries.join(', ')}`);
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('PaperCite reads papercite.libraries from workspace settings only in a trusted workspace.');
    }
    // The settings change triggers the load; the command ends when the files are in (read or failed).
    if (vscode.workspace.isTrusted || !folder) await untilSources(services, picked.map(u => u.fsPath));
  } catch (err) {
    reportError(`Could not add ${entries.join(', ')} to papercite.libraries: ${describe(err)}`, err);
  }
}

/** Resolves once every file of `paths` is a ready source of the library (or failed), at most after 2 minutes. */
function untilSources(services: Services, paths: readonly string[]): Promise<void> {
  const done = () => paths.every(p => services.library.sources.some(s => s.id === p && s.state === 'ready'));
  if (done()) return Promise.resolve();
  return new Promise<void>(resolve => {
    const finish = () => { sub.dispose(); clearTimeout(cap); resolve(); };
    const sub = services.library.onDidChange(() => { if (done()) finish(); });
    // A file the load never reaches (a setting overridden elsewhere) does not hold the command forever.
    const cap = setTimeout(finish, 120_000);
  });
}

/** The Sources view and its commands: reload, add a library, open a problem. */
export function registerSources(services: Services): vscode.Disposable {
  const provider = new SourcesProvider(services);
  const view = vscode.window.createTreeView(Views.sources, { treeDataProvider: provider, showCollapseAll: true });
  const update = () => {
    provider.refresh();
    const sources = services.library.sources;
    const problems = sources.reduce((n, s) => n + s.problems.length, 0);
    view.description = `${counted(sources.length, 'source')} · ${counted(services.library.papers.length, 'paper')}`;
    view.message = problems ? `${counted(problems, 'problem')} in library sources: expand a source to see them.` : undefined;
  };
  update();
  return vscode.Disposable.from(
    view,
    services.library.onDidChange(update),
    services.online.onDidChange(update),
    registerCommand(Commands.openSourceProblem, 'Open Problem Location', (file?: string | SourceProblem, line?: number) => openSourceProblem(file, line)),
    registerCommand(Commands.reloadLibrary, 'Reload Library', () =>
      vscode.window.withProgress({ location: { viewId: Views.sources }, title: 'Reloading library' }, () => services.library.reload())),
    registerCommand(Commands.addLibrary, 'Add Library File', () => addLibrary(services)),
  );
}

/** A share as a whole percent, never 0 % or 100 % while partial. */
function percent(share: number): string {
  return `${Math.min(99, Math.max(1, Math.round(share * 100)))} %`;
}
