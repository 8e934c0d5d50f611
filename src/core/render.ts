// Abstracts as scraped pages write them, LaTeX and a little Markdown included, turned into plain
// runs the abstract panel renders with `textContent` (text), KaTeX (math) and VS Code's
// openExternal (links). Nothing here produces HTML: whatever is not recognised stays text.

export type Inline =
  | { kind: 'text'; text: string; strong?: boolean; em?: boolean }
  | { kind: 'math'; tex: string; display: boolean }
  | { kind: 'link'; href: string; text: string };

/** Paragraphs of inline runs. */
export type RichText = Inline[][];

/** Math longer than this stays text (KaTeX input is bounded). */
export const MAX_MATH = 1000;

/** The URL when it is an absolute http(s) URL without spaces or control characters, else undefined. */
export function safeHttpUrl(raw: string): string | undefined {
  const s = raw.trim();
  if (!/^https?:\/\//i.test(s) || /[\s\u0000-\u001f\u007f<>"`\\]/.test(s)) return undefined;
  try {
    const u = new URL(s);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    if (!u.hostname) return undefined;
    return u.href;
  } catch {
    return undefined;
  }
}

const TEXT_ESCAPES: Record<string, string> = { '$': '$', '%': '%', '&': '&', '_': '_', '#': '#', '{': '{', '}': '}' };
/** Abbreviation macros papers define and abstracts keep (`\eg` → "e.g."). */
const TEXT_MACROS: Record<string, string> = { eg: 'e.g.', ie: 'i.e.', etal: 'et al.', vs: 'vs.', etc: 'etc.', wrt: 'w.r.t.' };

/** LaTeX text escapes (`\%`, `\&`, `\_`, …) to their characters; everything else kept as written. */
export function unescapeLatexText(s: string): string {
  return s.replace(/\\([$%&_#{}])/g, (_, c: string) => TEXT_ESCAPES[c]!);
}

/**
 * For each `{` of a paragraph, the index of its `}` (-1: none): one pass with a stack, so many
 * unclosed `\\href{` cost no more than one (a search per brace would be quadratic).
 */
function braceMatches(s: string): Map<number, number> {
  const out = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92) { i++; continue; }
    if (c === 123) { open.push(i); out.set(i, -1); } else if (c === 125 && open.length) out.set(open.pop()!, i);
  }
  return out;
}

/**
 * The first closing emphasis marker at or after a position, remembered: each query that falls
 * between the last query and its answer is answered without scanning again, so a paragraph of
 * many `*a` is read once instead of once per star.
 */
class Closers {
  private from = -1;
  private found = -1;
  constructor(private readonly s: string, private readonly mark: string) {}
  /** A marker not after a space (for `*`: not part of `**`). */
  private isCloser(i: number): boolean {
    const s = this.s;
    if (!s.startsWith(this.mark, i) || /\s/.test(s[i - 1] ?? ' ')) return false;
    return this.mark !== '*' || (s[i + 1] !== '*' && s[i - 1] !== '*');
  }
  next(p: number): number {
    if (p >= this.from && p <= this.found) return this.found;
    let i = p;
    const n = this.s.length;
    while (i < n) {
      i = this.s.indexOf(this.mark, i);
      if (i < 0) { i = n; break; }
      if (this.isCloser(i)) break;
      i++;
    }
    this.from = p; this.found = i;
    return i;
  }
}

/** End (exclusive) of inline math opened by `$` at `open`, or -1 (pandoc's rules: no space inside the delimiters, no digit after). */
function inlineMathEnd(s: string, open: number): number {
  const first = s[open + 1];
  if (first === undefined || /\s/.test(first) || first === '$') return -1;
  for (let i = open + 1; i < s.length && i - open <= MAX_MATH; i++) {
    const c = s[i];
    if (c === '\\') { i++; continue; }
    if (c === '\n' && s[i + 1] === '\n') return -1;
    if (c === '$') {
      if (/\s/.test(s[i - 1]!) || /\d/.test(s[i + 1] ?? '')) continue;
      return i + 1;
    }
  }
  return -1;
}

/** End (exclusive) of the closing delimiter `close` searched from `from`, or -1. */
function delimitedEnd(s: string, from: number, close: string): number {
  for (let i = from; i < s.length && i - from <= MAX_MATH; i++) {
    if (s.startsWith(close, i)) return i > from ? i + close.length : -1;
    if (s[i] === '\\' && !s.startsWith(close, i)) { i++; continue; }
    if (s[i] === '\n' && s[i + 1] === '\n') return -1;
  }
  return -1;
}

/** Whether a Markdown emphasis marker opening at `at` has a closing one in the paragraph. */
function hasClosing(s: string, at: number, closers: Closers, len: number): boolean {
  const after = s[at + len];
  if (after === undefined || /\s/.test(after) || after === '*') return false;
  return closers.next(at + len + 1) < s.length;
}

const BARE_URL = /^https?:\/\/[^\s<>"'`{}\[\]\\]+/i;

/** One paragraph to runs. */
function inlines(s: string): Inline[] {
  const out: Inline[] = [];
  let buf = '';
  let strong = false, em = false;
  const flush = () => {
    if (!buf) return;
    const last = out[out.length - 1];
    if (last && last.kind === 'text' && !!last.strong === strong && !!last.em === em) last.text += buf;
    else out.push({ kind: 'text', text: buf, ...(strong ? { strong } : {}), ...(em ? { em } : {}) });
    buf = '';
  };
  const push = (r: Inline) => { flush(); out.push(r); };
  let braces: Map<number, number> | undefined;
  const closeBrace = (_: string, open: number) => (braces ??= braceMatches(s)).get(open) ?? -1;
  const stars = new Closers(s, '*'), doubleStars = new Closers(s, '**');
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\\') {
      const next = s[i + 1];
      if (next !== undefined && next in TEXT_ESCAPES) { buf += next; i += 2; continue; }
      const cmd = /^\\(href|url)\s*\{/.exec(s.slice(i, i + 8));
      if (cmd) {
        const open1 = i + cmd[0].length - 1;
        const close1 = closeBrace(s, open1);
        if (close1 > 0) {
          const url = s.slice(open1 + 1, close1);
          if (cmd[1] === 'url') {
            const href = safeHttpUrl(url);
            if (href) { push({ kind: 'link', href, text: url.trim() }); i = close1 + 1; continue; }
            buf += s.slice(i, close1 + 1); i = close1 + 1; continue;
          }
          let open2 = close1 + 1;
          while (s[open2] === ' ') open2++;
          const close2 = s[open2] === '{' ? closeBrace(s, open2) : -1;
          if (close2 > 0) {
            const href = safeHttpUrl(url);
            const text = unescapeLatexText(s.slice(open2 + 1, close2)).trim();
            if (href) push({ kind: 'link', href, text: text || href });
            else buf += s.slice(i, close2 + 1); // an unsafe or relative target stays visible as written
            i = close2 + 1;
            continue;
          }
        }
      }
      const macro = /^\\([a-zA-Z]+)(?![a-zA-Z])/.exec(s.slice(i, i + 12));
      if (macro && macro[1]! in TEXT_MACROS) {
        buf += TEXT_MACROS[macro[1]!];
        i += macro[0].length;
        if (s[i] === '.' && TEXT_MACROS[macro[1]!]!.endsWith('.')) i++; // "\eg." is still one full stop
        continue;
      }
      if (next === '(' || next === '[') {
        const end = delimitedEnd(s, i + 2, next === '(' ? '\\)' : '\\]');
        if (end > 0) { push({ kind: 'math', tex: s.slice(i + 2, end - 2), display: next === '[' }); i = end; continue; }
      }
      buf += c; i++; continue;
    }
    if (c === '$') {
      if (s[i + 1] === '$') {
        const end = delimitedEnd(s, i + 2, '$$');
        if (end > 0) { push({ kind: 'math', tex: s.slice(i + 2, end - 2), display: true }); i = end; continue; }
        buf += '$$'; i += 2; continue;
      }
      const end = inlineMathEnd(s, i);
      if (end > 0) { push({ kind: 'math', tex: s.slice(i + 1, end - 1), display: false }); i = end; continue; }
      buf += c; i++; continue;
    }
    if (c === '*') {
      if (s[i + 1] === '*') {
        if (strong && i > 0 && !/\s/.test(s[i - 1]!)) { flush(); strong = false; i += 2; continue; }
        if (!strong && hasClosing(s, i, doubleStars, 2)) { flush(); strong = true; i += 2; continue; }
        buf += '**'; i += 2; continue;
      }
      if (em && i > 0 && !/\s/.test(s[i - 1]!)) { flush(); em = false; i++; continue; }
      if (!em && hasClosing(s, i, stars, 1)) { flush(); em = true; i++; continue; }
      buf += c; i++; continue;
    }
    if (c === '[') {
      const m = /^\[([^\]\n]{1,300})\]\(([^)\s]{1,2000})\)/.exec(s.slice(i, i + 2400));
      const href = m ? safeHttpUrl(m[2]!) : undefined;
      if (m && href) { push({ kind: 'link', href, text: m[1]! }); i += m[0].length; continue; }
      buf += c; i++; continue; // other Markdown links (command:, javascript:, …) stay text as written
    }
    if ((c === 'h' || c === 'H') && (i === 0 || !/[\p{L}\p{N}]/u.test(s[i - 1]!))) {
      const m = BARE_URL.exec(s.slice(i, i + 2100));
      if (m) {
        const raw = m[0].replace(/[.,;:!?)]+$/, '');
        const href = safeHttpUrl(raw);
        if (href) { push({ kind: 'link', href, text: raw }); i += raw.length; continue; }
      }
    }
    buf += c; i++;
  }
  flush();
  return out;
}

/** An abstract (or any page text) to paragraphs of runs. */
export function renderAbstract(src: string | undefined): RichText {
  if (!src) return [];
  const text = src.replace(/\r\n?/g, '\n');
  return text.split(/\n[ \t]*\n+/).map(p => p.trim()).filter(Boolean).map(inlines);
}

/** The runs back to plain text (math as its TeX source between `$`), e.g. for a tooltip excerpt. */
export function richToPlain(rich: RichText): string {
  return rich.map(par => par.map(r => r.kind === 'math' ? `$${r.tex}$` : r.text).join('')).join('\n\n');
}
