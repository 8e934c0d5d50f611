// Layout "compact": header lines (`CLOct 24, 2023Code`), then the title glued to the author list
// (`…Full Large Language ModelKaiyan Zhang, Ning Ding, Biqing Qi et al. · tsinghua`), then the abstract.
import {
  endsLikeProse, fail, isHeaderLine, looksLikeAbstract, looksLikeName, nonBlank, parseHeader, splitAffiliations,
  splitLines, type ParsedPage, type RawEntry,
} from './types';

export function sniffCompact(text: string): boolean {
  const lines = nonBlank(splitLines(text));
  return lines.length > 0 && isHeaderLine(lines[0]!.text);
}

export interface TitleAuthors {
  title: string;
  authors: string[];
  truncated: boolean;
  affiliations: string[];
}

const MAX_NAME = 80;

// Words of an ordinary name: a capital then lower case, hyphenated parts allowed ("Jia-Hui").
const PLAIN_WORD = /^\p{Lu}[\p{Ll}\p{M}'’]+(?:-\p{L}[\p{Ll}\p{M}'’]*)*$/u;

/**
 * Splits `TitleFirst Author, Second Author et al. · aff` by the shape of the author list, never by
 * known titles: authors are taken from the end while the comma-separated parts look like names; the
 * first author is glued to the title's last word, so the split is at a case change with no space
 * before it ("EnhancingXuekai", "LLMXuekai", "Collapse?Xuekai"). Among such places the leftmost one
 * whose remainder is an ordinary name (capitalised words, at least two) wins; "GFlowNetsBo Xue"
 * thus splits before "Bo", not before "NetsBo".
 */
export function splitTitleAuthors(text: string): TitleAuthors | undefined {
  let rest = text;
  let affiliations: string[] = [];
  const dot = rest.lastIndexOf(' · ');
  if (dot >= 0) {
    affiliations = splitAffiliations(rest.slice(dot + 3));
    rest = rest.slice(0, dot);
  }
  let truncated = false;
  const etal = / et al\.?$/.exec(rest);
  if (etal) {
    truncated = true;
    rest = rest.slice(0, etal.index);
  }
  const parts = rest.split(', ');
  const authors: string[] = [];
  while (parts.length > 1 && looksLikeName(parts[parts.length - 1]!)) authors.unshift(parts.pop()!);
  const glued = parts.join(', ');
  const candidates: number[] = [];
  // A name has at most five words and MAX_NAME characters: the glue lies that close to the end.
  let from = glued.length;
  for (let spaces = 0; from > 0 && spaces < 5; ) if (glued[--from] === ' ') spaces++;
  for (let i = Math.max(1, from, glued.length - MAX_NAME); i < glued.length; i++) {
    const c = glued[i]!;
    const prev = glued[i - 1]!;
    if (!/\p{Lu}/u.test(c) || /\s/.test(prev)) continue;
    const next = glued[i + 1] ?? '';
    const boundary = /[\p{Ll}\d?!.:)\]'’"”]/u.test(prev) || (/\p{Lu}/u.test(prev) && /\p{Ll}/u.test(next));
    if (boundary && looksLikeName(glued.slice(i))) candidates.push(i);
  }
  const plain = candidates.find(i => {
    const words = glued.slice(i).split(' ');
    return words.length >= 2 && words.every(w => PLAIN_WORD.test(w));
  });
  const at = plain ?? candidates[candidates.length - 1];
  if (at === undefined) return undefined;
  const title = glued.slice(0, at).trim();
  if (title.length < 3) return undefined;
  authors.unshift(glued.slice(at));
  return { title, authors, truncated, affiliations };
}

export function parseCompact(text: string, file: string, currentYear: number): ParsedPage {
  const lines = nonBlank(splitLines(text));
  const entries: RawEntry[] = [];
  for (let i = 0; i < lines.length; i += 3) {
    const h = lines[i]!;
    const header = parseHeader(h.text, currentYear);
    if (!header) fail(file, h.no, `expected a paper header like "CLOct 24, 2023Code", found "${h.text.slice(0, 60)}"`);
    const ta = lines[i + 1];
    if (!ta || isHeaderLine(ta.text)) fail(file, h.no, 'expected the title and author list after the paper header');
    const split = splitTitleAuthors(ta.text);
    if (!split) fail(file, ta.no, 'expected a title followed by an author list ("Title…First Author, Second Author et al.")');
    const abs = lines[i + 2];
    if (!abs || isHeaderLine(abs.text) || !looksLikeAbstract(abs.text)) {
      fail(file, abs?.no ?? ta.no, `expected the abstract of "${split.title.slice(0, 60)}"${abs ? '' : ' (page truncated?)'}`);
    }
    const e: RawEntry = {
      index: entries.length, line: h.no, title: split.title, authors: split.authors, authorsTruncated: split.truncated,
      abstract: abs.text, category: header.category, date: header.date, hasCode: header.hasCode,
    };
    if (split.affiliations.length) e.affiliations = split.affiliations;
    if (header.yearInferred) e.yearInferred = true;
    if (header.score !== undefined) e.score = header.score;
    entries.push(e);
  }
  const last = entries[entries.length - 1]!;
  if (!endsLikeProse(last.abstract)) fail(file, lines[lines.length - 1]!.no, 'the last abstract stops mid-sentence (page truncated?)');
  return { file, layout: 'compact', entries, currentYear };
}
