// Library text placed in Markdown (completion documentation, hovers, tree tooltips): one set of
// rules for the whole product, so no title, key or abstract can open a block, a link, HTML or a
// code span of its own.

/** C0/C1 controls and the line/paragraph separators: shown as spaces. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Text as one Markdown paragraph: controls and line breaks become spaces (no blank line can end
 * the paragraph, no line can start a heading or list), and every ASCII punctuation character is
 * backslash-escaped (CommonMark allows it for all of them), so no link, HTML tag, entity, autolink,
 * emphasis or command link can form.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(CONTROLS, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * Text as an inline code span: on one line, fenced with one backtick more than its longest run of
 * backticks, and padded with a space where it starts or ends with a backtick (CommonMark's rule).
 */
export function markdownCode(text: string): string {
  const t = text.replace(CONTROLS, ' ').replace(/\s+/g, ' ');
  let longest = 0, run = 0;
  for (let i = 0; i < t.length; i++) {
    if (t.charCodeAt(i) === 96) { run++; if (run > longest) longest = run; } else run = 0;
  }
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || (t.startsWith(' ') && t.endsWith(' ') && t.trim()) ? ' ' : '';
  return `${fence}${pad}${t || ' '}${pad}${fence}`;
}
