// Layout "years": a name line, year headings, and abstracts only.
import { endsLikeProse, fail, looksLikeAbstract, nonBlank, splitLines, type ParsedPage, type RawEntry } from './types';

const YEAR = /^(19|20)\d{2}$/;

export function sniffYears(text: string): boolean {
  const lines = nonBlank(splitLines(text));
  return lines.length >= 3 && !YEAR.test(lines[0]!.text) && lines[0]!.text.length <= 80 && YEAR.test(lines[1]!.text);
}

export function parseYears(text: string, file: string, currentYear: number): ParsedPage {
  const lines = nonBlank(splitLines(text));
  const owner = lines[0]!.text;
  const entries: RawEntry[] = [];
  let year: number | undefined;
  let headingLine = 0;
  for (const l of lines.slice(1)) {
    if (YEAR.test(l.text)) {
      if (year !== undefined && !entries.some(e => e.date?.[0] === year)) {
        fail(file, headingLine, `expected abstracts under the heading ${year}`);
      }
      year = Number(l.text);
      headingLine = l.no;
      continue;
    }
    if (year === undefined) fail(file, l.no, 'expected a year heading before the first abstract');
    if (!looksLikeAbstract(l.text)) fail(file, l.no, `expected an abstract under ${year}, found a short line`);
    entries.push({ index: entries.length, line: l.no, abstract: l.text, date: [year] });
  }
  if (entries.length === 0 || entries[entries.length - 1]!.date?.[0] !== year) {
    fail(file, headingLine, `expected abstracts under the heading ${year} (page truncated?)`);
  }
  const last = entries[entries.length - 1]!;
  if (!endsLikeProse(last.abstract)) fail(file, last.line, 'the last abstract stops mid-sentence (page truncated?)');
  return { file, layout: 'years', owner, entries, currentYear };
}
