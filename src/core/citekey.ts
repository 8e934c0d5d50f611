// Citation keys in the Google Scholar / Better BibTeX style: `zhao2025absolute`.
import { paperYear, type Paper } from './model';
import { comparable, foldAscii, squashed } from './normalize';

// Words a key never starts its title part with (articles, prepositions, conjunctions).
const STOP = new Set(('a an the of on in for to with and or at by from via as into onto over under upon about '
  + 'toward towards through without within between vs versus is are be do does can how what why when which').split(' '));

type Keyable = Pick<Paper, 'title' | 'author' | 'issued' | 'original-date' | 'abstract'> & { custom?: Paper['custom'] };

function firstWord(text: string | undefined): string {
  if (!text) return '';
  for (const w of comparable(text).split(' ')) {
    if (w && !STOP.has(w) && /[a-z]/.test(w)) return w;
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
  const word = firstWord(p.title) || firstWord(p.abstract);
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
  if (p.DOI) out.push(`doi:${p.DOI.toLowerCase()}`);
  const t = p.title ? comparable(p.title) : '';
  if (t.split(' ').length >= 3) out.push(`title:${t}`);
  const a = p.abstract ? squashed(p.abstract) : '';
  if (a.length >= 120) out.push(`abstract:${a.slice(0, 120)}`);
  return out;
}

/** Sort order that depends only on the paper, so keys do not depend on input order. */
function orderKey(p: Keyable): string {
  return `${keyBase(p)}|${p.title ? comparable(p.title) : ''}|${p.abstract ? squashed(p.abstract).slice(0, 200) : ''}`;
}

/**
 * Keys for a set of papers. A paper found in `previous` (by arXiv id, DOI, title or abstract
 * opening) keeps its key; keys of papers no longer present are not reused for others. New papers
 * are keyed in an order that depends only on their own data, so collisions resolve the same way
 * whatever the input order.
 */
export function assignKeys<T extends Keyable & { DOI?: string }>(papers: readonly T[], previous: readonly Paper[] = []): string[] {
  const keys: string[] = new Array(papers.length).fill('');
  const taken = new Set<string>(previous.map(p => p.id));
  const prevByIdentity = new Map<string, string>();
  for (const p of previous) for (const id of identities(p)) if (!prevByIdentity.has(id)) prevByIdentity.set(id, p.id);
  const order = papers.map((p, i) => ({ i, k: orderKey(p) })).sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : x.i - y.i));
  const reused = new Set<string>();
  for (const { i } of order) {
    for (const id of identities(papers[i]!)) {
      const k = prevByIdentity.get(id);
      if (k && !reused.has(k)) { keys[i] = k; reused.add(k); break; }
    }
  }
  for (const { i } of order) {
    if (keys[i]) continue;
    keys[i] = citeKeyFor(papers[i]!, taken);
    taken.add(keys[i]!);
  }
  return keys;
}
