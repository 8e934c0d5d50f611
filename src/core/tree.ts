// Grouping of papers for PaperCite's Papers tree. Pure: the extension layer turns nodes into
// TreeItems. One pass over the papers builds the groups; a group's papers are sorted only when the
// group is expanded, so a 100k-paper library stays cheap.
import { formatName, paperYear, type Paper } from './model';
import { nextTurn, sortInTurns } from './turns';

export type TreeGroupBy = 'author' | 'owner' | 'year' | 'category';

/** Labels of the groups that collect papers lacking the grouped field. */
export const UNKNOWN_AUTHORS = 'Unknown authors';
export const NO_PAGE = 'Not from a publication page';
export const NO_YEAR = 'Unknown year';
export const NO_CATEGORY = 'No category';

export interface GroupNode {
  readonly kind: 'group';
  /** Unique in the tree: `<groupBy>:<name>`. */
  readonly id: string;
  readonly groupBy: TreeGroupBy;
  /** The name as written (author, page owner, year, category) or one of the "unknown" labels. */
  readonly label: string;
  /** True for the group of papers lacking the field (e.g. "Unknown authors"). */
  readonly missing: boolean;
  /** Number of distinct papers in the group. */
  readonly count: number;
}

export interface PaperNode {
  readonly kind: 'paper';
  /** Unique in the tree: `<group id>/<key>` (a paper shows under each of its authors). */
  readonly id: string;
  /** The citation key: commands taking `{key}` accept this node as their argument. */
  readonly key: string;
  readonly parent: GroupNode;
}

export type TreeNode = GroupNode | PaperNode;

/** The way one name is written, compared exactly (only Unicode form and spaces are normalised). */
export function nameKey(s: string): string {
  // Fast path: most names are plain ASCII with single spaces.
  if (!/[^\x21-\x7e ]|  |^ | $/.test(s)) return s;
  return s.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Distinct author names of a paper as written; empty when the paper lists none. */
export function authorNames(p: Paper): string[] {
  const out: string[] = [];
  for (const a of p.author ?? []) {
    const n = nameKey(formatName(a));
    if (n && !out.includes(n)) out.push(n);
  }
  return out;
}

/** Group names of one paper under `groupBy`; `[]` means the "missing" group. */
function groupNamesOf(p: Paper, groupBy: TreeGroupBy): string[] {
  switch (groupBy) {
    case 'author': return authorNames(p);
    case 'owner': {
      const out: string[] = [];
      for (const o of p.custom?.profiles ?? []) {
        const n = typeof o === 'string' ? nameKey(o) : '';
        if (n && !out.includes(n)) out.push(n);
      }
      return out;
    }
    case 'year': {
      const y = paperYear(p);
      return y === undefined ? [] : [String(y)];
    }
    case 'category': {
      const c = typeof p.custom?.category === 'string' ? nameKey(p.custom.category) : '';
      return c ? [c] : [];
    }
  }
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function missingLabel(groupBy: TreeGroupBy): string {
  return { author: UNKNOWN_AUTHORS, owner: NO_PAGE, year: NO_YEAR, category: NO_CATEGORY }[groupBy];
}

interface GroupData {
  node: GroupNode;
  /** Indexes into `papers`, in library order; sorted lazily. */
  members: number[];
  sorted: boolean;
  children?: PaperNode[];
}

/** Case-insensitive match of every whitespace-separated term against title, authors, year, key, venue, category. */
export function makeFilter(query: string): ((p: Paper) => boolean) | undefined {
  const terms = query.toLowerCase().normalize('NFC').split(/\s+/).filter(Boolean);
  if (terms.length === 0) return undefined;
  return p => {
    const hay = [p.title ?? '', p.id, String(paperYear(p) ?? ''), p.custom?.venue ?? '', p.custom?.category ?? '',
      ...authorNames(p), ...(p.custom?.profiles ?? [])].join('\n').toLowerCase().normalize('NFC');
    return terms.every(t => hay.includes(t));
  };
}

export interface PaperTreeOptions {
  /** Keep only papers passing this test (the view's filter). */
  filter?: (p: Paper) => boolean;
}

/**
 * The Papers tree for one library snapshot and one grouping. Author and owner groups are sorted by
 * number of papers (then name), years newest first, categories by size; the "missing" group is last.
 * A paper lacking the grouped field is still reachable through the "missing" group.
 */
export class PaperTree {
  private readonly groups = new Map<string, GroupData>();
  /** Key -> index into `papers` (first occurrence). */
  private readonly indexByKey = new Map<string, number>();
  /** Key -> the id of its first group (for reveal). */
  private readonly firstGroup = new Map<string, string>();

  private rootList: GroupNode[] = [];
  private readonly byName = new Map<string, GroupData>();
  private missingGroup: GroupData | undefined;

  private constructor(readonly papers: readonly Paper[], readonly groupBy: TreeGroupBy, private readonly filter: ((p: Paper) => boolean) | undefined) {}

  /** Puts papers [from, to) into their groups. */
  private add(from: number, to: number): void {
    const { papers, groupBy, filter, byName } = this;
    for (let i = from; i < to; i++) {
      const p = papers[i]!;
      if (this.indexByKey.has(p.id)) continue; // a key is one paper; later duplicates are not shown twice
      if (filter && !filter(p)) continue;
      this.indexByKey.set(p.id, i);
      const names = groupNamesOf(p, groupBy);
      if (names.length === 0) {
        this.missingGroup ??= { node: { kind: 'group', id: `${groupBy}:\u0000missing`, groupBy, label: missingLabel(groupBy), missing: true, count: 0 }, members: [], sorted: false };
        this.missingGroup.members.push(i);
        if (!this.firstGroup.has(p.id)) this.firstGroup.set(p.id, this.missingGroup.node.id);
        continue;
      }
      for (const n of names) {
        let g = byName.get(n);
        if (!g) {
          g = { node: { kind: 'group', id: `${groupBy}:${n}`, groupBy, label: n, missing: false, count: 0 }, members: [], sorted: false };
          byName.set(n, g);
        }
        g.members.push(i);
        if (!this.firstGroup.has(p.id)) this.firstGroup.set(p.id, g.node.id);
      }
    }
  }

  /** The groups, counted, once every paper was added (unordered). */
  private counted(): GroupData[] {
    const all = [...this.byName.values()];
    this.byName.clear();
    if (this.missingGroup) all.push(this.missingGroup);
    for (const g of all) (g.node as { count: number }).count = g.members.length;
    return all;
  }

  /** The order of the top level: the missing group last; years newest first; else largest first, then by name. */
  private order(): (a: GroupData, b: GroupData) => number {
    const groupBy = this.groupBy;
    return (a, b) => {
      if (a.node.missing !== b.node.missing) return a.node.missing ? 1 : -1;
      if (groupBy === 'year') return Number(b.node.label) - Number(a.node.label);
      return b.members.length - a.members.length || collator.compare(a.node.label, b.node.label);
    };
  }

  /** Takes the ordered groups as the top level. */
  private finish(all: GroupData[]): this {
    for (const g of all) this.groups.set(g.node.id, g);
    this.rootList = all.map(g => g.node);
    return this;
  }

  static build(papers: readonly Paper[], groupBy: TreeGroupBy, opts: PaperTreeOptions = {}): PaperTree {
    const t = new PaperTree(papers, groupBy, opts.filter);
    t.add(0, papers.length);
    return t.finish(t.counted().sort(t.order()));
  }

  /**
   * The same tree as `build`, grouping `slice` papers per turn of the event loop, so building the
   * tree of a 73k-paper library never stalls the editor for long. `cancelled()` is asked between
   * slices; when it says yes, the promise resolves to undefined.
   */
  static async buildInTurns(papers: readonly Paper[], groupBy: TreeGroupBy, opts: PaperTreeOptions & { slice?: number; cancelled?: () => boolean } = {}): Promise<PaperTree | undefined> {
    const t = new PaperTree(papers, groupBy, opts.filter);
    const slice = Math.max(1, opts.slice ?? 1000);
    for (let i = 0; i < papers.length; i += slice) {
      t.add(i, Math.min(papers.length, i + slice));
      await nextTurn();
      if (opts.cancelled?.()) return undefined;
    }
    // Ordering 60k author groups by name takes most of a second: sorted in turns too.
    const all = t.counted();
    if (!(await sortInTurns(all, t.order(), opts.cancelled ? { cancelled: opts.cancelled } : {}))) return undefined;
    return t.finish(all);
  }

  /** Number of papers shown (after the filter). */
  get paperCount(): number { return this.indexByKey.size; }

  roots(): readonly GroupNode[] { return this.rootList; }

  group(id: string): GroupNode | undefined { return this.groups.get(id)?.node; }

  /** The group for a name as written (`author` / `owner` / `year` / `category`). */
  groupByName(name: string): GroupNode | undefined {
    return this.groups.get(`${this.groupBy}:${nameKey(name)}`)?.node;
  }

  /** A group's papers, newest first, then by title; computed on first call. */
  children(group: GroupNode): readonly PaperNode[] {
    const g = this.groups.get(group.id);
    if (!g) return [];
    if (!g.children) {
      const ps = this.papers;
      const year = (i: number) => paperYear(ps[i]!) ?? -Infinity;
      g.members.sort((a, b) => year(b) - year(a) || collator.compare(ps[a]!.title ?? '', ps[b]!.title ?? '') || a - b);
      g.children = g.members.map(i => ({ kind: 'paper', id: `${g.node.id}/${ps[i]!.id}`, key: ps[i]!.id, parent: g.node }));
    }
    return g.children;
  }

  paper(node: PaperNode): Paper | undefined {
    const i = this.indexByKey.get(node.key);
    return i === undefined ? undefined : this.papers[i];
  }

  /** True when the paper is shown (known and passing the filter). */
  has(key: string): boolean { return this.indexByKey.has(key); }

  /** The node to reveal for a paper: under its first group (first author, first page owner, …). */
  nodeFor(key: string, groupId?: string): PaperNode | undefined {
    const gid = groupId ?? this.firstGroup.get(key);
    const g = gid === undefined ? undefined : this.groups.get(gid);
    if (!g) return undefined;
    return this.children(g.node).find(c => c.key === key);
  }

  /**
   * A signature per group of what its rows show (member keys and their row text), to refresh only
   * the groups that changed after a library reload.
   */
  signatures(rowText: (p: Paper) => string = defaultRowText): Map<string, string> {
    const out = new Map<string, string>();
    const rowHash = new Map<number, number>(); // each paper hashed once, though it shows in several groups
    for (const [id, g] of this.groups) {
      let h = 0x811c9dc5;
      for (const i of g.members) {
        let r = rowHash.get(i);
        if (r === undefined) { r = fnv1a(rowText(this.papers[i]!), fnv1a(this.papers[i]!.id, 0x811c9dc5)); rowHash.set(i, r); }
        h = Math.imul(h ^ r, 0x01000193);
      }
      out.set(id, `${g.members.length}:${(h >>> 0).toString(16)}`);
    }
    return out;
  }
}

/** What a paper row shows; a change in it needs that row redrawn. */
export function defaultRowText(p: Paper): string {
  return [p.title ?? '', paperYear(p) ?? '', p.custom?.hasCode ? 1 : 0, authorNames(p).join(';'), (p.abstract ?? '').slice(0, 300)].join('\u0001');
}

function fnv1a(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

export interface TreeDiff {
  /** The root list changed (a group appeared, vanished, moved or changed its count): refresh all. */
  roots: boolean;
  /** Ids of groups (present in both) whose rows changed: refresh only these. */
  groups: string[];
}

/** What to refresh going from one tree to the next (same grouping). */
export function diffTrees(before: PaperTree, beforeSigs: Map<string, string>, after: PaperTree, afterSigs: Map<string, string>): TreeDiff {
  const a = before.roots(), b = after.roots();
  let roots = before.groupBy !== after.groupBy || a.length !== b.length;
  for (let i = 0; !roots && i < a.length; i++) {
    if (a[i]!.id !== b[i]!.id || a[i]!.count !== b[i]!.count) roots = true;
  }
  const groups: string[] = [];
  if (!roots) for (const [id, sig] of afterSigs) if (beforeSigs.get(id) !== sig) groups.push(id);
  return { roots, groups };
}
