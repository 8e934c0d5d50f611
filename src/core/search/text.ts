// Text normalization and tokenization shared by the search index and its queries. Tokens are
// ASCII-folded, lower-case runs of letters and digits; a scan over char codes, no regex per token.

const NON_ASCII = /[^\x00-\x7f]/;
const COMBINING = /[\u0300-\u036f]/g;
const SPECIAL = /[ßæœøłđðþı]/g;
const SPECIAL_MAP: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i',
};

/** Lower case, accents removed (`Sørensen` -> `sorensen`, `Müller` -> `muller`). */
export function fold(s: string): string {
  let t = s.toLowerCase();
  if (!NON_ASCII.test(t)) return t;
  t = t.normalize('NFKD').replace(COMBINING, '');
  if (NON_ASCII.test(t)) t = t.replace(SPECIAL, c => SPECIAL_MAP[c] ?? c);
  return t;
}

/** a-z, 0-9, and anything beyond ASCII that folding left (other scripts). */
export function isTokenCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c > 127;
}

/** Calls `emit` for each token of an already folded string. */
export function eachToken(folded: string, emit: (token: string) => void): void {
  const n = folded.length;
  let start = -1;
  for (let i = 0; i < n; i++) {
    const c = folded.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c > 127) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      emit(folded.slice(start, i));
      start = -1;
    }
  }
  if (start >= 0) emit(start === 0 ? folded : folded.slice(start));
}

/** Tokens of a folded string, in order (duplicates kept). */
export function tokens(folded: string): string[] {
  const out: string[] = [];
  eachToken(folded, t => out.push(t));
  return out;
}

// Parts of a word that changes case or switches between letters and digits.
const CAMEL_WORD = /[A-Za-z0-9]*(?:[a-z][A-Z]|[A-Za-z][0-9]|[0-9][A-Za-z])[A-Za-z0-9]*/g;
const CAMEL_PART = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+/g;
const HYPHENATED = /[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+/g;

/**
 * Extra tokens for titles and keys, so that `MedDialog` is found by "med dialog" and `Self-play`
 * by "selfplay": the parts of camel-case and letter-digit words, and hyphenated words joined.
 */
export function extraTokens(original: string, emit: (token: string) => void): void {
  for (const w of original.match(CAMEL_WORD) ?? []) {
    for (const part of w.match(CAMEL_PART) ?? []) emit(part.toLowerCase());
  }
  for (const w of original.match(HYPHENATED) ?? []) emit(fold(w.replace(/-/g, '')));
}

/**
 * Words too common to search on. They are not indexed; in a query they only count as the prefix
 * of the word being typed ("the" -> "theory").
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  ('a an and are as at be been but by can do does for from has have how in into is it its more ' +
    'not of on or our over such than that the their them then there these they this those to ' +
    'up us via was we were what when where which while who why will with without you your')
    .split(' '),
);
