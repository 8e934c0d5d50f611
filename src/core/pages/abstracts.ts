// Layout "abstracts": `Abstract:` lines only, no owner, titles or dates.
import { endsLikeProse, fail, nonBlank, splitLines, type ParsedPage, type RawEntry } from './types';

const PREFIX = /^Abstract:\s*/;

export function sniffAbstracts(text: string): boolean {
  const lines = nonBlank(splitLines(text));
  return lines.length > 0 && PREFIX.test(lines[0]!.text);
}

export function parseAbstracts(text: string, file: string, currentYear: number): ParsedPage {
  const entries: RawEntry[] = [];
  const lines = nonBlank(splitLines(text));
  for (const l of lines) {
    if (!PREFIX.test(l.text)) fail(file, l.no, 'expected a line starting with "Abstract:"');
    const abstract = l.text.replace(PREFIX, '');
    if (abstract.length < 40) fail(file, l.no, 'expected an abstract after "Abstract:", found an empty or short one');
    entries.push({ index: entries.length, line: l.no, abstract });
  }
  const last = lines[lines.length - 1]!;
  if (!endsLikeProse(last.text)) fail(file, last.no, 'the last abstract stops mid-sentence (page truncated?)');
  return { file, layout: 'abstracts', entries, currentYear };
}
