// Text and name normalization for page entries. LaTeX in abstracts (`\href{…}{…}`, `$…$`) is kept.
import type { CslName } from './model';

/**
 * Cleans page text: `~` (a LaTeX tie) becomes a space except inside URLs, whitespace runs collapse,
 * no space before `,;:` or a closing bracket, and a missing space is restored after a sentence end
 * ("ability.Experimental") and before a URL ("athttps://").
 */
export function cleanText(s: string): string {
  return s
    .replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000]/g, ' ')
    .replace(/(^|[^/\\])~(?![/\w]*\/)/g, '$1 ')
    .replace(/\s+/g, ' ')
    .replace(/ +([,;])(?=[\p{L}\d])/gu, '$1 ')
    .replace(/ +([,;:)\]])/g, '$1')
    .replace(/\S+/g, spaceAfterSentenceEnd)
    .replace(/([\p{L}])(https?:\/\/)/gu, '$1 $2')
    .trim();
}

const GLUED_SENTENCE = /([\p{Ll}\d)]{2})\.(\p{Lu}\p{Ll}{2,})/gu;

/**
 * "ability.Experimental" → "ability. Experimental" in one word, except after a URL's scheme in it
 * (one scan of the word, where a look-behind over the word would rescan it at every dot).
 */
function spaceAfterSentenceEnd(word: string): string {
  if (word.indexOf('.') < 0) return word;
  const url = /https?:\/\//.exec(word);
  const end = url ? url.index + url[0].length : word.length;
  return word.slice(0, end).replace(GLUED_SENTENCE, '$1. $2') + word.slice(end);
}

/** Clean a title: as `cleanText`, without a trailing full stop. */
export function cleanTitle(s: string): string {
  return cleanText(s).replace(/(?<!\.\.)\.$/, '');
}

/** Lower-case ASCII letters and digits with single spaces: the form used to compare text. */
export function comparable(s: string): string {
  return foldAscii(s).toLowerCase().replace(/\\[a-z]+/g, ' ').replace(/[^a-z0-9]+/g, ' ').trim();
}

/** Letters and digits only, no spaces: spacing and punctuation differences vanish. */
export function squashed(s: string): string {
  return comparable(s).replace(/ /g, '');
}

const FOLD: Record<string, string> = { ß: 'ss', æ: 'ae', Æ: 'AE', ø: 'o', Ø: 'O', œ: 'oe', Œ: 'OE', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', þ: 'th', ı: 'i' };

/** Accents removed and a few letters spelled out: "Laurière" → "Lauriere", "Hütter" → "Hutter". */
export function foldAscii(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[ßæÆøØœŒłŁđĐþı]/g, c => FOLD[c] ?? c);
}

// Vietnamese names are written family name first ("Nguyen Van Hoang").
const VIETNAMESE_FAMILY = new Set(['nguyen', 'tran', 'le', 'pham', 'hoang', 'huynh', 'phan', 'vu', 'vo', 'dang', 'bui', 'do', 'ho', 'ngo', 'duong', 'ly']);
const VIETNAMESE_MIDDLE = new Set(['van', 'thi', 'duc', 'minh', 'quang', 'huu', 'ngoc', 'thanh', 'xuan', 'dinh', 'hong', 'anh']);
// Particles that belong to the family name ("Edward De Brouwer", "Ludwig van der Berg").
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'du', 'dos', 'das', 'la', 'le', 'ter', 'ten', 'zu', 'al', 'el', 'bin', 'ibn']);

/**
 * Splits a name as the pages write it ("Given Family", also for Chinese names: "Andrew Zhao",
 * "Wayne Xin Zhao") into CSL parts. Family-first Vietnamese names ("Nguyen Van Hoang") and family
 * particles ("Edward De Brouwer") are kept together; a single word becomes `literal`.
 */
export function splitName(raw: string): CslName {
  const name = cleanText(raw).replace(/,$/, '');
  if (name.includes(',')) {
    const [family, ...given] = name.split(',');
    return { family: family!.trim(), given: given.join(',').trim() };
  }
  const words = name.split(' ').filter(Boolean);
  if (words.length <= 1) return { literal: name };
  const lower = words.map(w => foldAscii(w).toLowerCase());
  if (words.length >= 3 && VIETNAMESE_FAMILY.has(lower[0]!) && VIETNAMESE_MIDDLE.has(lower[1]!)) {
    return { family: words[0]!, given: words.slice(1).join(' ') };
  }
  let cut = words.length - 1;
  while (cut > 1 && PARTICLES.has(lower[cut - 1]!)) cut--;
  return { family: words.slice(cut).join(' '), given: words.slice(0, cut).join(' ') };
}

/** Comparable form of a person's name, for checking that two lists start alike (never to merge people). */
export function comparableName(raw: string): string {
  return comparable(raw);
}
