// Text normalization and tokenization shared by the search index and its queries. Tokens are
// ASCII-folded, lower-case runs of letters and digits. Documents and queries go through the same
// character rules, so what is indexed is what a query can reach.

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

/**
 * Non-ASCII characters that belong to words: letters of any script. Latin-1 punctuation and
 * symbols, general punctuation, arrows, maths operators, CJK punctuation and surrogates (emoji)
 * separate words instead.
 */
export function isWordCodeNonAscii(c: number): boolean {
  if (c < 0xc0) return false;
  if (c === 0xd7 || c === 0xf7) return false;
  if (c >= 0x2000 && c <= 0x2bff) return false;
  if (c >= 0x3000 && c <= 0x303f) return false;
  if (c >= 0xd800 && c <= 0xdfff) return false;
  if (c >= 0xfe30 && c <= 0xfe4f) return false;
  if (c >= 0xff00 && c <= 0xff20) return false;
  return c !== 0xfeff;
}

/** Whether a char code belongs to a word (ASCII letters and digits of either case, or see above). */
export function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c > 127 && isWordCodeNonAscii(c));
}

/**
 * Calls `emit` with each token of `text` (any case, any accents): ASCII runs lower-cased, runs with
 * other letters folded first (which may split them further).
 */
export function eachToken(text: string, emit: (token: string) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (!isWordCode(c)) {
      i++;
      continue;
    }
    const start = i;
    let ascii = true;
    for (; i < n; i++) {
      c = text.charCodeAt(i);
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90)) continue;
      if (c > 127 && isWordCodeNonAscii(c)) {
        ascii = false;
        continue;
      }
      break;
    }
    const raw = start === 0 && i === n ? text : text.slice(start, i);
    if (ascii) emit(raw.toLowerCase());
    else foldedTokens(raw, emit);
  }
}

/** Tokens of a run containing non-ASCII letters: folded, then split on what folding left. */
export function foldedTokens(run: string, emit: (token: string) => void): void {
  const f = fold(run);
  const n = f.length;
  let start = -1;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? f.charCodeAt(i) : 32;
    const word = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c > 127 && isWordCodeNonAscii(c));
    if (word) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      emit(f.slice(start, i));
      start = -1;
    }
  }
}

/** Tokens of a text, in order (duplicates kept). */
export function tokens(text: string): string[] {
  const out: string[] = [];
  eachToken(text, t => out.push(t));
  return out;
}

const HAS_CAMEL = /[a-z][A-Z]|[A-Za-z][0-9]|[0-9][A-Za-z]/;

/** ASCII letter or digit: 1 lower case, 2 upper case, 3 digit; 0 otherwise. */
function charClass(c: number): number {
  return c >= 97 && c <= 122 ? 1 : c >= 65 && c <= 90 ? 2 : c >= 48 && c <= 57 ? 3 : 0;
}

/** Whether position `p` starts a run of ASCII letters and digits after a non-word character (regex `\b`). */
function runStarts(s: string, p: number): boolean {
  if (charClass(s.charCodeAt(p)) === 0) return false;
  if (p === 0) return true;
  const c = s.charCodeAt(p - 1);
  return c !== 95 && charClass(c) === 0;
}

/** End of the run of characters of class `cls` (or any letter or digit when 0) from `p`. */
function runEnd(s: string, p: number, cls: number): number {
  const n = s.length;
  while (p < n) {
    const k = charClass(s.charCodeAt(p));
    if (k === 0 || (cls !== 0 && k !== cls)) break;
    p++;
  }
  return p;
}

/**
 * Extra tokens for titles and keys, so that `MedDialog` is found by "med dialog" and `Self-play`
 * by "selfplay", as ranges of `original`: the parts of each word (a run of ASCII letters and digits
 * starting after a non-word character) that changes case or switches between letters and digits
 * (`emit(start, end, false)`), then hyphenated words whole (`emit(start, end, true)`; the range
 * includes the hyphens, which the token leaves out). Gives ranges so that the index build hashes
 * them in place.
 */
export function extraTokenRanges(original: string, emit: (start: number, end: number, hyphenated: boolean) => void, joinHyphens = true): void {
  const s = original;
  const n = s.length;
  // Most titles have neither: a native test skips them faster than any loop here.
  for (let p = HAS_CAMEL.test(s) ? 0 : n; p < n;) {
    if (!runStarts(s, p)) {
      p++;
      continue;
    }
    const q = runEnd(s, p, 0);
    let camel = false;
    for (let i = p + 1; i < q && !camel; i++) {
      const a = charClass(s.charCodeAt(i - 1)), b = charClass(s.charCodeAt(i));
      camel = (a === 1 && b === 2) || (a !== 3 && b === 3) || (a === 3 && b !== 3);
    }
    if (camel) {
      // Parts: an optional capital with lower-case letters, a run of capitals (less one before
      // lower-case letters), or digits.
      for (let k = p; k < q;) {
        const c = charClass(s.charCodeAt(k));
        let r: number;
        if (c === 2 && k + 1 < q && charClass(s.charCodeAt(k + 1)) === 1) r = runEnd(s, k + 1, 1);
        else {
          r = runEnd(s, k, c);
          if (c === 2 && r < q && charClass(s.charCodeAt(r)) === 1) r--;
        }
        emit(k, r, false);
        k = r;
      }
    }
    p = q;
  }
  const first = joinHyphens ? s.indexOf('-') : -1;
  if (first < 0) return;
  const last = s.lastIndexOf('-');
  // From the run before the first hyphen to the last hyphen: runs elsewhere join nothing.
  let p = first;
  while (p > 0 && charClass(s.charCodeAt(p - 1)) !== 0) p--;
  while (p < last) {
    if (!runStarts(s, p)) {
      p++;
      continue;
    }
    let q = runEnd(s, p, 0);
    let parts = 1;
    while (q + 1 < n && s.charCodeAt(q) === 45 && charClass(s.charCodeAt(q + 1)) !== 0) {
      q = runEnd(s, q + 1, 0);
      parts++;
    }
    if (parts > 1) emit(p, q, true);
    p = q;
  }
}

/** The tokens of `extraTokenRanges`, lower-cased. */
export function extraTokens(original: string, emit: (token: string) => void, joinHyphens = true): void {
  extraTokenRanges(original, (a, b, hyphenated) => {
    const w = original.slice(a, b);
    emit((hyphenated ? w.replace(/-/g, '') : w).toLowerCase());
  }, joinHyphens);
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
