// What the abstract panel shows for one paper, as plain data (no `vscode` import: unit-tested).
import { formatName, type CslDate, type Paper } from '../../core/model';
import type { RelatedHit } from '../../core/related';
import { renderAbstract, richToPlain, safeHttpUrl } from '../../core/render';
import type { PaperView } from '../../webview/protocol';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "May 6, 2025", "May 2025" or "2025"; undefined without a year. */
export function formatDate(d: CslDate | undefined): string | undefined {
  const parts = d?.['date-parts']?.[0];
  const [y, m, day] = Array.isArray(parts) ? parts : [];
  if (typeof y !== 'number' || !Number.isFinite(y)) return undefined;
  const month = typeof m === 'number' && m >= 1 && m <= 12 ? MONTHS[m - 1] : undefined;
  if (!month) return String(y);
  return typeof day === 'number' && day >= 1 && day <= 31 ? `${month} ${day}, ${y}` : `${month} ${y}`;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

export function buildPaperView(p: Paper, related: readonly RelatedHit[], bibtex: { text: string } | { error: string }): PaperView {
  const c = p.custom ?? {};
  const first = p['original-date'] ?? p.issued;
  const firstDate = formatDate(first);
  const issued = p['original-date'] ? formatDate(p.issued) : undefined;
  const title = renderAbstract(str(p.title) ?? p.id);
  const links: { label: string; url: string }[] = [];
  const addLink = (label: string, raw: string | undefined) => {
    const url = raw ? safeHttpUrl(raw) : undefined;
    if (url && !links.some(l => l.url === url)) links.push({ label, url });
  };
  addLink('Paper', str(p.URL));
  const doi = str(p.DOI);
  if (doi) addLink('DOI', /^https?:/i.test(doi) ? doi : `https://doi.org/${doi}`);
  const arxiv = str(c.arxiv);
  if (arxiv && /^[\w./-]+$/.test(arxiv)) addLink('arXiv', `https://arxiv.org/abs/${arxiv}`);
  const codeUrl = str(c.codeUrl) ? safeHttpUrl(c.codeUrl!) : undefined;
  const owners = Array.isArray(c.profiles) ? c.profiles.filter((o): o is string => typeof o === 'string') : [];
  const pages = Array.isArray(c.sources)
    ? c.sources.filter(s => s && typeof s.page === 'string').map(s => (typeof s.index === 'number' ? `${s.page} (entry ${s.index + 1})` : s.page))
    : [];
  const origins = Array.isArray(c.origins)
    ? c.origins.filter(o => o && typeof o.path === 'string').map(o => (o.line > 0 ? `${o.path}:${o.line}` : o.path))
    : [];
  return {
    key: p.id,
    title,
    titleText: richToPlain(title).replace(/\s+/g, ' '),
    authors: (p.author ?? []).map(formatName).filter(Boolean),
    authorsTruncated: !!c.authorsTruncated,
    ...(firstDate ? { firstDate } : {}),
    ...(issued && issued !== firstDate && !venueNamesYear(str(c.venue) ?? str(p['container-title']), issued) ? { venueDate: issued } : {}),
    ...(str(c.venue) ?? str(p['container-title']) ? { venue: (str(c.venue) ?? str(p['container-title']))! } : {}),
    ...(str(c.category) ? { category: str(c.category)! } : {}),
    ...(typeof c.score === 'number' && Number.isFinite(c.score) ? { score: c.score } : {}),
    ...(codeUrl ? { codeUrl } : {}),
    links,
    owners,
    pages,
    origins,
    abstract: renderAbstract(str(p.abstract)),
    related: related.map(h => {
      const year = h.paper['original-date'] ?? h.paper.issued;
      const y = year?.['date-parts']?.[0]?.[0];
      const names = (h.paper.author ?? []).map(formatName);
      return {
        key: h.paper.id,
        title: str(h.paper.title) ?? h.paper.id,
        ...(typeof y === 'number' ? { year: y } : {}),
        authors: names.slice(0, 3).join(', ') + (names.length > 3 || h.paper.custom?.authorsTruncated ? ' et al.' : ''),
        score: Math.round(h.score * 100) / 100,
      };
    }),
    bibtex: 'text' in bibtex ? bibtex.text : '',
    ...('error' in bibtex ? { bibtexError: bibtex.error } : {}),
  };
}

/** "ICLR 2026" already says "2026". */
function venueNamesYear(venue: string | undefined, date: string): boolean {
  return !!venue && /^\d{4}$/.test(date) && venue.includes(date);
}

/** Every URL the panel may ask the host to open for this paper. */
export function allowedUrls(v: PaperView): Set<string> {
  const out = new Set<string>(v.links.map(l => l.url));
  if (v.codeUrl) out.add(v.codeUrl);
  for (const par of [...v.abstract, ...v.title]) for (const r of par) if (r.kind === 'link') out.add(r.href);
  return out;
}
