// Layout "publications": a name line, "Publications", then title / abstract line pairs.
import { endsLikeProse, fail, looksLikeAbstract, nonBlank, splitLines, type ParsedPage, type RawEntry } from './types';

export function sniffPublications(text: string): boolean {
  const lines = nonBlank(splitLines(text));
  return lines.length >= 2 && /^publications$/i.test(lines[1]!.text) && lines[0]!.text.length <= 80;
}

export function parsePublications(text: string, file: string, currentYear: number): ParsedPage {
  const lines = nonBlank(splitLines(text));
  const owner = lines[0]!.text;
  const body = lines.slice(2);
  const entries: RawEntry[] = [];
  for (let i = 0; i < body.length; i += 2) {
    const t = body[i]!;
    const a = body[i + 1];
    if (looksLikeAbstract(t.text) && t.text.length > 300) {
      fail(file, t.no, 'expected a title line, found what reads as an abstract (a title is missing)');
    }
    if (!a) fail(file, t.no, `expected an abstract after the title "${t.text.slice(0, 60)}" (page truncated?)`);
    if (!looksLikeAbstract(a.text) || a.text.length <= t.text.length) {
      fail(file, a.no, `expected the abstract of "${t.text.slice(0, 60)}", found a short line`);
    }
    entries.push({ index: entries.length, line: t.no, title: t.text, abstract: a.text });
  }
  if (entries.length === 0) fail(file, lines[1]!.no + 1, 'expected title / abstract pairs after "Publications"');
  const last = entries[entries.length - 1]!;
  if (!endsLikeProse(last.abstract)) fail(file, body[body.length - 1]!.no, 'the last abstract stops mid-sentence (page truncated?)');
  return { file, layout: 'publications', owner, entries, currentYear };
}
