// Hover and go-to-definition on a cited key.
import * as vscode from 'vscode';
import { citedKeyAt, citeSyntaxFor } from '../../core/citeContext';
import { paperToBibtex } from '../../core/bibtex/export';
import { scanTypst } from '../../core/typstCite';
import { Commands } from '../ids';
import type { Services } from '../services';
import { commandLink, escapeMarkdown, paperMarkdown } from './format';
import type { ProjectBib } from './projectBib';

const WINDOW = 3000;

function keyAt(services: Services, doc: vscode.TextDocument, position: vscode.Position) {
  const offset = doc.offsetAt(position);
  const base = Math.max(0, offset - WINDOW);
  const text = doc.getText(new vscode.Range(doc.positionAt(base), doc.positionAt(offset + WINDOW)));
  const k = citedKeyAt(text, offset - base, { syntax: citeSyntaxFor(doc.languageId, doc.fileName), customCommands: services.config.forDocument(doc.uri).customCiteCommands });
  if (!k) return undefined;
  // Typst: `@intro` naming a heading's `<intro>` is a cross-reference, not a citation.
  if (k.kind === 'typst' && !k.command && scanTypst(doc.getText()).labels.has(k.key)) return undefined;
  return { key: k.key, range: new vscode.Range(doc.positionAt(base + k.start), doc.positionAt(base + k.end)) };
}

export class CiteHoverProvider implements vscode.HoverProvider {
  constructor(private readonly services: Services, private readonly bib: ProjectBib) {}

  async provideHover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const found = keyAt(this.services, doc, position);
    if (!found) return undefined;
    // As this document's bibliography list reads the key's .bib (another document's may define its macros otherwise).
    const paper = this.services.library.paperFor(found.key, doc.uri);
    // Only these two commands may run from the hover; every other part is plain, escaped text.
    const md = new vscode.MarkdownString('', false);
    md.isTrusted = { enabledCommands: [Commands.openPaper, Commands.copyBibtex] };
    md.supportHtml = false;
    if (paper) {
      md.appendMarkdown(paperMarkdown(paper, { abstractChars: 600 }));
      md.appendMarkdown('\n\n' + commandLink('Open paper', Commands.openPaper, [paper.id]) + ' · ' + commandLink('Copy BibTeX', Commands.copyBibtex, [paper.id, doc.uri.toString()]));
      return new vscode.Hover(md, found.range);
    }
    const index = await this.bib.index(doc);
    const local = index.entries.get(found.key);
    if (local) {
      const f = local.entry.fields;
      md.appendMarkdown(`**${escapeMarkdown(f.title ?? found.key)}**\n\n${escapeMarkdown([f.author, f.year].filter(Boolean).join(' · '))}\n\n`);
      md.appendMarkdown(escapeMarkdown(`${vscode.workspace.asRelativePath(local.uri, false)}:${local.entry.line}`));
      return new vscode.Hover(md, found.range);
    }
    md.appendMarkdown(escapeMarkdown(`${found.key}: not in the library nor in ${vscode.workspace.asRelativePath(index.target.uri, false)}`));
    return new vscode.Hover(md, found.range);
  }
}

/**
 * The document a link names (a URI string in a hover link's arguments or a view's query), whose
 * bibliography list may read an entry its own way; undefined when there is none or it is not a URI.
 */
export function linkedDocument(s: unknown): vscode.Uri | undefined {
  if (typeof s !== 'string' || !s) return undefined;
  try {
    return vscode.Uri.parse(s, true);
  } catch {
    return undefined;
  }
}

/**
 * Corpus-only keys resolve to a read-only view of the BibTeX PaperCite would add. The query names
 * the document asked from (its bibliography list may read the entry's .bib its own way).
 */
export const PAPER_SCHEME = 'papercite-paper';

export class PaperBibContent implements vscode.TextDocumentContentProvider {
  constructor(private readonly services: Services) {}
  provideTextDocumentContent(uri: vscode.Uri): string {
    const key = decodeURIComponent(uri.path.replace(/^\//, '').replace(/\.bib$/, ''));
    let query: string | undefined;
    try { query = decodeURIComponent(uri.query); } catch { query = undefined; }
    const p = this.services.library.paperFor(key, linkedDocument(query));
    return p ? `% ${key}: from the PaperCite library; not yet in the project's .bib\n${paperToBibtex(p)}\n` : `% ${key}: unknown to PaperCite\n`;
  }
}

export class CiteDefinitionProvider implements vscode.DefinitionProvider {
  constructor(private readonly services: Services, private readonly bib: ProjectBib) {}

  async provideDefinition(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Definition | vscode.LocationLink[] | undefined> {
    const found = keyAt(this.services, doc, position);
    if (!found) return undefined;
    const index = await this.bib.index(doc);
    const local = index.entries.get(found.key);
    if (local) {
      // The parser's line, not its offsets: the editor may hold the file with other line endings.
      const start = new vscode.Position(Math.max(0, local.entry.line - 1), 0);
      return [{ originSelectionRange: found.range, targetUri: local.uri, targetRange: new vscode.Range(start, start.translate(1, 0)), targetSelectionRange: new vscode.Range(start, start) }];
    }
    if (this.services.library.paperFor(found.key, doc.uri)) {
      const uri = vscode.Uri.from({ scheme: PAPER_SCHEME, path: `/${encodeURIComponent(found.key)}.bib`, ...(doc.uri.scheme === 'file' ? { query: encodeURIComponent(doc.uri.toString()) } : {}) });
      return [{ originSelectionRange: found.range, targetUri: uri, targetRange: new vscode.Range(0, 0, 1, 0) }];
    }
    return undefined;
  }
}
