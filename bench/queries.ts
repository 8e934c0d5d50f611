// Benchmark queries, built deterministically from a library's own records: author surnames, title
// words, and half-remembered title fragments with one typing slip (transposed, missing or doubled
// letter) whose intended paper is known.
import type { Paper } from '../src/core/model';
import { STOP_WORDS } from '../src/core/search/text';
import { rng } from './data';

export interface TypoQuery {
  query: string;
  /** Index of the intended paper in the library. */
  target: number;
  /** Normalized title of the intended paper (another record with the same title counts too). */
  title: string;
  op: 'transpose' | 'delete' | 'double';
}

export interface QuerySet {
  /** Queries typed letter by letter for latency. */
  typed: { kind: 'author' | 'title' | 'author+title' | 'typo'; query: string }[];
  typos: TypoQuery[];
}

export function normTitle(s: string | undefined): string {
  return (s ?? '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

const words = (title: string) =>
  title.split(/[^A-Za-z0-9]+/).filter(w => w.length >= 3 && !STOP_WORDS.has(w.toLowerCase()));

export function typo(word: string, op: TypoQuery['op'], r: () => number): string {
  const n = word.length;
  const i = 1 + Math.floor(r() * (n - 2)); // keep the first letter, as people mostly do
  switch (op) {
    case 'transpose': {
      const j = Math.min(i, n - 2);
      return word.slice(0, j) + word[j + 1] + word[j] + word.slice(j + 2);
    }
    case 'delete':
      return word.slice(0, i) + word.slice(i + 1);
    case 'double':
      return word.slice(0, i) + word[i] + word.slice(i);
  }
}

/** `nTypo` typo queries and a mix of typed queries from `papers` (seeded, so every run agrees). */
export function buildQueries(papers: readonly Paper[], nTyped: number, nTypo: number, seed = 42): QuerySet {
  const r = rng(seed);
  const titleCount = new Map<string, number>();
  for (const p of papers) {
    const t = normTitle(p.title);
    titleCount.set(t, (titleCount.get(t) ?? 0) + 1);
  }
  const pick = (ok: (p: Paper) => boolean): number => {
    for (let tries = 0; tries < 10_000; tries++) {
      const i = Math.floor(r() * papers.length);
      if (ok(papers[i])) return i;
    }
    return -1;
  };
  const hasAuthor = (p: Paper) => !!p.author?.[0]?.family && /^[A-Za-z][A-Za-z' -]+$/.test(p.author[0].family);
  const typed: QuerySet['typed'] = [];
  const kinds: QuerySet['typed'][number]['kind'][] = ['author', 'title', 'author+title', 'typo'];
  const typos: TypoQuery[] = [];
  const ops: TypoQuery['op'][] = ['transpose', 'delete', 'double'];

  // Word -> papers whose title has it, to keep only fragments that identify their paper.
  const byWord = new Map<string, number[]>();
  papers.forEach((p, i) => {
    for (const w of new Set(words(p.title ?? '').map(x => x.toLowerCase()))) {
      let l = byWord.get(w);
      if (!l) byWord.set(w, (l = []));
      l.push(i);
    }
  });
  const identifies = (frag: string[], target: number): boolean => {
    const lists = frag.map(w => byWord.get(w) ?? []).sort((a, b) => a.length - b.length);
    return lists[0].every(i => i === target || !frag.every(w => (byWord.get(w) ?? []).includes(i)));
  };

  const makeTypo = (k: number): TypoQuery | undefined => {
    const i = pick(p => p.type !== 'book' && words(p.title ?? '').length >= 4 &&
      titleCount.get(normTitle(p.title)) === 1 && words(p.title ?? '').some(w => w.length >= 5));
    if (i < 0) return undefined;
    const ws = words(papers[i].title ?? '');
    const len = Math.min(ws.length, 3 + Math.floor(r() * 2)); // three or four words
    const start = Math.floor(r() * (ws.length - len + 1));
    const frag = ws.slice(start, start + len).map(w => w.toLowerCase());
    // A half-remembered fragment still names one paper: no other title has all its words.
    if (!identifies(frag, i)) return undefined;
    const long = frag.map((w, j) => [w, j] as const).filter(([w]) => w.length >= 5);
    if (long.length === 0) return undefined;
    const [w, j] = long[Math.floor(r() * long.length)];
    const op = ops[k % ops.length];
    frag[j] = typo(w, op, r);
    return { query: frag.join(' '), target: i, title: normTitle(papers[i].title), op };
  };
  for (let k = 0; typos.length < nTypo && k < nTypo * 20; k++) {
    const q = makeTypo(k);
    if (q) typos.push(q);
  }

  for (let k = 0; typed.length < nTyped && k < nTyped * 5; k++) {
    const kind = kinds[k % kinds.length];
    if (kind === 'typo') {
      const q = typos[(k >> 2) % Math.max(1, typos.length)];
      if (q) typed.push({ kind, query: q.query });
      continue;
    }
    const i = pick(kind === 'title' ? p => words(p.title ?? '').length >= 2 : hasAuthor);
    if (i < 0) continue;
    const p = papers[i];
    const ws = words(p.title ?? '').map(w => w.toLowerCase());
    if (kind === 'author') typed.push({ kind, query: p.author![0].family! });
    else if (kind === 'title') {
      const start = Math.floor(r() * Math.max(1, ws.length - 1));
      typed.push({ kind, query: ws.slice(start, start + 2).join(' ') });
    } else if (ws.length) {
      typed.push({ kind, query: `${p.author![0].family} ${ws[Math.floor(r() * ws.length)]}` });
    }
  }
  return { typed, typos };
}

/** Every prefix of each query, as typed letter by letter. */
export function keystrokes(queries: readonly { query: string }[]): string[] {
  const out: string[] = [];
  for (const { query } of queries) for (let i = 1; i <= query.length; i++) out.push(query.slice(0, i));
  return out;
}
