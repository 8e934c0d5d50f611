// Chooses a publication page's parser by its content (never its file name) and runs it.
import { parseAbstracts, sniffAbstracts } from './abstracts';
import { parseCompact, sniffCompact } from './compact';
import { parseProfile, sniffProfile } from './profile';
import { parsePublications, sniffPublications } from './publications';
import { DEFAULT_CURRENT_YEAR, fail, nonBlank, splitLines, type LayoutName, type ParseOptions, type ParsedPage } from './types';
import { parseYears, sniffYears } from './years';

export type { ParsedPage, RawEntry, LayoutName, ParseOptions } from './types';
export { splitTitleAuthors } from './compact';
export { DEFAULT_CURRENT_YEAR, expandCategory } from './types';

// Order matters: the most specific signatures first.
const LAYOUTS: { name: LayoutName; sniff: (t: string) => boolean; parse: (t: string, f: string, y: number) => ParsedPage }[] = [
  { name: 'abstracts', sniff: sniffAbstracts, parse: parseAbstracts },
  { name: 'publications', sniff: sniffPublications, parse: parsePublications },
  { name: 'profile', sniff: sniffProfile, parse: parseProfile },
  { name: 'compact', sniff: sniffCompact, parse: parseCompact },
  { name: 'years', sniff: sniffYears, parse: parseYears },
];

/** The layout a page is in, or undefined when it matches none. */
export function detectLayout(text: string): LayoutName | undefined {
  return LAYOUTS.find(l => l.sniff(text))?.name;
}

/** Parses one page; throws `SourceError` (file, line, what was expected) rather than drop an entry. */
export function parsePage(text: string, file: string, opts: ParseOptions = {}): ParsedPage {
  const year = opts.currentYear ?? DEFAULT_CURRENT_YEAR;
  if (nonBlank(splitLines(text)).length === 0) fail(file, 0, 'the page is empty');
  // eslint-disable-next-line no-control-regex
  const junk = /[\u0000-\u0008\u000e-\u001f\ufffd]/.exec(text);
  if (junk) fail(file, text.slice(0, junk.index).split('\n').length, 'expected text, found binary or undecodable bytes');
  const layout = LAYOUTS.find(l => l.sniff(text));
  if (!layout) {
    fail(file, 1, 'unknown page layout: expected a "Publications" list, a profile with statistics, "Abstract:" lines, '
      + 'paper headers like "CLOct 24, 2023", or a name followed by year headings');
  }
  return layout.parse(text, file, year);
}
