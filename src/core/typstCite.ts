// Typst citations: `@key` references (with `[supplement]`), `#cite(<key>)`, `#cite(label("key"))`,
// `#cite(<key>, form: …)`; label definitions `<name>` (a `@name` naming one is a cross-reference,
// not a citation); `#bibliography(…)` paths. One linear scan with an explicit mode stack (markup,
// content blocks, code), so raw text, comments, strings and math never count.

/** Where a Typst citation's key sits. */
export type TypstForm = 'ref' | 'angle' | 'string';

export interface TypstSite {
  form: TypstForm;
  /** Offset of the `@`, `<` or opening `"`. */
  open: number;
  keyStart: number;
  keyEnd: number;
  /** `<…>` or `"…"` closed (a `@ref` is always closed). */
  closed: boolean;
  /** After the closing `>` / `"`, else keyEnd. */
  end: number;
}

export interface TypstScan {
  sites: TypstSite[];
  /** Labels the text defines (`= Intro <intro>`, `#figure(…) <fig>`). */
  labels: Set<string>;
  /** The text after each `bibliography(` (at most 2000 characters). */
  bibliographyArgs: string[];
}

/** Characters of a Typst label literal and `@ref` (checked against the compiler: test/unit/typst*.test.ts). */
const LABEL_CHAR = /[\p{XID_Continue}\-:.]/u;
const LABEL_FIRST = /[\p{XID_Continue}\-]/u;
const IDENT_START = /[\p{XID_Start}_]/u;
const IDENT_CHAR = /[\p{XID_Continue}\-]/u;

/** Can `key` be written as `<key>`? */
export function isTypstLabel(key: string): boolean {
  return key.length > 0 && /^[\p{XID_Continue}\-][\p{XID_Continue}\-:.]*$/u.test(key);
}

/** Can `key` be written as `@key` (a trailing `.` or `:` would end the reference early)? */
export function isTypstRef(key: string): boolean {
  return isTypstLabel(key) && !/[.:]$/.test(key);
}

/** `label("…")` with the key as a Typst string. */
export function typstLabelCall(key: string): string {
  return `label("${key.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}")`;
}

/** The argument of `#cite(…)` naming `key`. */
export function typstLabelArg(key: string): string {
  return isTypstLabel(key) ? `<${key}>` : typstLabelCall(key);
}

export type TypstCiteStyle = 'at' | 'cite';

/** Citation text for `keys` at a place with no citation: `@a @b`, or `#cite(<a>)#cite(<b>)`. */
export function typstCitationText(keys: readonly string[], style: TypstCiteStyle = 'at'): string {
  const parts = keys.map(k => style === 'at' && isTypstRef(k) ? `@${k}` : `#cite(${typstLabelArg(k)})`);
  return style === 'at' ? parts.join(' ') : parts.join('');
}

/** A phrase typed inside `<…` or `label("…` is at most this long (chars). */
const PHRASE_MAX = 120;
/** Deeper nesting than this is read flat (bounded memory; only exotic input gets there). */
const MAX_DEPTH = 256;
const KEYWORDS = new Set(['let', 'set', 'show', 'import', 'include', 'if', 'for', 'while', 'return', 'context']);

type Mode = 'markup' | 'content' | 'paren' | 'brace' | 'line';
interface Frame { mode: Mode; chain: boolean }

function isNl(c: string | undefined): boolean { return c === '\n' || c === '\r'; }

/** Scans `text[from, to)`, assuming markup at `from`. Linear in `to - from`. */
export function scanTypst(text: string, from = 0, to = text.length): TypstScan {
  const sites: TypstSite[] = [];
  const labels = new Set<string>();
  const bibliographyArgs: string[] = [];
  const stack: Frame[] = [{ mode: 'markup', chain: false }];
  let depthOverflow = 0;
  const top = () => stack[stack.length - 1]!;
  const push = (mode: Mode, chain: boolean) => {
    if (stack.length >= MAX_DEPTH) { depthOverflow++; return; }
    stack.push({ mode, chain });
  };
  /** Pops a frame closed by `close`; returns whether the popped frame continues an embedded chain. */
  const pop = (mode: Mode): boolean | undefined => {
    if (depthOverflow > 0) { depthOverflow--; return false; }
    if (stack.length > 1 && top().mode === mode) return stack.pop()!.chain;
    return undefined;
  };

  let i = from;
  const skipLineComment = () => { while (i < to && !isNl(text[i])) i++; };
  const skipBlockComment = () => {
    let depth = 0;
    while (i < to) {
      if (text[i] === '/' && text[i + 1] === '*') { depth++; i += 2; continue; }
      if (text[i] === '*' && text[i + 1] === '/') { depth--; i += 2; if (depth === 0) return; continue; }
      i++;
    }
  };
  const skipString = () => { // at the opening quote
    i++;
    while (i < to && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i = Math.min(to, i + 1);
  };
  const skipRaw = () => { // at a backtick run
    let n = 0;
    while (i + n < to && text[i + n] === '`') n++;
    i += n;
    if (n === 2) return; // empty raw
    for (;;) {
      const j = text.indexOf('`'.repeat(n), i);
      if (j < 0 || j >= to) { i = to; return; }
      let k = j + n;
      while (k < to && text[k] === '`') k++;
      i = k;
      if (k - j === n || n === 1) return;
    }
  };
  const readIdent = (): string => {
    const s = i;
    i++;
    while (i < to && IDENT_CHAR.test(text[i]!)) i++;
    return text.slice(s, i);
  };
  /** After `cite(`: a `<label>` or `label("…")` first argument becomes a site. */
  const citeArgument = () => {
    let j = i;
    while (j < to && (text[j] === ' ' || text[j] === '\t' || isNl(text[j]))) j++;
    if (text[j] === '<') {
      const s = j + 1;
      let k = s;
      while (k < to && k - s < PHRASE_MAX && !/[>()<,"\n\r\[\]{}]/.test(text[k]!)) k++;
      const closed = text[k] === '>';
      let e = k;
      if (!closed) while (e > s && /\s/.test(text[e - 1]!)) e--;
      sites.push({ form: 'angle', open: j, keyStart: s, keyEnd: e, closed, end: closed ? k + 1 : e });
      i = closed ? k + 1 : e;
      return;
    }
    if (text.startsWith('label', j)) {
      let k = j + 5;
      while (k < to && (text[k] === ' ' || text[k] === '\t')) k++;
      if (text[k] !== '(') return;
      k++;
      while (k < to && (text[k] === ' ' || text[k] === '\t')) k++;
      if (text[k] !== '"') return;
      const s = k + 1;
      let m = s;
      while (m < to && m - s < PHRASE_MAX * 2 && text[m] !== '"' && !isNl(text[m])) m += text[m] === '\\' ? 2 : 1;
      const closed = text[m] === '"';
      sites.push({ form: 'string', open: k, keyStart: s, keyEnd: Math.min(m, to), closed, end: closed ? m + 1 : Math.min(m, to) });
      // `label(` is open: its `)` is read by the scan.
      push('paren', false);
      i = closed ? m + 1 : Math.min(m, to);
    }
  };
  /** An identifier in code: `cite(` and `bibliography(` calls are noted; keywords start a line statement. */
  const codeIdent = (chainAllowed: boolean) => {
    const prev = text[i - 1];
    const name = readIdent();
    if (text[i] === '(' && prev !== '.') {
      if (name === 'cite') { i++; push('paren', chainAllowed); citeArgument(); return true; }
      if (name === 'bibliography') {
        bibliographyArgs.push(text.slice(i + 1, Math.min(to, i + 2000)));
      }
    }
    return name;
  };
  /** After `#`: an embedded expression (`#name.field(…)[…]`, `#{…}`, `#(…)`, `#let …`). */
  const embedded = () => {
    const c = text[i];
    if (c === '{') { i++; push('brace', false); return; }
    if (c === '(') { i++; push('paren', true); return; }
    if (c === '[') { i++; push('content', true); return; }
    if (c === undefined || !IDENT_START.test(c)) return;
    const r = codeIdent(true);
    if (r === true) return;
    if (KEYWORDS.has(r)) { push('line', false); return; }
    continueChain();
  };
  /** `.field`, `(args)` and `[content]` continue an embedded expression. */
  const continueChain = () => {
    for (;;) {
      const c = text[i];
      if (c === '(') { i++; push('paren', true); return; }
      if (c === '[') { i++; push('content', true); return; }
      if (c === '.' && i + 1 < to && IDENT_START.test(text[i + 1]!)) {
        i++;
        const r = codeIdent(true);
        if (r === true) return;
        continue;
      }
      return;
    }
  };

  while (i < to) {
    const c = text[i]!;
    const mode = top().mode;
    if (mode === 'markup' || mode === 'content') {
      if (c === '\\') { i += 2; continue; }
      if (c === '/' && text[i + 1] === '/') { skipLineComment(); continue; }
      if (c === '/' && text[i + 1] === '*') { skipBlockComment(); continue; }
      if (c === '`') { skipRaw(); continue; }
      if (c === 'h' && /^https?:\/\//.test(text.slice(i, i + 8))) { while (i < to && !/[\s\]\)>]/.test(text[i]!)) i++; continue; }
      if (c === '$') { // math: no references; `\$` escapes
        i++;
        while (i < to && text[i] !== '$') i += text[i] === '\\' ? 2 : 1;
        i++;
        continue;
      }
      if (c === '@') {
        const s = i + 1;
        let k = s;
        while (k < to && k - s < 300 && LABEL_CHAR.test(text[k]!)) k++;
        while (k > s && (text[k - 1] === '.' || text[k - 1] === ':')) k--;
        sites.push({ form: 'ref', open: i, keyStart: s, keyEnd: k, closed: true, end: k });
        i = k;
        // `@key[p. 7]`: the supplement is markup.
        if (k > s && text[i] === '[') { i++; push('content', false); }
        continue;
      }
      if (c === '<' && i + 1 < to && LABEL_FIRST.test(text[i + 1]!)) {
        let k = i + 1;
        while (k < to && k - i < 300 && LABEL_CHAR.test(text[k]!)) k++;
        if (text[k] === '>') { labels.add(text.slice(i + 1, k)); i = k + 1; continue; }
        i++;
        continue;
      }
      if (c === '#') { i++; embedded(); continue; }
      if (c === ']' && mode === 'content') {
        i++;
        if (pop('content')) continueChain();
        continue;
      }
      i++;
      continue;
    }
    // code
    if (c === '"') { skipString(); continue; }
    if (c === '/' && text[i + 1] === '/') { skipLineComment(); continue; }
    if (c === '/' && text[i + 1] === '*') { skipBlockComment(); continue; }
    if (c === '`') { skipRaw(); continue; }
    if (isNl(c) && mode === 'line') { i++; pop('line'); continue; }
    if (c === ';' && mode === 'line') { i++; pop('line'); continue; }
    if (c === '(') { i++; push('paren', false); continue; }
    if (c === '{') { i++; push('brace', false); continue; }
    if (c === '[') { i++; push('content', false); continue; }
    if (c === ')' || c === '}') {
      i++;
      // A line statement ends with the group that holds it.
      while (top().mode === 'line' && stack.length > 1) stack.pop();
      if (pop(c === ')' ? 'paren' : 'brace')) continueChain();
      continue;
    }
    if (c === ']') {
      // A content block closing while a statement line is open (`#if x [a]`).
      i++;
      continue;
    }
    if (c === '<' && i + 1 < to && LABEL_FIRST.test(text[i + 1]!)) {
      // A label literal in code (`ref(<x>)`, `show <x>: …`): not a citation.
      let k = i + 1;
      while (k < to && k - i < 300 && LABEL_CHAR.test(text[k]!)) k++;
      i = text[k] === '>' ? k + 1 : i + 1;
      continue;
    }
    if (IDENT_START.test(c) && !IDENT_CHAR.test(text[i - 1] ?? ' ')) { codeIdent(false); continue; }
    i++;
  }
  return { sites, labels, bibliographyArgs };
}

/** The bibliography paths named by `#bibliography("a.bib")` or `#bibliography(("a.bib", "b.yml"))`. */
export function typstBibliographyPaths(text: string): string[] {
  const out: string[] = [];
  for (const args of scanTypst(text).bibliographyArgs) {
    // Only the first (positional) argument: a string or an array of strings.
    const m = /^\s*(?:"((?:[^"\\\n]|\\.)*)"|\(([^()]*)\))/.exec(args);
    if (!m) continue;
    const strings = m[1] !== undefined ? [m[1]] : [...m[2]!.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)].map(x => x[1]!);
    for (const s of strings) {
      const p = s.replace(/\\(.)/g, '$1').trim();
      if (p && !out.includes(p)) out.push(p);
    }
  }
  return out;
}

/** What a Typst citation context holds beyond the key (see `CiteContext.typst`). */
export interface TypstSiteInfo { form: TypstForm; open: number; closed: boolean; end: number }

/**
 * The edit that puts `key` where the user typed `prefix` (offsets `start`…`keyEnd`): the key itself
 * where the syntax takes it, else the whole citation rewritten to `label("…")` so it stays valid.
 */
export function typstKeyEdit(site: TypstSiteInfo, start: number, keyEnd: number, key: string): { start: number; end: number; text: string } {
  if (site.form === 'ref') {
    return isTypstRef(key) ? { start, end: keyEnd, text: key } : { start: site.open, end: keyEnd, text: `#cite(${typstLabelCall(key)})` };
  }
  if (site.form === 'angle') {
    if (isTypstLabel(key)) return { start, end: keyEnd, text: site.closed ? key : `${key}>` };
    return { start: site.open, end: site.closed ? site.end : keyEnd, text: typstLabelCall(key) };
  }
  const quoted = typstLabelCall(key).slice(7, -2);
  return { start, end: keyEnd, text: site.closed ? quoted : `${quoted}"` };
}

/** The cited key whose citation ends at most 3 characters before `offset` (after accepting `<key>`, `label("key")`). */
export function typstKeyEndingNear(text: string, offset: number): string | undefined {
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1) + 1, offset - 2000);
  const { sites } = scanTypst(text, lineStart, offset);
  const s = sites[sites.length - 1];
  if (!s || s.keyEnd <= s.keyStart || !s.closed || offset - s.end > 3 || s.end > offset) return undefined;
  const raw = text.slice(s.keyStart, s.keyEnd);
  return s.form === 'string' ? raw.replace(/\\(.)/g, '$1') : raw;
}

/**
 * Insert Citation inside a Typst citation: the first key replaces what was typed (`replace`),
 * the others follow the citation as their own (`@b`, or `#cite(…)` after a `#cite(…)` call).
 */
export function typstInsertEdits(text: string, site: TypstSiteInfo, start: number, keyEnd: number, keys: readonly string[], replace: boolean, style: TypstCiteStyle = 'at'): { start: number; end: number; text: string }[] {
  if (!keys.length) return [];
  const edits: { start: number; end: number; text: string }[] = [];
  const rest = replace ? keys.slice(1) : keys;
  if (replace) edits.push(typstKeyEdit(site, start, keyEnd, keys[0]!));
  if (!rest.length) return edits;
  let after = site.form === 'ref' ? keyEnd : site.end;
  if (site.form !== 'ref') {
    // After the call's `)`, when it follows (`#cite(<a>, form: "prose")`).
    const close = text.indexOf(')', after);
    const nl = text.indexOf('\n', after);
    if (close >= 0 && (nl < 0 || close < nl) && close - after < 300) after = close + 1;
  }
  const sep = site.form === 'ref' || style === 'at' ? ' ' : '';
  edits.push({ start: after, end: after, text: sep + typstCitationText(rest, style) });
  return edits;
}

/**
 * Replacing the cited key at `start…end` by `key` (a quick fix): the key itself where the form
 * takes it, else the citation rewritten to `label("…")` (`@a` → `#cite(label("a/b"))`).
 */
export function typstReplaceKey(text: string, start: number, end: number, key: string): { start: number; end: number; text: string } {
  const before = text[start - 1];
  if (before === '@' && !isTypstRef(key)) return { start: start - 1, end, text: `#cite(${typstLabelCall(key)})` };
  if (before === '<' && !isTypstLabel(key)) return { start: start - 1, end: text[end] === '>' ? end + 1 : end, text: typstLabelCall(key) };
  if (before === '"') return { start, end, text: typstLabelCall(key).slice(7, -2) };
  return { start, end, text: key };
}
