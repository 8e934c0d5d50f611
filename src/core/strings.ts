// Helpers for strings kept for a long time (parsed records, index terms).

/**
 * `s` as a string of its own: a slice of a large text (a 74 MB `.bib`) would keep all of that text
 * alive. V8 copies slices of 12 characters or fewer anyway.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/**
 * `s` without its trailing characters from `chars`: what `s.replace(/[chars]+$/, '')` gives, in
 * one backward pass (the regex tries every start in a run of those characters that is not at the
 * end, rescanning the run each time).
 */
export function trimEndOf(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1]!)) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Where sticky `re` matching at `at` in `s` ends, or -1 when it does not match there. */
export function stickyEnd(re: RegExp, s: string, at: number): number {
  re.lastIndex = at;
  return re.test(s) ? re.lastIndex : -1;
}

const LINE_BREAK = /[\n\r\u2028\u2029]/g;

/** The text after the last line terminator (`\n`, `\r`, U+2028, U+2029): where a `$` without `m` can match. */
export function lastLine(s: string): string {
  let from = 0;
  LINE_BREAK.lastIndex = 0;
  while (LINE_BREAK.test(s)) from = LINE_BREAK.lastIndex;
  return from ? s.slice(from) : s;
}

/** Characters one line of a row shows (quick pick, completion, the Papers tree, the CLI's search): the Anthology's longest title has 857. */
export const MAX_ROW_CHARS = 1000;

/**
 * Text for one line of a row: whitespace collapsed, and past MAX_ROW_CHARS cut with "…" (never
 * inside a surrogate pair), so a crafted megabyte-long title is not laid out and matched per keystroke.
 */
export function oneLine(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= MAX_ROW_CHARS) return t;
  let end = MAX_ROW_CHARS - 1;
  const c = t.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return t.slice(0, end) + '…';
}
