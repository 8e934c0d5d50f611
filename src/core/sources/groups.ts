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
  const seenLists = new Map<string, Map<string, string[]>>();
  const pushNew = (set: Set<string>, xs: readonly string[], self: string) => {
    for (const x of xs) if (x !== self) set.add(x);
  };
  const capped = new Set<string>();
  for (const raw of lists) {
    // A file named twice in one list is read once, where first named (as BibTeX warns and skips).
    const all = [...new Set(raw.filter(isBibPath))];
    // A hostile list costs no more than MAX_GROUP_FILES² here: the files after the cap are read alone.
    const list = all.slice(0, MAX_GROUP_FILES);
    for (const f of all.slice(MAX_GROUP_FILES)) capped.add(f);
    if (list.length < 2) continue;
    list.forEach((f, i) => {
      if (!before.has(f)) { before.set(f, new Set()); after.set(f, new Set()); seenLists.set(f, new Map()); }
      const prior = list.slice(0, i);
      seenLists.get(f)!.set(prior.join('\u0000'), prior);
      pushNew(before.get(f)!, prior, f);
      pushNew(after.get(f)!, list.slice(i + 1), f);
    });
  }
  const groups = new Map<string, string[]>();
  const shared = new Map<string, string[][]>();
  for (const [f, bs] of before) {
    // Hostile or huge lists: the first files met before, then after, up to the cap.
    const b = [...bs].slice(0, MAX_GROUP_FILES - 1);
    const a = [...after.get(f)!].filter(x => !bs.has(x)).slice(0, MAX_GROUP_FILES - 1 - b.length);
    if (b.length + a.length < new Set([...bs, ...after.get(f)!]).size) capped.add(f);
    groups.set(f, [...b, f, ...a]);
    if (seenLists.get(f)!.size > 1) shared.set(f, [...seenLists.get(f)!.values()]);
  }
  return { groups, shared, capped: [...capped] };
}

/** Two groups (or none) are the same list. */
export function sameGroup(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
