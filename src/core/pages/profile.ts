// Layout "profile": a name and statistics (h-index, papers, citations, novelty, AI score), then
// blocks of header line (`54.0CLJun 2, 2025Code`), title, `Authors et al. · affiliations`, abstract.
import {
  endsLikeProse, expandCategory, fail, isHeaderLine, looksLikeAbstract, nonBlank, parseAuthorLine, parseHeader,
  splitLines, type ParsedPage, type RawEntry,
} from './types';

const STATS: [RegExp, string][] = [
  [/^h-index\s*(\d+)$/i, 'hIndex'],
  [/^([\d,]+)\s*papers$/, 'papers'],
  [/^([\d,]+)\s*citations$/i, 'citations'],
  [/^Novelty\s*(\d+%?)$/i, 'novelty'],
  [/^AI Score\s*([\d.]+)$/i, 'aiScore'],
];
const LISTED = /^(\d+) Papers$/;
// A damaged paper header still names a month: it must not pass for a statistic.
const MONTH = /(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* ?\d/;

export function sniffProfile(text: string): boolean {
  const head = nonBlank(splitLines(text)).slice(0, 12);
  const stats = head.filter(l => STATS.some(([re]) => re.test(l.text)) || LISTED.test(l.text)).length;
  return stats >= 2;
}

export function parseProfile(text: string, file: string, currentYear: number): ParsedPage {
  const lines = nonBlank(splitLines(text));
  const owner = lines[0]!.text;
  const stats: Record<string, number | string> = {};
  let i = 1;
  let declared: number | undefined;
  for (; i < lines.length && !isHeaderLine(lines[i]!.text); i++) {
    const t = lines[i]!.text;
    const listed = LISTED.exec(t);
    if (listed) { declared = Number(listed[1]); continue; }
    const stat = STATS.find(([re]) => re.test(t));
    if (stat) {
      const v = stat[0].exec(t)![1]!;
      stats[stat[1]] = /^[\d,.]+$/.test(v) ? Number(v.replace(/,/g, '')) : v;
    } else if (/^[A-Z]{2}$/.test(t) && expandCategory(t)) {
      stats.category = expandCategory(t)!;
    } else if (t.length <= 40 && !MONTH.test(t)) {
      // A statistic this parser does not know ("Followers12"): kept as written.
      stats[`line${lines[i]!.no}`] = t;
    } else {
      fail(file, lines[i]!.no, `expected a profile statistic or the first paper header (like "54.0CLJun 2, 2025"), found "${t.slice(0, 60)}"`);
    }
  }
  const entries: RawEntry[] = [];
  while (i < lines.length) {
    const h = lines[i]!;
    const header = parseHeader(h.text, currentYear);
    if (!header) fail(file, h.no, `expected a paper header like "54.0CLJun 2, 2025Code", found "${h.text.slice(0, 60)}"`);
    const title = lines[i + 1];
    if (!title || isHeaderLine(title.text)) fail(file, h.no, 'expected a title after the paper header');
    const asAuthors = parseAuthorLine(title.text);
    if (asAuthors && (asAuthors.truncated || asAuthors.affiliations.length)) fail(file, title.no, 'expected a title, found an author list');
    let j = i + 2;
    const authorLine = lines[j] ? parseAuthorLine(lines[j]!.text) : undefined;
    if (authorLine) j++;
    const abs = lines[j];
    if (!abs || isHeaderLine(abs.text) || !looksLikeAbstract(abs.text)) {
      fail(file, abs?.no ?? title.no, `expected the abstract of "${title.text.slice(0, 60)}"${abs ? '' : ' (page truncated?)'}`);
    }
    const e: RawEntry = { index: entries.length, line: h.no, title: title.text, abstract: abs.text, category: header.category, date: header.date, hasCode: header.hasCode };
    if (header.yearInferred) e.yearInferred = true;
    if (header.score !== undefined) e.score = header.score;
    if (authorLine) {
      e.authors = authorLine.authors;
      e.authorsTruncated = authorLine.truncated;
      if (authorLine.affiliations.length) e.affiliations = authorLine.affiliations;
    }
    entries.push(e);
    i = j + 1;
  }
  if (entries.length === 0) fail(file, lines[lines.length - 1]?.no ?? 1, 'expected paper blocks after the profile header');
  const last = entries[entries.length - 1]!;
  if (!endsLikeProse(last.abstract)) fail(file, lines[lines.length - 1]!.no, 'the last abstract stops mid-sentence (page truncated?)');
  if (declared !== undefined && declared !== entries.length) {
    fail(file, lines[lines.length - 1]!.no, `the page lists ${declared} papers but ${entries.length} were found (page truncated?)`);
  }
  return { file, layout: 'profile', owner, entries, currentYear, stats };
}
