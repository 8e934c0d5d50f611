// Plans adding BibTeX entries to a user's .bib text without risking a byte of it: entries go at the
// end, after a newline, in the file's own line endings; a key already present is never added again;
// a file whose end is damaged (an unclosed entry) is refused rather than written into.
import { parseBibtex } from './bibtex/parse';
import { bibKeyAccepted } from './citekey';

/** Insert `text` at `offset` (after removing `length` chars, always 0 here: we only append). */
export interface TextEdit {
  offset: number;
  length: number;
  text: string;
}

export interface NewEntry {
  key: string;
  /** The entry's BibTeX text (any line endings). */
  bibtex: string;
}

export type BibWritePlan =
  | {
      ok: true;
      /** Zero or one edit: nothing to do when every key is present. */
      edits: TextEdit[];
      added: string[];
      /** Requested keys the file already holds. */
      present: string[];
      /** Requested keys the file holds in another letter case (BibTeX treats them as one key): not added. */
      caseConflicts: { key: string; existing: string }[];
      /** Requested entries that were not valid BibTeX for their key: not added. */
      rejected: { key: string; reason: string }[];
      eol: '\n' | '\r\n' | '\r';
    }
  | { ok: false; reason: string; line?: number };

/** The dominant line ending of a text (LF for a text without one). */
export function detectEol(text: string): '\n' | '\r\n' | '\r' {
  let crlf = 0, lf = 0, cr = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) { if (text.charCodeAt(i + 1) === 10) { crlf++; i++; } else cr++; } else if (c === 10) lf++;
  }
  if (crlf >= lf && crlf >= cr && crlf > 0) return '\r\n';
  if (cr > lf) return '\r';
  return '\n';
}

interface Block { at: number; type: string; key?: string; closed: boolean; end: number }

/**
 * The top-level `@type{…}` blocks of a .bib, read with BibTeX's own rule (braces balance, `(…)`
 * entries close on `)`). Independent of the full parser, as a second opinion on what is present.
 */
export function scanBlocks(text: string): Block[] {
  const out: Block[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const at = text.indexOf('@', i);
    if (at < 0) break;
    let j = at + 1;
    while (j < n && /[A-Za-z0-9_-]/.test(text[j]!)) j++;
    const type = text.slice(at + 1, j).toLowerCase();
    while (j < n && /\s/.test(text[j]!)) j++;
    const open = text[j];
    if (!type || (open !== '{' && open !== '(')) {
      out.push({ at, type, closed: false, end: j });
      i = at + 1;
      continue;
    }
    let depth = 0;
    let end = -1;
    for (let k = j; k < n; k++) {
      const c = text[k];
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (open === '{' && depth === 0) { end = k + 1; break; }
        if (depth < 0) break;
      } else if (c === ')' && open === '(' && depth === 0) { end = k + 1; break; }
    }
    const keyMatch = /^[\s]*([^\s,{}()=#"%']+)\s*,/.exec(text.slice(j + 1, j + 1 + 500));
    const block: Block = { at, type, closed: end >= 0, end: end >= 0 ? end : n };
    if (keyMatch && type !== 'string' && type !== 'comment' && type !== 'preamble') block.key = keyMatch[1]!;
    out.push(block);
    if (end < 0) break;
    i = end;
  }
  return out;
}

function lineOf(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Plans appending `entries` to `text`. Pure; the caller applies the edits to the same text. */
export function planBibInsert(text: string, entries: readonly NewEntry[], file = '<bib>'): BibWritePlan {
  if (text.includes('\u0000')) return { ok: false, reason: `${file} contains binary data (NUL bytes); PaperCite does not write into it` };
  const blocks = scanBlocks(text);
  const last = blocks[blocks.length - 1];
  if (last && !last.closed) {
    const line = lineOf(text, last.at);
    return { ok: false, line, reason: `${file}:${line}: the entry starting here is not closed (unbalanced braces), so adding at the end of the file could merge into it; fix the file first` };
  }
  const parsed = parseBibtex(text, file);
  const tailLine = last ? lineOf(text, last.at) : 1;
  const tailProblem = parsed.problems.find(p => p.line >= tailLine && /not closed|ended early|expected `[)}]`/.test(p.message));
  if (tailProblem) {
    return { ok: false, line: tailProblem.line, reason: `${file}:${tailProblem.line}: ${tailProblem.message}; fix the file before PaperCite adds entries` };
  }

  const present = new Map<string, string>(); // lower-case → as written
  for (const e of parsed.entries) present.set(e.key.toLowerCase(), e.key);
  for (const b of blocks) if (b.key && !present.has(b.key.toLowerCase())) present.set(b.key.toLowerCase(), b.key);

  const eol = detectEol(text);
  const plan = { ok: true as const, edits: [] as TextEdit[], added: [] as string[], present: [] as string[], caseConflicts: [] as { key: string; existing: string }[], rejected: [] as { key: string; reason: string }[], eol };
  const chunks: string[] = [];
  for (const { key, bibtex } of entries) {
    const existing = present.get(key.toLowerCase());
    if (existing === key) { if (!plan.present.includes(key)) plan.present.push(key); continue; }
    if (existing !== undefined) { plan.caseConflicts.push({ key, existing }); continue; }
    if (!bibKeyAccepted(key)) { plan.rejected.push({ key, reason: `bibtex or biber would reject the key ${JSON.stringify(key)}` }); continue; }
    const check = parseBibtex(bibtex, `entry ${key}`);
    const bad = check.problems.find(p => p.severity === 'error');
    if (check.entries.length !== 1 || check.entries[0]!.key !== key || bad || scanBlocks(bibtex).some(b => !b.closed)) {
      plan.rejected.push({ key, reason: bad ? bad.message : `the BibTeX text is not one entry with the key ${key}` });
      continue;
    }
    chunks.push(bibtex.trim().replace(/\r\n|\r|\n/g, eol) + eol);
    present.set(key.toLowerCase(), key);
    plan.added.push(key);
  }
  if (!chunks.length) return plan;
  const body = text.replace(/^\uFEFF/, '');
  let prefix = '';
  if (body.trim().length > 0) {
    // Line breaks ending the file (CRLF counts once): none → two, one → one more (a blank line).
    const tail = /(?:[ \t]*(?:\r\n|\r|\n))*[ \t]*$/.exec(text)![0];
    const breaks = tail.match(/\r\n|\r|\n/g)?.length ?? 0;
    prefix = breaks === 0 ? eol + eol : breaks === 1 ? eol : '';
  }
  plan.edits.push({ offset: text.length, length: 0, text: prefix + chunks.join(eol) });
  return plan;
}

/** Applies edits (from the end backwards, so offsets stay valid). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.text + out.slice(e.offset + e.length);
  return out;
}
