// A small XML reader for the provider answers (arXiv Atom, DBLP search XML): one linear pass, no
// recursion, no DTD or external entities (only the five predefined ones and numeric references),
// element count and depth capped. Every element knows its children and the text of all its
// descendants (an offset range into one shared text buffer), which is all the parsers need.

export interface XmlNode {
  /** Qualified name as written (`opensearch:totalResults`). */
  name: string;
  /** Name without prefix (`totalResults`). */
  local: string;
  attrs: Record<string, string>;
  children: number[];
  textStart: number;
  textEnd: number;
}

export interface XmlDoc {
  nodes: XmlNode[];
  text: string;
  /** Index of the root element, -1 when there is none. */
  root: number;
}

export const MAX_NODES = 200_000;
export const MAX_DEPTH = 64;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** `&amp;`, `&#233;`, `&#xE9;` decoded; an unknown entity is kept as written. */
export function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/g, (all, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '\uFFFD';
    }
    return ENTITIES[e] ?? all;
  });
}

/** Thrown for text that is not XML (an HTML error page is usually still read; a truncated body is not). */
export class XmlError extends Error {}

export function parseXml(src: string): XmlDoc {
  const nodes: XmlNode[] = [];
  const stack: number[] = [];
  const text: string[] = [];
  let textLen = 0;
  let root = -1;
  let skipDepth = 0; // elements open beyond MAX_DEPTH (their text still counts for the ancestors)
  const n = src.length;
  let i = 0;
  const addText = (t: string) => {
    if (!t) return;
    text.push(t);
    textLen += t.length;
  };
  while (i < n) {
    const lt = src.indexOf('<', i);
    if (lt < 0) { if (stack.length) addText(decodeEntities(src.slice(i))); break; }
    if (lt > i && stack.length) addText(decodeEntities(src.slice(i, lt)));
    if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (src.startsWith('<![CDATA[', lt)) {
      const end = src.indexOf(']]>', lt + 9);
      if (stack.length) addText(src.slice(lt + 9, end < 0 ? n : end));
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (src.startsWith('<?', lt)) {
      const end = src.indexOf('?>', lt + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (src.startsWith('<!', lt)) {
      // DOCTYPE: skipped whole (an internal subset ends at `]>`); its entities are never used.
      const gt = src.indexOf('>', lt);
      if (gt < 0) break;
      let bracket = -1;
      for (let k = lt + 2; k < gt; k++) if (src.charCodeAt(k) === 91 /* [ */) { bracket = k; break; }
      const end = bracket < 0 ? gt : src.indexOf(']>', bracket);
      i = end < 0 ? n : end + (end === gt ? 1 : 2);
      continue;
    }
    const gt = findTagEnd(src, lt + 1);
    if (gt < 0) throw new XmlError('unterminated tag');
    const raw = src.slice(lt + 1, gt);
    i = gt + 1;
    if (raw[0] === '/') {
      if (skipDepth > 0) { skipDepth--; continue; }
      const top = stack.pop();
      if (top !== undefined) nodes[top]!.textEnd = textLen;
      continue;
    }
    const selfClosing = raw.endsWith('/');
    const body = selfClosing ? raw.slice(0, -1) : raw;
    const m = /^([^\s/>]+)/.exec(body);
    if (!m) continue;
    if (stack.length >= MAX_DEPTH || skipDepth > 0 || nodes.length >= MAX_NODES) {
      if (!selfClosing) skipDepth++;
      continue;
    }
    const name = m[1]!;
    const colon = name.indexOf(':');
    const node: XmlNode = { name, local: colon >= 0 ? name.slice(colon + 1) : name, attrs: attributes(body.slice(name.length)), children: [], textStart: textLen, textEnd: textLen };
    const index = nodes.push(node) - 1;
    const parent = stack[stack.length - 1];
    if (parent !== undefined) nodes[parent]!.children.push(index);
    else if (root < 0) root = index;
    if (!selfClosing) stack.push(index);
  }
  if (stack.length) throw new XmlError(`the document ends inside <${nodes[stack[stack.length - 1]!]!.name}>`);
  return { nodes, text: text.join(''), root };
}

/** The `>` ending a tag that starts at `from`, skipping quoted attribute values. */
function findTagEnd(src: string, from: number): number {
  let quote = 0;
  for (let k = from; k < src.length; k++) {
    const c = src.charCodeAt(k);
    if (quote) { if (c === quote) quote = 0; }
    else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return k;
  }
  return -1;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * `name="value"` pairs of a tag, in one scan: a name is a run without space or `=`, a value is
 * quoted; anything else is passed over. (A regex retried at each character of a long run of
 * name characters is quadratic.)
 */
function attributes(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const n = s.length;
  const unclosed = new Set<number>(); // quote characters with no closing one left in `s`
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isSpace(c) || c === 61 /* = */) { i++; continue; }
    const start = i;
    while (i < n && !isSpace(s.charCodeAt(i)) && s.charCodeAt(i) !== 61) i++;
    let j = i;
    while (j < n && isSpace(s.charCodeAt(j))) j++;
    if (s.charCodeAt(j) !== 61) continue;
    j++;
    while (j < n && isSpace(s.charCodeAt(j))) j++;
    const q = s.charCodeAt(j);
    if ((q !== 34 && q !== 39) || unclosed.has(q)) continue;
    const close = s.indexOf(q === 34 ? '"' : "'", j + 1);
    if (close < 0) { unclosed.add(q); continue; }
    out[s.slice(start, i)] = decodeEntities(s.slice(j + 1, close));
    i = close + 1;
  }
  return out;
}

/** Text of an element and its descendants, whitespace collapsed. */
export function textOf(doc: XmlDoc, i: number | undefined): string {
  if (i === undefined || i < 0) return '';
  const node = doc.nodes[i]!;
  return doc.text.slice(node.textStart, node.textEnd).replace(/\s+/g, ' ').trim();
}

/** Children of element `i` with local name `local`. */
export function childrenNamed(doc: XmlDoc, i: number, local: string): number[] {
  return doc.nodes[i]?.children.filter(c => doc.nodes[c]!.local === local) ?? [];
}

export function child(doc: XmlDoc, i: number, local: string): number | undefined {
  return doc.nodes[i]?.children.find(c => doc.nodes[c]!.local === local);
}
