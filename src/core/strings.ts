// Helpers for strings kept for a long time (parsed records, index terms).

/**
 * `s` as a string of its own: a slice of a large text (a 74 MB `.bib`) would keep all of that text
 * alive. V8 copies slices of 12 characters or fewer anyway.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
