// Bibliography lists: the `.bib` files BibTeX and biber read as one ordered group, with one macro
// table (a `@string` of an earlier file serves the later ones) and `crossref` across the files.
// Pure: names and paths in, groups out; reading the files is read.ts's part.
import { bibCommands } from '../bibCommands';
import { bibNamesOf, markdownBibliographies, type BibReference } from './discover';

/**
 * The lists a LaTeX document names, in order: each `\bibliography{a,b}` (or `\nobibliography`) is
 * one list; all biblatex resources (`\addbibresource`, `\addglobalbib`, `\addsectionbib`) of the
 * document form one list, in the order written (biber reads them with one macro table).
 */
export function texBibliographyLists(text: string): BibReference[][] {
  const lists: BibReference[][] = [];
  let biblatex: BibReference[] | undefined;
  for (const c of bibCommands(text)) {
    const names = bibNamesOf(c);
    if (c.cmd === 'bibliography' || c.cmd === 'nobibliography') {
      if (names.length) lists.push(names);
    } else if (names.length) {
      if (!biblatex) lists.push((biblatex = []));
      biblatex.push(...names);
    }
  }
  return lists;
}

/** A pandoc document's `bibliography:` (a scalar or a list) is one list. */
export function markdownBibliographyLists(text: string): BibReference[][] {
  const refs = markdownBibliographies(text);
  return refs.length ? [refs] : [];
}

/**
 * `papercite.libraries` as lists: a string is a library of its own, an array of strings is one
 * bibliography list in order (`["strings.bib", ["abbrev.bib", "crypto.bib"]]`). Anything else
 * (a number, a nested array) is dropped and named in `ignored`.
 */
export function settingLists(entries: readonly unknown[]): { lists: string[][]; ignored: string[] } {
  const lists: string[][] = [];
  const ignored: string[] = [];
  for (const e of Array.isArray(entries) ? entries : []) {
    if (typeof e === 'string') {
      if (e.trim()) lists.push([e.trim()]);
    } else if (Array.isArray(e) && e.every(x => typeof x === 'string')) {
      const l = (e as string[]).map(x => x.trim()).filter(Boolean);
      if (l.length) lists.push(l);
    } else ignored.push(JSON.stringify(e) ?? String(e));
  }
  return { lists, ignored };
}

/** A file is read with at most this many files of its lists (each costs a stat per reading). */
export const MAX_GROUP_FILES = 64;

/** Whether a path is read as BibTeX (only `.bib` files share a macro table). */
export function isBibPath(p: string): boolean {
  return /\.bib$/i.test(p);
}

/**
 * The group each `.bib` file is read with, from the lists it is in (resolved paths, in discovery
 * order: the setting's first, then the documents'). A file in one list is read with that list.
 * The library is one for the workspace, so a file in several lists is read once, with one list:
 * the files before it in any of its lists (in the order first met), itself, then the files after
 * it in any of them. Its macros expand wherever some document defines them, and a document whose
 * list lacks an earlier file still gets the entries. Files in no list of two or more `.bib` files
 * get no group (they are read alone). `shared` names the files whose lists put different files
 * before them (the log says which list won where they define the same macro differently);
 * `capped`, the files of lists longer than MAX_GROUP_FILES: past it in a list (read alone, unless
 * another list holds them), or with more files in their lists than that (the first met are kept).
 */
export function groupsByFile(lists: readonly (readonly string[])[]): { groups: Map<string, string[]>; shared: Map<string, string[][]>; capped: string[] } {
  const before = new Map<string, Set<string>>();
  const after = new Map<string, Set<string>>();
  // Where each file was first met; its distinct lists of files before it only once another list
  // differs there (compared in place: no copy per file and list, which a hostile workspace of
  // thousands of 64-file lists would pay in memory and collection).
  const firstAt = new Map<string, { list: string[]; i: number }>();
  const priors = new Map<string, Map<string, string[]>>();
  const capped = new Set<string>();
  for (const raw of lists) {
    const { list, past } = listFiles(raw);
    for (const f of past) capped.add(f);
    if (list.length < 2) continue;
    for (let i = 0; i < list.length; i++) {
      const f = list[i]!;
      const first = firstAt.get(f);
      // A file in one list is read with that list: its sets are made only when a second list names it.
      if (!first) { firstAt.set(f, { list, i }); continue; }
      let bs = before.get(f), as = after.get(f);
      if (!bs || !as) {
        before.set(f, (bs = new Set(first.list.slice(0, first.i))));
        after.set(f, (as = new Set(first.list.slice(first.i + 1))));
      }
      // A list names each file once (listFiles), so none of these is f.
      for (let j = 0; j < i; j++) bs.add(list[j]!);
      for (let j = i + 1; j < list.length; j++) as.add(list[j]!);
      let seen = priors.get(f);
      if (!seen) {
        if (sameBefore(first.list, first.i, list, i)) continue;
        const p0 = first.list.slice(0, first.i);
        priors.set(f, (seen = new Map([[p0.join('\u0000'), p0]])));
      }
      const prior = list.slice(0, i);
      const k = prior.join('\u0000');
      if (!seen.has(k)) seen.set(k, prior);
    }
  }
  const groups = new Map<string, string[]>();
  const shared = new Map<string, string[][]>();
  for (const [f, { list }] of firstAt) {
    // Named by one list: that list (one array shared by its files; nobody changes a group).
    if (!before.has(f)) groups.set(f, list);
  }
  for (const [f, bs] of before) {
    // Hostile or huge lists: the first files met before, then after, up to the cap.
    const b: string[] = [];
    for (const x of bs) { if (b.length >= MAX_GROUP_FILES - 1) break; b.push(x); }
    const a: string[] = [];
    let all = bs.size;
    for (const x of after.get(f)!) {
      if (bs.has(x)) continue;
      all++;
      if (b.length + a.length < MAX_GROUP_FILES - 1) a.push(x);
    }
    if (b.length + a.length < all) capped.add(f);
    groups.set(f, [...b, f, ...a]);
    const seen = priors.get(f);
    if (seen) shared.set(f, [...seen.values()]);
  }
  return { groups, shared, capped: [...capped] };
}

/**
 * The `.bib` files of a list as they are read: a file named twice is read once, where first named
 * (as BibTeX warns and skips); a hostile list costs no more than MAX_GROUP_FILES² in groupsByFile:
 * the files after the cap (`past`) are read alone.
 */
export function listFiles(raw: readonly string[]): { list: string[]; past: string[] } {
  const all = [...new Set(raw.filter(isBibPath))];
  return { list: all.slice(0, MAX_GROUP_FILES), past: all.slice(MAX_GROUP_FILES) };
}

/** At most this many lists of its documents a shared file is read with, besides its own reading. */
export const MAX_LIST_READINGS = 8;

/**
 * Which files need a reading with a document's own list besides their one reading (the union of
 * groupsByFile): those that some document's list puts after other files than that reading does
 * (so their macro tables may differ: the reader decides whether they do). `docLists` are the
 * documents' lists (resolved paths; a list of one file counts: BibTeX reads that file alone);
 * `groups`, groupsByFile's. For each such file, the distinct lists in the order first met, at
 * most MAX_LIST_READINGS (`capped` names the files with more: their other lists get the union
 * reading). A list that puts the same files before it as the union reading does is left out (its
 * later files may differ, but the union reading had their crossref parents and more). Each list
 * costs at most MAX_GROUP_FILES² comparisons and no copies: linear in the number of lists.
 */
export function listReadingsByFile(docLists: readonly (readonly string[])[], groups: ReadonlyMap<string, readonly string[]>): { readings: Map<string, string[][]>; capped: string[] } {
  const readings = new Map<string, Map<string, string[]>>();
  const capped = new Set<string>();
  for (const raw of docLists) {
    const { list } = listFiles(raw);
    let key: string | undefined;
    list.forEach((f, i) => {
      const g = groups.get(f);
      if (!g) return;
      if (sameBefore(g, g.indexOf(f), list, i)) return;
      let m = readings.get(f);
      if (!m) readings.set(f, (m = new Map()));
      key ??= listKey(list);
      if (m.has(key)) return;
      if (m.size >= MAX_LIST_READINGS) { capped.add(f); return; }
      m.set(key, list);
    });
  }
  return { readings: new Map([...readings].map(([f, m]) => [f, [...m.values()]])), capped: [...capped] };
}

/** Whether the files before `a[i]` are those before `b[j]`, in the same order (compared in place). */
function sameBefore(a: readonly string[], i: number, b: readonly string[], j: number): boolean {
  if (i !== j) return false;
  for (let k = 0; k < i; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** One string for a list (its resolved paths in order), to name a reading of a file with it. */
export function listKey(list: readonly string[]): string {
  return list.join('\u0000');
}

/** Two groups (or none) are the same list. */
export function sameGroup(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
