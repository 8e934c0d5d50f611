// Text shown for a paper in completion, quick pick and hover. Pure (no `vscode`), so the escaping
// of untrusted corpus text is unit-tested.
import { formatName, paperYear, shortAuthors, type Paper } from '../../core/model';
import { editDistance as coreEditDistance } from '../../core/editDistance';
import { escapeMarkdown, markdownCode } from '../../core/markdown';
import { MAX_ROW_CHARS, oneLine } from '../../core/strings';

export { escapeMarkdown, MAX_ROW_CHARS, oneLine };

/** A label for quick pick rows: one line, and `$(…)`, which would render as an icon, broken up. */
export function escapeIcons(text: string): string {
  return oneLine(text).replace(/\$\(/g, '$\u200b(');
}

/** "Zhao et al." from the first author's family name. */
export function firstAuthor(p: Paper): string {
  const a = p.author?.[0];
  if (!a) return '';
  const name = a.family ?? formatName(a);
  const more = (p.author?.length ?? 0) > 1 || p.custom.authorsTruncated;
  return more ? `${name} et al.` : name;
}

/** "First Author et al. · year · category" (parts that are missing are left out). */
export function paperDetail(p: Paper): string {
  const year = paperYear(p);
  return [firstAuthor(p), year === undefined ? '' : String(year), p.custom.category ?? p.custom.venue ?? '']
    .filter(Boolean).join(' · ');
}

/** "Zhao, Wu, Yue et al. · 2025 · cs.LG" for quick pick rows. */
export function paperDescription(p: Paper): string {
  const year = paperYear(p);
  return [shortAuthors(p, 3), year === undefined ? '' : String(year), p.custom.category ?? ''].filter(Boolean).join(' · ');
}

/** First `max` characters of an abstract, cut at a word. */
export function excerpt(text: string | undefined, max = 400): string {
  const t = (text ?? '').replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max);
  const sp = cut.lastIndexOf(' ');
  // A sentence's own full stop before the ellipsis reads as "…." : drop it.
  return (sp > max * 0.6 ? cut.slice(0, sp) : cut).replace(/[\s.,;:]+$/, '') + '…';
}

/** The Markdown body describing a paper: every corpus string escaped. */
export function paperMarkdown(p: Paper, opts: { abstractChars?: number } = {}): string {
  const lines: string[] = [];
  // Never `****` (a rule) for a blank title.
  lines.push(`**${escapeMarkdown(p.title ?? '') || escapeMarkdown(p.id) || '(untitled)'}**`);
  const authors = shortAuthors(p, 8);
  const year = paperYear(p);
  const meta = [authors, year === undefined ? '' : String(year), p.custom.venue ?? p['container-title'] ?? '', p.custom.category ?? '']
    .filter(Boolean).map(s => escapeMarkdown(String(s)));
  if (meta.length) lines.push(meta.join(' · '));
  const abs = excerpt(p.abstract, opts.abstractChars ?? 400);
  if (abs) lines.push(escapeMarkdown(abs));
  const orig = typeof p.custom.originalId === 'string' ? ` (id in the library: ${escapeMarkdown(p.custom.originalId)})` : '';
  lines.push(markdownCode(p.id) + orig);
  return lines.join('\n\n');
}

/** A `command:` link whose arguments are safely encoded (parentheses too, which end a link). */
export function commandLink(label: string, command: string, args: unknown[]): string {
  const q = encodeURIComponent(JSON.stringify(args)).replace(/[()']/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `[${escapeMarkdown(label)}](command:${command}?${q})`;
}

/** Edit distance (for "did you mean" on unknown keys), capped to stay cheap. */
export function editDistance(a: string, b: string, cap = 8): number {
  return coreEditDistance(a, b, cap);
}

/** Words of a key for a title search: `zhao2025absolute` → `zhao 2025 absolute`. */
export function keyToQuery(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/(\d+)/g, ' $1 ').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
