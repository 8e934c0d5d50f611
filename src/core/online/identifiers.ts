// Recognises a paper identifier typed or pasted by the user: a DOI, an arXiv id or URL, a DBLP record,
// an ACL Anthology id or URL, a Semantic Scholar paper URL or an OpenAlex work id. Text longer than
// 2,000 characters is none; every pattern is anchored, so the work is linear.
import type { Identifier } from './types';

const MAX = 2000;

/** New-style arXiv id (YYMM.NNNN[N]) with a real month, optional version. */
const ARXIV_NEW = /^(\d{2}(0[1-9]|1[0-2])\.\d{4,5})(v\d+)?$/;
/** Old style: archive[.SUBJ]/YYMMNNN, optional version. */
const ARXIV_OLD = /^([a-z][a-z-]*(?:\.[A-Za-z]{2})?\/\d{2}(?:0[1-9]|1[0-2])\d{3})(v\d+)?$/;
const DOI = /^10\.\d{4,9}\/\S+$/;
const ACL_OLD = /^[A-Z]\d{2}-\d{4}$/;
const ACL_NEW = /^\d{4}\.[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.\d+$/;
const OPENALEX = /^W\d{4,12}$/i;
const S2_HEX = /^[0-9a-f]{40}$/i;

/** The arXiv id in `text` without version, or undefined. */
export function arxivIdOf(text: string): string | undefined {
  const s = text.trim().replace(/^arxiv:\s*/i, '');
  const m = ARXIV_NEW.exec(s) ?? ARXIV_OLD.exec(s);
  return m ? m[1] : undefined;
}

/** The arXiv id in `text` with its version when one is given (`2304.05376v2`), or undefined. */
export function arxivIdVersioned(text: string): string | undefined {
  const s = text.trim().replace(/^arxiv:\s*/i, '');
  const m = ARXIV_NEW.exec(s) ?? ARXIV_OLD.exec(s);
  return m ? m[1]! + (m[m.length - 1] ?? '') : undefined;
}

/** DOIs end before trailing sentence punctuation; a closing bracket stays only when it closes one. */
function trimDoi(doi: string): string {
  let d = doi.replace(/[.,;:'"]+$/, '');
  while (d.endsWith(')') && count(d, '(') < count(d, ')')) d = d.slice(0, -1).replace(/[.,;:]+$/, '');
  while (d.endsWith(']') && count(d, '[') < count(d, ']')) d = d.slice(0, -1);
  return d;
}

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}

/** A DOI → Identifier; arXiv's own DOIs (10.48550/arXiv.ID) are arXiv ids. */
function doiIdentifier(raw: string): Identifier | undefined {
  const doi = trimDoi(safeDecode(raw).trim());
  if (!DOI.test(doi)) return undefined;
  const ax = /^10\.48550\/arxiv\.(.+)$/i.exec(doi);
  if (ax) {
    const id = arxivIdVersioned(ax[1]!);
    if (id) return { kind: 'arxiv', id };
  }
  return { kind: 'doi', id: doi };
}

function fromUrl(u: URL): Identifier | undefined {
  const host = u.hostname.toLowerCase().replace(/^www\./, '');
  const path = u.pathname;
  if (host === 'doi.org' || host === 'dx.doi.org') return doiIdentifier(path.slice(1));
  if (host === 'arxiv.org' || host === 'export.arxiv.org') {
    const m = /^\/(?:abs|pdf|html|format)\/(.+?)(?:\.pdf)?\/?$/.exec(path);
    const id = m ? arxivIdVersioned(safeDecode(m[1]!)) : undefined;
    return id ? { kind: 'arxiv', id } : undefined;
  }
  if (host === 'dblp.org' || host === 'dblp.uni-trier.de' || host === 'dblp.dagstuhl.de') {
    const m = /^\/rec\/(?:(?:bib[0-9]?|bibtex[0-9]?|xml|html)\/)?((?:conf|journals|books|series|phd|tr|reference|persons|informal|ms|www|homepages)\/[^?#]+?)(?:\.(?:html|bib|xml|ris|nt|ttl|rdf))?$/.exec(path);
    return m ? { kind: 'dblp', id: safeDecode(m[1]!) } : undefined;
  }
  if (host === 'aclanthology.org' || host === 'aclweb.org') {
    const m = /^\/(?:anthology\/)?([^/]+?)(?:\.pdf|\.bib)?\/?$/.exec(path);
    const id = m?.[1];
    return id && (ACL_OLD.test(id) || ACL_NEW.test(id)) ? { kind: 'acl', id } : undefined;
  }
  if (host === 'semanticscholar.org' || host === 'api.semanticscholar.org') {
    const m = /\/paper\/(?:[^/]+\/)?([0-9a-f]{40})\/?$/i.exec(path);
    return m ? { kind: 's2', id: m[1]!.toLowerCase() } : undefined;
  }
  if (host === 'openalex.org' || host === 'api.openalex.org') {
    const m = /^\/(?:works\/)?(W\d{4,12})\/?$/i.exec(path);
    return m ? { kind: 'openalex', id: m[1]!.toUpperCase() } : undefined;
  }
  return undefined;
}

/**
 * The identifier `text` holds, or undefined for anything else (plain words, years, e-mail
 * addresses). arXiv ids keep a version given (`2304.05376v2`); DOIs as written (compare them case-insensitively).
 */
export function detectIdentifier(text: string): Identifier | undefined {
  if (text.length > MAX * 4) return undefined;
  const s = text.trim().replace(/^<(.*)>$/, '$1').replace(/^(doi|arxiv|dblp|acl|s2|openalex):\s+/i, '$1:');
  if (!s || s.length > MAX || /\s/.test(s)) return undefined;
  if (/^https?:\/\//i.test(s)) {
    let u: URL;
    try { u = new URL(s); } catch { return undefined; }
    return fromUrl(u);
  }
  const prefixed = /^(doi|arxiv|dblp|acl|s2|openalex):\s*(.+)$/i.exec(s);
  if (prefixed) {
    const kind = prefixed[1]!.toLowerCase();
    const rest = prefixed[2]!;
    if (kind === 'doi') return doiIdentifier(rest);
    if (kind === 'arxiv') { const id = arxivIdVersioned(rest); return id ? { kind: 'arxiv', id } : undefined; }
    if (kind === 'dblp') return /^[a-z]+\/[^\s]+$/.test(rest) ? { kind: 'dblp', id: rest } : undefined;
    if (kind === 'acl') return ACL_OLD.test(rest) || ACL_NEW.test(rest) ? { kind: 'acl', id: rest } : undefined;
    if (kind === 's2') return S2_HEX.test(rest) ? { kind: 's2', id: rest.toLowerCase() } : undefined;
    return OPENALEX.test(rest) ? { kind: 'openalex', id: rest.toUpperCase() } : undefined;
  }
  if (/^(?:dx\.)?doi\.org\//i.test(s) || /^(?:www\.)?(?:arxiv|aclanthology|dblp|semanticscholar|openalex)\.org\//i.test(s)) {
    try { return fromUrl(new URL(`https://${s}`)); } catch { return undefined; }
  }
  if (s.startsWith('10.')) return doiIdentifier(s);
  const ax = arxivIdVersioned(s);
  if (ax) return { kind: 'arxiv', id: ax };
  if (ACL_OLD.test(s) || ACL_NEW.test(s)) return { kind: 'acl', id: s };
  if (OPENALEX.test(s)) return { kind: 'openalex', id: s.toUpperCase() };
  return undefined;
}
