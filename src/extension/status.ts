// What PaperCite did in this session, as data: milestones with their fields (the library ready,
// a source searchable, a file re-read) and the features' own state. The internal command
// `papercite.getState` returns it, so tests and benchmarks read numbers, not log wording.
import * as vscode from 'vscode';
import { Commands } from './ids';
import { registerCommand } from './registerCommand';
import type { LibraryState, Services, SourceStatus } from './services';
import { activationMarked, sinceActivation } from './timing';

/** One thing that happened, `atMs` after activation; the other fields depend on its name. */
export interface Milestone {
  name: MilestoneName;
  atMs: number;
  [field: string]: unknown;
}

export type MilestoneName =
  /** The bundled corpus is in: {papers, readMs, index: 'prebuilt' | 'built', indexMs}. */
  | 'library.corpus'
  /** The first load finished: {state, papers, sources, worker, maxStallMs}. */
  | 'library.ready'
  /** A big source is searchable before its entries are decoded: {file, entries}. */
  | 'source.searchable'
  /** A big file read for the first time: its first part is searchable while the rest is parsed: {file, entries, share, sinceRequestMs}. */
  | 'source.firstPart'
  /** A source is in the library: {file, entries, fromCache, parseMs, problems, error?}. */
  | 'source.loaded'
  /** A changed library file was re-read and is searchable: {file, ms}. */
  | 'source.changed'
  /** A shared .bib was read with a document's own bibliography list: {file, list, outcome, differ, problems, ms}. */
  | 'source.listReading'
  /** The first completion list: {items, papers, state}. */
  | 'completion.first'
  /** The Papers tree redrew after a library change: {groups, changed} (changed = groups when whole). */
  | 'tree.refreshed'
  /** The paper panel's Content-Security-Policy blocked something: {directive, blocked}. */
  | 'panel.cspViolation'
  /** The first online row of a search: {ms} after it was sent. */
  | 'online.firstRow'
  /** A notification about failing online services: {providers}. */
  | 'online.notified'
  /** An online search ended (its failures reported): {query, failed, aborted}. */
  | 'online.searched'
  /** Entries added to a project .bib, or found there already: {file, added, present}. */
  | 'bib.entries';

export interface PaperCiteState {
  /** Changes with each extension host (e.g. after Reload Window). */
  session: string;
  version: string;
  activated: boolean;
  library: {
    state: LibraryState;
    papers: number;
    sources: (Omit<SourceStatus, 'problems'> & { problems: number; errors: number })[];
  };
  milestones: Milestone[];
  /** Sections features add (completion timings, online services...). */
  [section: string]: unknown;
}

const MAX_MILESTONES = 2000;
const milestones: Milestone[] = [];
const sections = new Map<string, () => unknown>();
const session = `${process.pid}-${Date.now().toString(36)}`;

/** Records a milestone of this session (the oldest go first past a cap: a long session stays small). */
export function milestone(name: MilestoneName, fields: Record<string, unknown> = {}): void {
  milestones.push({ ...fields, name, atMs: Math.round(sinceActivation() * 10) / 10 });
  if (milestones.length > MAX_MILESTONES) milestones.splice(0, milestones.length - MAX_MILESTONES);
}

/** Adds a section to the state; `read` is called on each getState. */
export function stateSection(name: string, read: () => unknown): vscode.Disposable {
  sections.set(name, read);
  return new vscode.Disposable(() => { if (sections.get(name) === read) sections.delete(name); });
}

export function snapshot(services: Pick<Services, 'context' | 'library'>): PaperCiteState {
  const lib = services.library;
  const state: PaperCiteState = {
    session,
    version: String(services.context.extension.packageJSON.version),
    activated: activationMarked(),
    library: {
      state: lib.state,
      papers: lib.papers.length,
      sources: lib.sources.map(s => ({ ...s, problems: s.problems.length, errors: s.problems.filter(p => p.severity === 'error').length })),
    },
    milestones: [...milestones],
  };
  for (const [name, read] of sections) {
    try { state[name] = read(); } catch (err) { state[name] = { error: String(err) }; }
  }
  return state;
}

/** The internal getState command (hidden from the palette). */
export function registerState(services: Pick<Services, 'context' | 'library'>): vscode.Disposable {
  return registerCommand(Commands.getState, 'Reading the state', () => snapshot(services));
}
