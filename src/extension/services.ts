import type * as vscode from 'vscode';
import type { ListProblem } from '../core/documentPapers';
import type { Paper, SourceProblem } from '../core/model';
import type { SearchHit } from '../core/search';
import type { ParsedSource } from '../core/sources/types';
import type { ConfigService } from './config';
import type { OnlineService } from './online/onlineService';

export type LibraryState = 'loading' | 'ready' | 'empty' | 'failed';

/** One library source as the Sources view shows it. */
export interface SourceStatus {
  /** Absolute path, or `bundled:corpus` for the bundled corpus. */
  id: string;
  label: string;
  kind: 'corpus' | 'bibtex' | 'csl-json' | 'page';
  entries: number;
  parseMs: number;
  problems: SourceProblem[];
  /** Set when the whole source could not be read. */
  error?: string;
  /** `searchable`: its entries are still being decoded (not yet merged or in the tree). */
  state: 'searchable' | 'ready';
  /** While searchable from the first part of the file only (a first reading): the share read, 0..1. */
  readShare?: number;
}

/** The papers PaperCite knows: the bundled corpus plus the user's libraries. Views only read it. */
export interface LibraryService extends vscode.Disposable {
  readonly state: LibraryState;
  /** Settles once the first load finished (successfully or not). */
  readonly ready: Promise<void>;
  /** Fires after any source was (re)loaded. */
  readonly onDidChange: vscode.Event<void>;
  readonly papers: readonly Paper[];
  readonly sources: readonly SourceStatus[];
  byKey(key: string): Paper | undefined;
  /**
   * The paper a document sees for a key: `byKey`'s, except where a `.bib` file shared with other
   * documents is read differently with this document's own bibliography list (other macros before
   * it): then as that reading has it. What a document shows (hover, completion details,
   * diagnostics, definition) goes through this; search ranks on `byKey`'s papers. `shown`: the
   * library's paper for the key when the caller has it (a search hit), so it is not looked up again.
   */
  paperFor(key: string, document: vscode.Uri | undefined, shown?: Paper): Paper | undefined;
  /** The problems this document's own bibliography list has with the entry of a key (an undefined macro). */
  listProblemsFor(key: string, document: vscode.Uri): ListProblem[];
  /** A loaded library file: its papers in file order (their own keys and lines) and the size and time it was read at. */
  librarySource(file: string): Pick<ParsedSource, 'papers' | 'size' | 'changedMs'> | undefined;
  search(query: string, limit?: number): SearchHit[];
  /** Papers whose key starts with `prefix` (case-insensitive), shortest keys first. */
  keysStartingWith(prefix: string, max: number): Paper[];
  /** The newest `limit` papers. */
  newest(limit: number): Paper[];
  /** Re-reads every source. */
  reload(): Promise<void>;
}

/** What features get at registration. */
export interface Services {
  context: vscode.ExtensionContext;
  config: ConfigService;
  library: LibraryService;
  online: OnlineService;
}
