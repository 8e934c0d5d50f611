// A seeded generator of hostile inputs (issue 16): each case puts one crafted piece among real
// entries (the Anthology and proof-engineering excerpts in test/fixtures/bib) and says which keys
// must survive and at which line the problem must be reported. `benign` is a file of the same size
// and shape without the attack, for time bounds relative to it measured in the same run.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { rng } from '../../bench/data';
import { parseBibtex } from '../../src/core/bibtex/parse';

export { rng };

const fixtures = path.resolve(__dirname, '../fixtures/bib');

/** Real entries (text and key), each standing alone. */
export const REAL: { key: string; text: string; title: string }[] = (() => {
  const out: { key: string; text: string; title: string }[] = [];
  for (const f of ['anthology-excerpt.bib', 'proof-engineering-excerpt.bib']) {
    const text = readFileSync(path.join(fixtures, f), 'utf8');
    const r = parseBibtex(text, f);
    for (const e of r.entries) if (e.raw === text.slice(e.start, e.end) && e.fields.title) out.push({ key: e.key, text: e.raw, title: e.fields.title });
  }
  return out;
})();

export interface HostileCase {
  name: string;
  text: string;
  /** Keys of the good entries around the attack: all must load. */
  good: string[];
  /** 1-based line where a problem must be reported (undefined: none required). */
  line?: number;
  /** What the problem's message must say. */
  message?: RegExp;
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Good entries with fresh keys (real text, keys suffixed so they never clash). */
function goods(r: () => number, n: number, tag: string): { keys: string[]; text: string } {
  const keys: string[] = [];
  let text = '';
  for (let i = 0; i < n; i++) {
    const e = pick(r, REAL);
    const key = `${e.key}-${tag}${i}`;
    keys.push(key);
    text += e.text.replace(e.key, key) + '\n\n';
  }
  return { keys, text };
}

const lines = (s: string) => s.split('\n').length - 1;

/** The attack `bad` (with the offset of its reported line inside it) between good entries. */
function around(r: () => number, name: string, bad: string, badLine: number | undefined, message?: RegExp, n = 3): HostileCase {
  const before = goods(r, n, 'b'), after = goods(r, n, 'a');
  const text = before.text + bad + '\n\n' + after.text;
  return { name, text, good: [...before.keys, ...after.keys], ...(badLine !== undefined ? { line: lines(before.text) + badLine } : {}), ...(message ? { message } : {}) };
}

/** `@string` macros that double: `a1 = a0 # a0`, … (`depth` of them). */
export function macroBomb(r: () => number, depth = 24 + Math.floor(r() * 8)): HostileCase {
  let s = `@string{m0 = "${'x'.repeat(4 + Math.floor(r() * 12))}"}\n`;
  for (let i = 1; i <= depth; i++) s += `@string{m${i} = m${i - 1} # m${i - 1}}\n`;
  s += `@misc{bomb, title = m${depth} # m${depth}}`;
  // The first @string whose value passes the cap: 2^i * len > 1 MiB.
  const len = /"(x+)"/.exec(s)![1]!.length;
  let first = 1;
  while (len * 2 ** first <= 1 << 20) first++;
  return around(r, 'macro bomb', s, first + 1, /grows past \d+ characters through @string macros/);
}

/** A chain of `length` crossrefs (each entry's parent is the next). */
export function crossrefChain(r: () => number, length = 2000 + Math.floor(r() * 3000)): HostileCase {
  let s = '';
  for (let i = 0; i < length; i++) s += `@inproceedings{chain${i}, title = {Link ${i}}, crossref = {chain${i + 1}}}\n`;
  s += `@proceedings{chain${length}, title = {The End}, year = 2001}`;
  return around(r, 'crossref chain', s, 65, /chain of more than 64 crossrefs/);
}

/** A crossref loop of `length` entries. */
export function crossrefLoop(r: () => number, length = 2 + Math.floor(r() * 50)): HostileCase {
  let s = '';
  for (let i = 0; i < length; i++) s += `@misc{loop${i}, title = {L${i}}, crossref = {loop${(i + 1) % length}}}\n`;
  return around(r, 'crossref loop', s.trimEnd(), length, /forms a loop/);
}

/** Braces nested `depth` deep in a title (and an author). */
export function deepBraces(r: () => number, depth = 2000 + Math.floor(r() * 20000)): HostileCase {
  const s = `@misc{deep,\n  title = {${'{'.repeat(depth)}Deep${'}'.repeat(depth)}},\n  author = {${'{'.repeat(depth)}A. Author${'}'.repeat(depth)}}\n}`;
  const c = around(r, 'deep braces', s, undefined);
  c.good.push('deep');
  return c;
}

/** A `.bib` on one line: `n` entries separated by spaces. */
export function oneLine(r: () => number, n = 20000): HostileCase {
  const keys: string[] = [];
  let s = '';
  for (let i = 0; i < n; i++) {
    const e = pick(r, REAL);
    keys.push(`one${i}`);
    s += `@misc{one${i}, title = {${e.title.replace(/\s+/g, ' ')}}, year = ${1990 + (i % 30)}} `;
  }
  return { name: 'one-line file', text: s, good: keys };
}

/** The same entries one per line: the benign twin of `oneLine`. */
export function manyLines(r: () => number, n = 20000): string {
  return oneLine(r, n).text.replace(/\} @/g, '}\n@');
}

/** Old-Mac CR-only line ends, starting with a `%` line, a problem on a known line. */
export function crOnly(r: () => number): HostileCase {
  const g = goods(r, 4, 'cr'), g2 = goods(r, 2, 'cz');
  const text = `% exported by an old tool\n${g.text}@misc{crbad, title = {x} year = 2000 junk}\n${g2.text}`;
  const line = lines(`% exported by an old tool\n${g.text}`) + 1;
  return { name: 'CR-only line ends', text: text.replace(/\r?\n/g, '\r'), good: [...g.keys, ...g2.keys], line, message: /expected `,`|expected `=`/ };
}

/** A `%` comment inside an entry (with braces and an `@` in it), biber's reading kept. */
export function percentInEntry(r: () => number): HostileCase {
  const s = `@misc{pct,\n  title = {Percent},\n  % note = {an @misc{fake, title = {x}} and a lone brace {\n  year = 2020\n}`;
  const c = around(r, 'percent in entry', s, 3, /`%` comment inside the entry/);
  c.good.push('pct');
  return c;
}

/** Control characters (NUL, ESC sequences, CR, backspace, C1) in every field of an entry. */
export function controlChars(r: () => number): HostileCase {
  const junk = () => pick(r, ['\u001b[2J', '\u001b]0;pwned\u0007', '\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007', '\r', '\b', '\u009b31m', '\u0000', '\u202e']);
  const s = `@article{ctrl,\n  title = {Ti${junk()}tle ${junk()}},\n  author = {Doe${junk()}, Jane},\n  journal = {J${junk()}},\n  year = {2020},\n  abstract = {Ab${junk()}stract}\n}`;
  const c = around(r, 'control characters', s, undefined);
  c.good.push('ctrl');
  return c;
}

/** Every class, for fuzzing through the CLI. */
export function allCases(seed: number): HostileCase[] {
  const r = rng(seed);
  return [macroBomb(r), crossrefChain(r), crossrefLoop(r), deepBraces(r), oneLine(r, 3000), crOnly(r), percentInEntry(r), controlChars(r)];
}

/** CSL-JSON with one item nested `depth` deep (in a field, and as an author) among good items. */
export function deepCslJson(r: () => number, depth = 5000 + Math.floor(r() * 20000)): { text: string; good: string[]; badLine: number } {
  const nest = (inner: string) => '['.repeat(depth) + inner + ']'.repeat(depth);
  const items = [
    '{"id": "g1", "type": "article", "title": "Good one"}',
    `{"id": "deep", "type": "article", "title": "Deep", "note": ${nest('"x"')}, "custom": {"x": ${nest('1')}}}`,
    `{"id": "deepauthor", "type": "article", "title": "Deep author", "author": ${nest('{"family": "X"}')}}`,
    '{"id": "g2", "type": "article", "title": "Good two"}',
  ];
  return { text: `[\n${items.join(',\n')}\n]\n`, good: ['g1', 'deep', 'deepauthor', 'g2'], badLine: 3 };
}

/** Real entries with fresh keys up to about `size` characters: the benign twin of a case. */
export function benignOf(r: () => number, size: number): string {
  let s = '';
  for (let i = 0; s.length < size; i++) {
    const e = pick(r, REAL);
    s += e.text.replace(e.key, `${e.key}-n${i}`) + '\n\n';
  }
  return s;
}

/** Text of `n` bytes or so of a benign abstract (words), and the hostile ones of the same size. */
export function abstractOf(kind: 'benign' | 'stars' | 'href' | 'backticks', n: number): string {
  // The benign abstract has the LaTeX and Markdown real abstracts have (a command, math, emphasis).
  const unit = { benign: 'We use \\emph{deep} nets, $x^2$ and *bold* words. ', stars: '*a *a ', href: '\\href{', backticks: '`a` ``b ' }[kind];
  return unit.repeat(Math.ceil(n / unit.length));
}
