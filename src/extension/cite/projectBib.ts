// The project's .bib: which file a document cites from, which keys it holds (unsaved edits
// included), and adding entries to it through WorkspaceEdit, one insertion at a time.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { locateBib, texRootOf, type BibSource } from '../../core/bibLocate';
import { insideFolders } from '../../core/bibPaths';
import { distinctKey, planBibInsert, sameBibPaper, type NewEntry } from '../../core/bibWrite';
import { parseBibtex, type BibEntry } from '../../core/bibtex/parse';
import { documentEncoding, exportBibtex, paperToBibtex, preambleFor, renamedNote, unicodeNote, type BibEncoding } from '../../core/bibtex/export';
import type { Paper } from '../../core/model';
import { parseHayagriva } from '../../core/projectBibNames';
import { fileUriOf, projectFilesFor } from './projectFiles';
import type { Services } from '../services';
import { log } from '../log';
import { milestone } from '../status';

export interface BibTarget {
  /** Where new entries go. */
  uri: vscode.Uri;
  /** Every bibliography the document names. */
  all: vscode.Uri[];
  from: BibSource;
}

export interface BibIndex {
  target: BibTarget;
  /** Key → where it is defined (first file that has it). */
  entries: Map<string, { uri: vscode.Uri; entry: BibEntry }>;
}

/** Each settled addition is a milestone of the session: what was added and what was there already. */
function noted(run: Promise<AddResult>): Promise<AddResult> {
  void run.then(r => milestone('bib.entries', {
    bib: r.bib && vscode.workspace.asRelativePath(r.bib, false), added: r.added, present: r.present,
    ...(r.refused ? { refused: r.refused } : {}), ...(r.conflicts?.length ? { conflicts: r.conflicts.map(c => c.key) } : {}),
  }), () => undefined);
  return run;
}

export interface AddResult {
  added: string[];
  present: string[];
  bib?: vscode.Uri;
  /** Set when nothing could be written; already shown to the user. */
  refused?: string;
  /** Keys the .bib already uses for a different paper: not written, a free key offered. */
  conflicts?: { key: string; suggested: string }[];
  /** Keys whose BibTeX text was not one valid entry (logged, not written). */
  rejected?: string[];
}

/** The entry's text under another key (the key is the first thing after `@type{`). */
function renameEntry(bibtex: string, key: string, to: string): string {
  const i = bibtex.indexOf(key);
  return i < 0 ? bibtex : bibtex.slice(0, i) + to + bibtex.slice(i + key.length);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function openDoc(uri: vscode.Uri): vscode.TextDocument | undefined {
  const s = uri.toString();
  return vscode.workspace.textDocuments.find(d => d.uri.toString() === s);
}

async function exists(uri: vscode.Uri): Promise<vscode.FileStat | undefined> {
  try { return await vscode.workspace.fs.stat(uri); } catch { return undefined; }
}

export class ProjectBib implements vscode.Disposable {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly cache = new Map<string, { stamp: string; entries: BibEntry[] }>();
  private readonly announcedCreated = new Set<string>();
  /** Characters already named in the "kept as UTF-8" note: it is said once per character. */
  private readonly warnedChars = new Set<string>();
  /** Paths outside an untrusted workspace already logged as not read. */
  private readonly refusedSaid = new Set<string>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when a .bib changed (edited, saved, or changed on disk). */
  readonly onDidChange = this.emitter.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly services: Services) {
    const isBib = (u: vscode.Uri) => /\.bib$/i.test(u.path);
    this.subs.push(
      vscode.workspace.onDidChangeTextDocument(e => { if (isBib(e.document.uri) && e.contentChanges.length) this.emitter.fire(); }),
      vscode.workspace.onDidCloseTextDocument(d => { if (isBib(d.uri)) this.emitter.fire(); }),
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.bib');
    this.subs.push(watcher, watcher.onDidChange(() => this.emitter.fire()), watcher.onDidCreate(() => this.emitter.fire()), watcher.onDidDelete(() => this.emitter.fire()), this.emitter);
  }

  dispose(): void { for (const s of this.subs) s.dispose(); }

  /** Text of a document, open or not; undefined if it cannot be read. */
  private async readText(uri: vscode.Uri): Promise<string | undefined> {
    const doc = openDoc(uri);
    if (doc) return doc.getText();
    try {
      const bytes = await vscode.workspace.fs.readFile(uri);
      return new TextDecoder('utf-8').decode(bytes);
    } catch {
      return undefined;
    }
  }

  /** Which .bib `doc` cites from. */
  async locate(doc: { uri: vscode.Uri; getText(): string }): Promise<BibTarget> {
    const text = doc.getText();
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    const cfg = this.services.config.forDocument(doc.uri);
    let root: { path: string; text: string } | undefined;
    const rootPath = texRootOf(doc.uri.path, text);
    if (rootPath) {
      const rootUri = doc.uri.with({ path: rootPath });
      const rootText = await this.readText(rootUri);
      if (rootText !== undefined) root = { path: rootPath, text: rootText };
    }
    let setting = cfg.bibFile;
    // A Windows absolute path in the setting.
    if (setting && /^[a-zA-Z]:[\\/]/.test(setting)) setting = vscode.Uri.file(setting).path;
    const project = await projectFilesFor(doc.uri);
    const t = locateBib({ docPath: doc.uri.path, docText: text, ...(root ? { root } : {}), ...(setting ? { setting } : {}), ...(folder ? { workspaceFolder: folder.uri.path } : {}), project });
    // An untrusted workspace's documents may name any path: only files in its folders are read or written.
    const folders = (vscode.workspace.workspaceFolders ?? []).map(f => f.uri.path);
    const allowed = (p: string) => vscode.workspace.isTrusted || insideFolders(p, folders);
    const outside = t.all.filter(p => !allowed(p));
    if (outside.length && !this.refusedSaid.has(outside.join('\n'))) {
      this.refusedSaid.add(outside.join('\n'));
      log.warn(`[cite] not reading ${outside.join(', ')} (named by ${vscode.workspace.asRelativePath(doc.uri, false)}): outside the workspace folders, and this workspace is not trusted`);
    }
    // A notebook cell's .bib sits beside its notebook, on the notebook's file system.
    const home = fileUriOf(doc.uri);
    const all = t.all.filter(allowed).map(p => home.with({ path: p, fragment: '', query: '' }));
    // Prefer the first named bibliography that exists.
    let uri = home.with({ path: allowed(t.path) ? t.path : (all[0]?.path ?? home.path.replace(/[^/]*$/, 'references.bib')), fragment: '', query: '' });
    for (const u of all) if (openDoc(u) || (await exists(u))) { uri = u; break; }
    return { uri, all, from: t.from };
  }

  private async entriesOf(uri: vscode.Uri): Promise<BibEntry[]> {
    const doc = openDoc(uri);
    let stamp: string;
    let st: vscode.FileStat | undefined;
    if (doc) stamp = `doc:${doc.version}`;
    else {
      st = await exists(uri);
      if (!st || st.type & vscode.FileType.Directory) return [];
      stamp = `disk:${st.mtime}:${st.size}`;
    }
    const key = uri.toString();
    const hit = this.cache.get(key);
    if (hit && hit.stamp === stamp) return hit.entries;
    // A .bib that is also a library was already parsed in the worker: its keys and lines come from
    // there. Parsing it again here would stall the extension host (2.7 s for the 74 MB Anthology,
    // every keystroke waiting), right when the library becomes ready and diagnostics run.
    const lib = st && uri.scheme === 'file' ? this.services.library.librarySource(uri.fsPath) : undefined;
    // The library's reading is keyed by the file's change time (ctime), which VS Code's stat lacks:
    // asked of node only when the size already matches.
    const same = !!st && !!lib && lib.size === st.size && lib.changedMs !== undefined
      && lib.changedMs === await fs.promises.stat(uri.fsPath).then(s => s.ctimeMs, () => undefined);
    if (lib && same) {
      const entries = lib.papers.map((p): BibEntry => ({ type: '', key: p.id, fields: { ...(p.title ? { title: p.title } : {}), ...(p.DOI ? { doi: p.DOI } : {}) }, line: p.custom?.origins?.[0]?.line ?? 1, start: 0, end: 0 }));
      this.cache.set(key, { stamp, entries });
      return entries;
    }
    const text = await this.readText(uri);
    // Only the parse counts: it is what holds this thread (the read is asynchronous).
    const t = performance.now();
    // Typst also reads Hayagriva YAML bibliographies (read here, never written).
    const entries = text === undefined ? [] : /\.ya?ml$/i.test(uri.path) ? parseHayagriva(text) : parseBibtex(text, uri.path).entries;
    const took = performance.now() - t;
    if (took > 100) log.info(`[cite] project .bib ${vscode.workspace.asRelativePath(uri)}: ${entries.length} entries parsed on the extension host's thread in ${Math.round(took)} ms`);
    this.cache.set(key, { stamp, entries });
    return entries;
  }

  /** The keys of every bibliography the document names. */
  async index(doc: { uri: vscode.Uri; getText(): string }): Promise<BibIndex> {
    const target = await this.locate(doc);
    const entries = new Map<string, { uri: vscode.Uri; entry: BibEntry }>();
    const files = target.all.some(u => u.toString() === target.uri.toString()) ? target.all : [target.uri, ...target.all];
    for (const uri of files) for (const entry of await this.entriesOf(uri)) if (!entries.has(entry.key)) entries.set(entry.key, { uri, entry });
    return { target, entries };
  }

  /** `papercite.bibtex.encoding` for a document; `auto` reads its text and its folder's latexmkrc. */
  private async encodingFor(doc: { uri: vscode.Uri; getText(): string }): Promise<BibEncoding> {
    const setting = this.services.config.forDocument(doc.uri).bibtexEncoding;
    if (setting === 'utf8' || setting === 'ascii') return setting;
    const latexmkrc: string[] = [];
    for (const name of ['latexmkrc', '.latexmkrc']) {
      const text = await this.readText(vscode.Uri.joinPath(doc.uri, '..', name)).catch(() => undefined);
      if (text !== undefined) latexmkrc.push(text.slice(0, 65536));
    }
    return documentEncoding({ tex: [doc.getText().slice(0, 65536)], latexmkrc });
  }

  /** Adds the library's BibTeX for `keys` to the document's .bib. Serialised: one write at a time. */
  addEntries(keys: string[], docUri: vscode.Uri): Promise<AddResult> {
    const run = this.queue.then(() => this.addNow(keys, docUri));
    this.queue = run.catch(() => undefined);
    return noted(run);
  }

  /**
   * Appends entries whose BibTeX text is given (e.g. fetched online) to the document's .bib, with
   * the same checks and queue as `addEntries`; a key the .bib already has is left as it is.
   */
  addEntryTexts(entries: NewEntry[], docUri: vscode.Uri): Promise<AddResult> {
    const run = this.queue.then(() => this.addNow(entries.map(e => e.key), docUri, entries));
    this.queue = run.catch(() => undefined);
    return noted(run);
  }

  private async addNow(keys: string[], docUri: vscode.Uri, given?: readonly NewEntry[]): Promise<AddResult> {
    const doc = openDoc(docUri) ?? await vscode.workspace.openTextDocument(docUri);
    const { target, entries: known } = await this.index(doc);
    const bibName = vscode.workspace.asRelativePath(target.uri, false);
    const present: string[] = [];
    const wanted: NewEntry[] = [];
    const papers: Paper[] = [];
    const encoding = await this.encodingFor(doc);
    const kept = new Set<string>();
    const conflicts: { key: string; suggested: string; where: string; title: string; bibtex: string }[] = [];
    const lowerKnown = new Set([...known.keys()].map(k => k.toLowerCase()));
    for (const key of keys) {
      const text = given?.find(e => e.key === key)?.bibtex;
      const paper = text === undefined ? this.services.library.byKey(key) : undefined;
      const had = known.get(key);
      if (had) {
        // The same key for a different paper is not "present": say so and offer a free key.
        const bibtex = text ?? (paper && paperToBibtex(paper));
        const mine = bibtex ? parseBibtex(bibtex, key).entries[0] : undefined;
        if (bibtex && mine && !sameBibPaper(had.entry, mine)) {
          const suggested = distinctKey(key, k => lowerKnown.has(k) || !!this.services.library.byKey(k));
          conflicts.push({ key, suggested, where: `${vscode.workspace.asRelativePath(had.uri, false)}:${had.entry.line}`, title: had.entry.fields.title ?? '', bibtex });
        } else present.push(key);
        continue;
      }
      // Text given with the key (an online entry) is written as it is.
      if (text !== undefined) { wanted.push({ key, bibtex: text }); continue; }
      if (!paper) { log.warn(`[cite] ${key} is not in the library; no BibTeX entry to add`); continue; }
      const e = exportBibtex([paper], { encoding, noPreamble: true });
      const renamed = renamedNote(e.renamed);
      if (renamed) log.warn(`[cite] ${renamed}`);
      for (const c of e.unicode) kept.add(c);
      wanted.push({ key, bibtex: e.text });
      papers.push(paper);
    }
    for (const c of conflicts) {
      log.warn(`[cite] ${c.where} already uses ${c.key} for a different paper ("${c.title}"); not adding ${c.key}; offering ${c.suggested}`);
      const action = `Add as ${c.suggested}`;
      void vscode.window.showWarningMessage(`PaperCite did not add ${c.key}: ${c.where} already uses that key for a different paper. Add this paper to ${bibName} as ${c.suggested} (then cite it by that key)?`, action).then(choice => {
        if (choice !== action) return;
        const run = this.queue.then(() => this.writeEntries([{ key: c.suggested, bibtex: renameEntry(c.bibtex, c.key, c.suggested) }], docUri));
        this.queue = run.catch(() => undefined);
        void run.then(r => { if (r.added.length) void vscode.window.showInformationMessage(`PaperCite added ${c.suggested} to ${bibName}; cite it as ${c.suggested}.`); });
      });
    }
    const conflictKeys = conflicts.map(c => ({ key: c.key, suggested: c.suggested }));
    if (!wanted.length) return { added: [], present, bib: target.uri, ...(conflicts.length ? { conflicts: conflictKeys } : {}) };
    const note = unicodeNote([...kept].filter(c => !this.warnedChars.has(c)));
    if (note) {
      for (const c of kept) this.warnedChars.add(c);
      log.warn(`[cite] ${note}`);
    }
    const result = await this.writeEntries(wanted, docUri, present, papers);
    return conflicts.length ? { ...result, conflicts: [...(result.conflicts ?? []), ...conflictKeys] } : result;
  }

  /** Writes `wanted` into the document's .bib (already checked against its index). */
  private async writeEntries(wanted: NewEntry[], docUri: vscode.Uri, present: string[] = [], papers: readonly Paper[] = []): Promise<AddResult> {
    const doc = openDoc(docUri) ?? await vscode.workspace.openTextDocument(docUri);
    const target = await this.locate(doc);
    const bibName = vscode.workspace.asRelativePath(target.uri, false);

    const refuse = (why: string): AddResult => {
      log.warn(`[cite] not writing ${bibName}: ${why}`);
      void vscode.window.showWarningMessage(`PaperCite did not change ${bibName}: ${why}`, 'Open Log').then(c => { if (c) log.show(true); });
      return { added: [], present, bib: target.uri, refused: why };
    };

    // Refuse what cannot be written safely: not BibTeX (a Hayagriva or CSL YAML/JSON file), read-only, not UTF-8, a directory.
    if (!/\.bib$/i.test(target.uri.path)) return refuse(`${bibName} is not a .bib file; PaperCite writes BibTeX only (name a .bib in the bibliography list to add entries)`);
    let created = false;
    const stat = await exists(target.uri);
    if (stat) {
      if (stat.type & vscode.FileType.Directory) return refuse(`${bibName} is a directory`);
      if (vscode.workspace.fs.isWritableFileSystem(target.uri.scheme) === false || (stat.permissions ?? 0) & vscode.FilePermission.Readonly) return refuse(`${bibName} is read-only`);
      if (target.uri.scheme === 'file') {
        // Mode bits as well as access: an administrator can write anything, but a file marked
        // read-only is the user saying "do not touch".
        try {
          fs.accessSync(target.uri.fsPath, fs.constants.W_OK);
          if ((fs.statSync(target.uri.fsPath).mode & 0o222) === 0) return refuse(`${bibName} is read-only`);
        } catch { return refuse(`${bibName} is read-only`); }
      }
      try {
        decoder.decode(await vscode.workspace.fs.readFile(target.uri));
      } catch {
        return refuse(`${bibName} is not UTF-8 text; convert it to UTF-8 (or add the entries by hand) so PaperCite cannot garble it`);
      }
    } else if (!openDoc(target.uri)) {
      const edit = new vscode.WorkspaceEdit();
      edit.createFile(target.uri, { ignoreIfExists: true });
      if (!(await vscode.workspace.applyEdit(edit))) return refuse(`could not create ${bibName}`);
      created = true;
    }

    const bib = openDoc(target.uri) ?? await vscode.workspace.openTextDocument(target.uri);
    const enc = (bib as { encoding?: string }).encoding;
    if (enc && !/^utf-?8(bom)?$/i.test(enc)) return refuse(`${bibName} is open with the ${enc} encoding; PaperCite writes UTF-8 only`);
    const wasDirty = bib.isDirty && !created;
    // The @preamble the new entries use (\noopsort…), once, unless the .bib has it already.
    const preamble = preambleFor(papers, bib.getText());
    if (preamble) wanted[0] = { ...wanted[0]!, bibtex: preamble + '\n' + wanted[0]!.bibtex };
    const plan = planBibInsert(bib.getText(), wanted, bibName);
    if (!plan.ok) return refuse(plan.reason);
    for (const c of plan.caseConflicts) log.warn(`[cite] ${bibName} has ${c.existing}, which BibTeX takes for ${c.key}; not adding ${c.key}`);
    for (const r of plan.rejected) log.error(`[cite] BibTeX for ${r.key} was not valid, not added: ${r.reason}`);
    for (const c of plan.keyConflicts) {
      log.warn(`[cite] ${bibName}:${c.line} already uses ${c.key} for a different paper ("${c.existingTitle}"); not adding ${c.key}`);
      void vscode.window.showWarningMessage(`PaperCite did not add ${c.key}: ${bibName}:${c.line} already uses that key for a different paper ("${c.existingTitle.slice(0, 80)}"); ${c.suggested} is free.`);
    }
    if (plan.cleaned.length) {
      const what = plan.cleaned.map(c => `${c.count} in ${c.key}`).join(', ');
      log.warn(`[cite] removed control characters (NUL, ESC, …) from the library text before writing to ${bibName}: ${what}`);
      void vscode.window.showWarningMessage(`PaperCite removed control characters (NUL, ESC, …) that the library had in ${plan.cleaned.map(c => c.key).join(', ')} before writing to ${bibName}.`);
    }
    if (plan.edits.length) {
      const edit = new vscode.WorkspaceEdit();
      for (const e of plan.edits) edit.insert(bib.uri, bib.positionAt(e.offset), e.text);
      if (!(await vscode.workspace.applyEdit(edit))) return refuse('the editor rejected the edit');
      if (!wasDirty) {
        // Keep the file on disk right; a .bib with the user's unsaved edits is left for them to save.
        if (!(await bib.save())) log.warn(`[cite] could not save ${bibName}`);
      }
    }
    log.info(`[cite] ${bibName}: added ${plan.added.join(', ') || 'nothing'}${plan.present.length ? `; already there: ${plan.present.join(', ')}` : ''}${wasDirty ? ' (left unsaved: it had unsaved changes)' : ''}`);
    if (created && !this.announcedCreated.has(target.uri.toString())) {
      this.announcedCreated.add(target.uri.toString());
      const hint = /\.typ$/i.test(docUri.path) ? `add #bibliography("${target.uri.path.replace(/^.*\//, '')}") to the main .typ file so Typst finds it`
        : /\.(?:md|markdown|rmd|qmd)$/i.test(docUri.path) ? 'add `bibliography: references.bib` to the front matter so pandoc finds it'
          : 'add \\bibliography{references} or \\addbibresource{references.bib} to the document so LaTeX finds it';
      void vscode.window.showInformationMessage(`PaperCite created ${bibName} for your citations; ${hint}.`);
    }
    if (plan.caseConflicts.length) {
      void vscode.window.showWarningMessage(`PaperCite: ${bibName} has ${plan.caseConflicts.map(c => `${c.existing} (for ${c.key})`).join(', ')}; BibTeX treats keys differing only in case as one, so nothing was added for them.`);
    }
    this.emitter.fire();
    const conflicts = plan.keyConflicts.map(c => ({ key: c.key, suggested: c.suggested }));
    return {
      added: plan.added, present: [...present, ...plan.present], bib: target.uri,
      ...(conflicts.length ? { conflicts } : {}), ...(plan.rejected.length ? { rejected: plan.rejected.map(r => r.key) } : {}),
    };
  }
}
