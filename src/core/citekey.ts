// Citation keys in the Google Scholar / Better BibTeX style: `zhao2025absolute`.
import { paperYear, type Paper } from './model';
import { comparable, foldAscii, squashed } from './normalize';

// Words a key never starts its title part with (articles, prepositions, conjunctions).
const STOP = new Set(('a an the of on in for to with and or at by from via as into onto over under upon about '
  + 'toward towards through without within between vs versus is are be do does can how what why when which').split(' '));

type Keyable = Pick<Paper, 'title' | 'author' | 'issued' | 'original-date' | 'abstract'> & { custom?: Paper['custom'] };

// An abstract opens with prose ("We consider…", "In this paper…"): these words say nothing of the paper.
const ABSTRACT_STOP = new Set('we our us this that these those it its here paper work study article propose present introduce'.split(' '));

function firstWord(text: string | undefined, skip?: ReadonlySet<string>): string {
  if (!text) return '';
  for (const w of comparable(text).split(' ')) {
    if (w && !STOP.has(w) && !skip?.has(w) && /[a-z]/.test(w)) return w;
  }
  return '';
}

/**
 * The key before any collision suffix: first author's family name, year of first appearance and
 * the first significant title word, ASCII-folded and lower case. Without authors the family part is
 * `anon`; without a year, `nd`; without a title the first significant word of the abstract stands in.
 */
export function keyBase(p: Keyable): string {
  const a = p.author?.[0];
  const family = a ? squashed(foldAscii(a.family ?? a.literal ?? '')) : '';
  const year = paperYear({ id: '', type: '', custom: {}, ...p } as Paper);
  const word = firstWord(p.title) || firstWord(p.abstract, ABSTRACT_STOP);
  return `${family || 'anon'}${year ?? 'nd'}${word}`;
}

/** `n`-th collision suffix: a, b, …, z, aa, ab, … */
function suffix(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(97 + ((k - 1) % 26)) + s;
  return s;
}

/** The base key, or the base plus the first free suffix when `taken` already holds it. */
export function citeKeyFor(paper: Keyable, taken: ReadonlySet<string>): string {
  const base = keyBase(paper);
  for (let n = 0; ; n++) {
    const k = base + suffix(n);
    if (!taken.has(k)) return k;
  }
}

/** What identifies a paper across builds: arXiv id, DOI, title, abstract opening. */
export function identities(p: Keyable & { DOI?: string }): string[] {
  const out: string[] = [];
  const arxiv = p.custom?.arxiv;
  if (typeof arxiv === 'string' && arxiv) out.push(`arxiv:${arxiv.toLowerCase()}`);
  if (typeof p.DOI === 'string' && p.DOI) out.push(`doi:${p.DOI.toLowerCase()}`);
  const t = p.title ? comparable(p.title) : '';
  if (t.split(' ').length >= 3) out.push(`title:${t}`);
  const a = p.abstract ? squashed(p.abstract) : '';
  if (a.length >= 40) out.push(`abstract:${a.slice(0, 120)}`);
  return out;
}

// How much one shared identity counts when pairing a paper with a paper of the previous corpus.
const WEIGHT: Record<string, number> = { arxiv: 8, doi: 8, abstract: 2, title: 1 };

/** Sort order that depends only on the paper, so keys do not depend on input order. */
function orderKey(p: Keyable): string {
  return `${keyBase(p)}|${p.title ? comparable(p.title) : ''}|${p.abstract ? squashed(p.abstract).slice(0, 200) : ''}`;
}

/**
 * Keys for a set of papers. A paper found in `previous` keeps its key: pairs are scored by the
 * identities they share (arXiv id or DOI above abstract opening above title; a different arXiv id
 * or DOI rules a pair out) and taken best first. Keys of papers no longer present are not reused.
 * New papers are keyed in an order that depends only on their own data, so collisions resolve the
 * same way whatever the input order.
 */
export function assignKeys<T extends Keyable & { DOI?: string }>(papers: readonly T[], previous: readonly Paper[] = []): string[] {
  const keys: string[] = new Array(papers.length).fill('');
  const taken = new Set<string>(previous.map(p => p.id));
  const prevIds = previous.map(identities);
  const byIdentity = new Map<string, number[]>();
  prevIds.forEach((ids, j) => { for (const id of ids) { const l = byIdentity.get(id); if (l) l.push(j); else byIdentity.set(id, [j]); } });
  const order = papers.map((p, i) => ({ i, k: orderKey(p) })).sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : x.i - y.i));
  const pairs: { score: number; rank: number; i: number; j: number }[] = [];
  order.forEach(({ i }, rank) => {
    const ids = identities(papers[i]!);
    const scores = new Map<number, number>();
    for (const id of ids) for (const j of byIdentity.get(id) ?? []) scores.set(j, (scores.get(j) ?? 0) + WEIGHT[id.slice(0, id.indexOf(':'))]!);
    for (const [j, score] of scores) {
      const conflict = ['arxiv:', 'doi:'].some(kind => {
        const a = ids.find(x => x.startsWith(kind));
        const b = prevIds[j]!.find(x => x.startsWith(kind));
        return a !== undefined && b !== undefined && a !== b;
      });
      if (!conflict) pairs.push({ score, rank, i, j });
    }
  });
  pairs.sort((a, b) => b.score - a.score || a.rank - b.rank || a.j - b.j);
  const usedPrev = new Set<number>();
  for (const { i, j } of pairs) {
    if (keys[i] || usedPrev.has(j)) continue;
    keys[i] = previous[j]!.id;
    usedPrev.add(j);
  }
  for (const { i } of order) {
    if (keys[i]) continue;
    keys[i] = citeKeyFor(papers[i]!, taken);
    taken.add(keys[i]!);
  }
  return keys;
}

/**
 * Characters a citation key may hold so that bibtex, biber and `\cite{…}` all take it. biber 2.18
 * rejects a key with a space, `,`, `"`, `#`, `%`, `=`, `(`, `)`, `{` or `}` (the whole file then
 * typesets nothing) and bibtex one with a space or `,`; `\`, `~`, `$`, `&`, `^` break `\cite`.
 * Letters of any script, `:` and `/` are accepted by all three (measured: pdflatex, bibtex + plainnat,
 * biber + authoryear, TeX Live 2022).
 */
const SAFE_KEY = /^[\p{L}\p{M}\p{N}_:./+-]+$/u;

/** Whether bibtex, biber and LaTeX's `\cite` all accept `key`. */
export function isSafeCiteKey(key: string): boolean {
  return key.length > 0 && key.length <= 200 && SAFE_KEY.test(key);
}

/** The key a paper is cited by: its id when safe, else a key from the scheme not in `taken`. */
export function safeCiteKey(paper: Keyable & { id: string }, taken: ReadonlySet<string>): string {
  return isSafeCiteKey(paper.id) ? paper.id : citeKeyFor(paper, taken);
}

/**
 * Whether bibtex and biber both read `key` as a key (biber 2.18 rejects a space, `,`, `"`, `#`, `%`,
 * `=`, `(`, `)`, braces; `\` and `~` break `\cite`). Looser than `isSafeCiteKey`: for keys a user
 * already has in a .bib.
 */
export function bibKeyAccepted(key: string): boolean {
  return key.length > 0 && !/[\s,"#%=(){}\\~]/.test(key);
}
