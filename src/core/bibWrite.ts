// Plans adding BibTeX entries to a user's .bib text without risking a byte of it: entries go at the
// end, after a newline, in the file's own line endings; a key already present is never added again;
// a file whose end is damaged (an unclosed entry) is refused rather than written into.
import { latexToUnicode } from './bibtex/latex';
import { loneCrToLf, parseBibtex, type BibEntry } from './bibtex/parse';
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
      /** Requested keys the file holds for a different paper: not added; `suggested` is free. */
      keyConflicts: { key: string; line: number; existingTitle: string; suggested: string }[];
      /** Entries added without the control characters (NUL, ESC, …) their library text had. */
      cleaned: { key: string; count: number }[];
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
  // Next newline and `%` at or after a position, kept so a one-line file is scanned once.
  let qNl = -1, cNl = -1, qPct = -1, cPct = -1;
  let commented = false;
  while (i < n) {
    const at = text.indexOf('@', i);
    if (at < 0) break;
    // An `@` after a `%` on its line (outside entries) is a comment, as the reader has it.
    let from = i, newLine = false;
    for (;;) {
      if (from < qNl || from > cNl) { const k = text.indexOf('\n', from); qNl = from; cNl = k < 0 ? n : k; }
      if (cNl >= at) break;
      from = cNl + 1; newLine = true;
    }
    if (newLine) commented = false;
    if (!commented) {
      if (from < qPct || from > cPct) { const k = text.indexOf('%', from); qPct = from; cPct = k < 0 ? n : k; }
      commented = cPct < at;
    }
    if (commented) { i = at + 1; continue; }
    let j = at + 1;
    while (j < n && /[A-Za-z0-9_-]/.test(text[j]!)) j++;
    const type = text.slice(at + 1, j).toLowerCase();
    while (j < n && /\s/.test(text[j]!)) j++;
    const open = text[j];
    // `@` in free text (an address in a comment line, `@word`): not a block.
    if (!type || (open !== '{' && open !== '(')) { i = at + 1; continue; }
    let depth = 0;
    let end = -1;
    for (let k = j; k < n; k++) {
      const c = text.charCodeAt(k);
      if (c === 123) depth++;
      else if (c === 125) {
        depth--;
        if (open === '{' && depth === 0) { end = k + 1; break; }
        if (depth < 0) break;
      } else if (c === 41 && open === '(' && depth === 0) { end = k + 1; break; }
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

/** C0/C1 control characters other than tab and line breaks: never written into a .bib. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** A title or DOI to compare two entries by (LaTeX decoded, case and punctuation ignored). */
function fingerprint(e: BibEntry): { title: string; doi: string } {
  const title = latexToUnicode(e.fields.title ?? '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  const doi = (e.fields.doi ?? '').toLowerCase().replace(/^https?:\/\/(dx\.)?doi\.org\//, '').trim();
  return { title, doi };
}

/** Do two entries with one key describe the same paper? Same DOI, else same title; no title: yes. */
export function sameBibPaper(a: BibEntry, b: BibEntry): boolean {
  const fa = fingerprint(a), fb = fingerprint(b);
  if (fa.doi && fb.doi) return fa.doi === fb.doi;
  if (!fa.title || !fb.title) return true;
  return fa.title === fb.title;
}

/** `key` with the first free suffix b, c, …, z, then 2, 3, … (compared without case, as BibTeX does). */
export function distinctKey(key: string, taken: (lowerKey: string) => boolean): string {
  for (let c = 98; c <= 122; c++) { const k = key + String.fromCharCode(c); if (!taken(k.toLowerCase())) return k; }
  for (let i = 2; ; i++) { const k = `${key}-${i}`; if (!taken(k.toLowerCase())) return k; }
}

function lineOf(text: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Plans appending `entries` to `text`. Pure; the caller applies the edits to the same text. */
export function planBibInsert(text: string, entries: readonly NewEntry[], file = '<bib>'): BibWritePlan {
  if (text.includes('\u0000')) return { ok: false, reason: `${file} contains binary data (NUL bytes); PaperCite does not write into it` };
  // Lines as the reader sees them (a CR alone ends a line), so both agree on what is commented out.
  const lf = loneCrToLf(text);
  const blocks = scanBlocks(lf);
  const last = blocks[blocks.length - 1];
  if (last && !last.closed) {
    const line = lineOf(lf, last.at);
    return { ok: false, line, reason: `${file}:${line}: the entry starting here is not closed (unbalanced braces), so adding at the end of the file could merge into it; fix the file first` };
  }
  const parsed = parseBibtex(text, file);
  const tailLine = last ? lineOf(lf, last.at) : 1;
  const tailProblem = parsed.problems.find(p => p.line >= tailLine && /not closed|ended early|expected `[)}]`/.test(p.message));
  if (tailProblem) {
    return { ok: false, line: tailProblem.line, reason: `${file}:${tailProblem.line}: ${tailProblem.message}; fix the file before PaperCite adds entries` };
  }

  const present = new Map<string, string>(); // lower-case → as written
  const entryOf = new Map<string, BibEntry>();
  for (const e of parsed.entries) { present.set(e.key.toLowerCase(), e.key); if (!entryOf.has(e.key)) entryOf.set(e.key, e); }
  for (const b of blocks) if (b.key && !present.has(b.key.toLowerCase())) present.set(b.key.toLowerCase(), b.key);

  const eol = detectEol(text);
  const plan = {
    ok: true as const, edits: [] as TextEdit[], added: [] as string[], present: [] as string[],
    caseConflicts: [] as { key: string; existing: string }[], rejected: [] as { key: string; reason: string }[],
    keyConflicts: [] as { key: string; line: number; existingTitle: string; suggested: string }[],
    cleaned: [] as { key: string; count: number }[], eol,
  };
  const chunks: string[] = [];
  const expected = new Map<string, Record<string, string>>();
  const wantedLower = new Set(entries.map(e => e.key.toLowerCase()));
  for (const entry of entries) {
    const key = entry.key;
    let bibtex = entry.bibtex;
    const existing = present.get(key.toLowerCase());
    if (existing === key) {
      const old = entryOf.get(key);
      const mine = old && parseBibtex(bibtex.replace(CONTROL, ''), `entry ${key}`).entries[0];
      if (old && mine && !sameBibPaper(old, mine)) {
        const suggested = distinctKey(key, k => present.has(k) || wantedLower.has(k));
        plan.keyConflicts.push({ key, line: old.line, existingTitle: latexToUnicode(old.fields.title ?? ''), suggested });
      } else if (!plan.present.includes(key)) plan.present.push(key);
      continue;
    }
    if (existing !== undefined) { plan.caseConflicts.push({ key, existing }); continue; }
    if (!bibKeyAccepted(key)) { plan.rejected.push({ key, reason: `bibtex or biber would reject the key ${JSON.stringify(key)}` }); continue; }
    const controls = bibtex.match(CONTROL)?.length ?? 0;
    if (controls) { bibtex = bibtex.replace(CONTROL, ''); plan.cleaned.push({ key, count: controls }); }
    const check = parseBibtex(bibtex, `entry ${key}`);
    const bad = check.problems.find(p => p.severity === 'error');
    if (check.entries.length !== 1 || check.entries[0]!.key !== key || bad || scanBlocks(bibtex).some(b => !b.closed)) {
      plan.rejected.push({ key, reason: bad ? bad.message : `the BibTeX text is not one entry with the key ${key}` });
      continue;
    }
    chunks.push(bibtex.trim().replace(/\r\n|\r|\n/g, eol) + eol);
    expected.set(key, check.entries[0]!.fields);
    present.set(key.toLowerCase(), key);
    plan.added.push(key);
  }
  if (!chunks.length) return plan;
  const body = text.replace(/^\uFEFF/, '');
  let prefix = '';
  if (body.trim().length > 0) {
    // Line breaks ending the file (CRLF counts once): none → two, one → one more (a blank line).
    // Read backwards by hand: a regular expression anchored at `$` retries from every space.
    let breaks = 0;
    for (let k = text.length - 1; k >= 0 && breaks < 2; k--) {
      const c = text.charCodeAt(k);
      if (c === 10) { breaks++; if (text.charCodeAt(k - 1) === 13) k--; } else if (c === 13) breaks++;
      else if (c !== 32 && c !== 9) break;
    }
    prefix = breaks === 0 ? eol + eol : breaks === 1 ? eol : '';
  }
  plan.edits.push({ offset: text.length, length: 0, text: prefix + chunks.join(eol) });
  // The last word goes to PaperCite's own reader: every new entry must read back once, as planned
  // (a `%` comment or macro at the end of the file that the brace count cannot see could swallow it).
  const after = parseBibtex(applyEdits(text, plan.edits), file).entries;
  for (const [key, fields] of expected) {
    const found = after.filter(e => e.key === key);
    // Field names, not values: the file's own @string macros may give `month = jan` another text.
    if (found.length !== 1 || Object.keys(found[0]!.fields).join() !== Object.keys(fields).join()) {
      const line = last ? lineOf(lf, last.at) : 1;
      return { ok: false, line, reason: `${file}:${line}: the end of the file, from the entry starting here, would take in an entry added after it (a \`%\` comment or an unclosed value?); fix the file before PaperCite adds entries` };
    }
  }
  return plan;
}

/** Applies edits (from the end backwards, so offsets stay valid). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.text + out.slice(e.offset + e.length);
  return out;
}
