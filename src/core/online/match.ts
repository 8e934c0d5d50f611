// Deciding that two records are the same work. Search engines return the closest record even when the
// paper is absent, so a near miss must not count: only strong evidence does.
//
// Same work when
//  1. an identifier matches: DOI (case-insensitive), arXiv id (version ignored), DBLP key, Semantic
//     Scholar id or OpenAlex id; or
//  2. the titles agree: Dice similarity of their word tokens (ASCII-folded, lower case, punctuation
//     dropped) ≥ TITLE_MIN (0.9), titles of fewer than 3 tokens must be equal; AND either a first
//     author's family name matches (any of the first three on each side) or the years are within
//     YEAR_SLACK (1: a preprint and its venue often differ by a year).
// Different arXiv ids rule a pair out whatever the titles say (two versions of a title are two works).
import { paperYear, type Paper } from '../model';
import { comparable, foldAscii } from '../normalize';
import type { OnlineIds, OnlineRecord } from './types';

export const TITLE_MIN = 0.9;
export const YEAR_SLACK = 1;

function ids(p: Paper): OnlineIds {
  const on = p.custom?.online?.ids ?? {};
  const out: OnlineIds = { ...on };
  if (p.DOI) out.doi = p.DOI;
  if (typeof p.custom?.arxiv === 'string' && p.custom.arxiv) out.arxiv = p.custom.arxiv;
  return out;
}

const norm = (k: keyof OnlineIds, v: string) => (k === 'arxiv' ? v.toLowerCase().replace(/v\d+$/, '') : v.toLowerCase());

// The words of a title compared: at most this many, from at most this many characters (the ACL
// Anthology's longest title has 119 words, 857 characters), so that a hostile answer's megabyte
// title costs no more than a real one.
const MAX_TITLE_WORDS = 256;
const MAX_TITLE_CHARS = 4000;
/** Characters of a family name compared. */
const MAX_NAME_CHARS = 200;

function tokens(title: string | undefined): string[] {
  return title ? comparable(title.slice(0, MAX_TITLE_CHARS)).split(' ').filter(Boolean).slice(0, MAX_TITLE_WORDS) : [];
}

/** A paper's title tokens, worked out once per paper and title (a search compares each record with many). */
const tokenCache = new WeakMap<Paper, { title: string | undefined; tokens: string[] }>();
function titleTokens(p: Paper): string[] {
  const hit = tokenCache.get(p);
  if (hit && hit.title === p.title) return hit.tokens;
  const t = tokens(p.title);
  tokenCache.set(p, { title: p.title, tokens: t });
  return t;
}

/** Dice coefficient of two titles' token multisets. */
export function titleSimilarity(a: string | undefined, b: string | undefined): number {
  return dice(tokens(a), tokens(b));
}

function dice(x: string[], y: string[]): number {
  if (!x.length || !y.length) return 0;
  const counts = new Map<string, number>();
  for (const t of x) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of y) {
    const c = counts.get(t) ?? 0;
    if (c > 0) { common++; counts.set(t, c - 1); }
  }
  return (2 * common) / (x.length + y.length);
}

function surnames(p: Paper): Set<string> {
  const out = new Set<string>();
  for (const n of (p.author ?? []).slice(0, 3)) {
    const f = foldAscii((n.family ?? n.literal ?? '').slice(0, MAX_NAME_CHARS)).toLowerCase().replace(/[^a-z]/g, '');
    if (f.length >= 2) out.add(f);
  }
  return out;
}

export function sameWork(a: Paper, b: Paper): { same: boolean; why: string } {
  const ia = ids(a), ib = ids(b);
  if (ia.arxiv && ib.arxiv && norm('arxiv', ia.arxiv) !== norm('arxiv', ib.arxiv)) return { same: false, why: `different arXiv ids (${ia.arxiv}, ${ib.arxiv})` };
  for (const k of ['doi', 'arxiv', 'dblp', 's2', 'openalex', 'acl'] as const) {
    const x = ia[k], y = ib[k];
    if (x && y && norm(k, x) === norm(k, y)) return { same: true, why: `same ${k === 'doi' ? 'DOI' : k === 'arxiv' ? 'arXiv id' : `${k} id`} ${x}` };
  }
  const ta = titleTokens(a), tb = titleTokens(b);
  if (ta.length < 3 || tb.length < 3) {
    if (!ta.length || ta.join(' ') !== tb.join(' ')) return { same: false, why: 'no shared identifier and the titles are too short to compare' };
  }
  const sim = dice(ta, tb);
  if (sim < TITLE_MIN) return { same: false, why: `titles differ (similarity ${sim.toFixed(2)} < ${TITLE_MIN})` };
  const sa = surnames(a);
  const shared = [...surnames(b)].find(s => sa.has(s));
  if (shared) return { same: true, why: `title similarity ${sim.toFixed(2)} and author ${shared}` };
  const ya = paperYear(a), yb = paperYear(b);
  if (ya !== undefined && yb !== undefined && Math.abs(ya - yb) <= YEAR_SLACK) return { same: true, why: `title similarity ${sim.toFixed(2)} and year ${ya === yb ? ya : `${ya}/${yb}`}` };
  return { same: false, why: `similar title (${sim.toFixed(2)}) but neither an author nor the year matches` };
}

/** Index keys of a paper: its ids and its two longest title tokens (a ≥ 0.9 match shares one of them). */
function keysOf(p: Paper): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(ids(p)) as [keyof OnlineIds, string][]) if (v) out.push(`${k}:${norm(k, v)}`);
  const t = [...new Set(titleTokens(p))].sort((x, y) => y.length - x.length || (x < y ? -1 : 1));
  for (const w of t.slice(0, 2)) out.push(`t:${w}`);
  return out;
}

function probeKeys(p: Paper): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(ids(p)) as [keyof OnlineIds, string][]) if (v) out.push(`${k}:${norm(k, v)}`);
  for (const w of new Set(titleTokens(p))) out.push(`t:${w}`);
  return out;
}

/**
 * Online records merged with each other and with local papers. A record for a work already listed
 * (by an earlier provider) is folded into it, its ids added; a record whose work is in `local` carries
 * that local paper (the local hit wins: cite it, do not fetch it).
 */
export function mergeOnline(local: readonly Paper[], online: readonly OnlineRecord[]): { record: OnlineRecord; local?: Paper }[] {
  const index = new Map<string, number[]>();
  local.forEach((p, i) => { for (const k of keysOf(p)) { const l = index.get(k); if (l) l.push(i); else index.set(k, [i]); } });
  const out: { record: OnlineRecord; local?: Paper }[] = [];
  for (const rec of online) {
    const dup = out.find(o => sameWork(o.record.paper, rec.paper).same);
    if (dup) {
      for (const [k, v] of Object.entries(rec.ids) as [keyof OnlineIds, string][]) if (v && !dup.record.ids[k]) dup.record.ids[k] = v;
      continue;
    }
    const seen = new Set<number>();
    let hit: Paper | undefined;
    for (const k of probeKeys(rec.paper)) {
      for (const i of index.get(k) ?? []) {
        if (seen.has(i)) continue;
        seen.add(i);
        if (sameWork(local[i]!, rec.paper).same) { hit = local[i]; break; }
      }
      if (hit) break;
    }
    const record = { ...rec, ids: { ...rec.ids } };
    out.push(hit ? { record, local: hit } : { record });
  }
  return out;
}
