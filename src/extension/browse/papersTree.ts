// The Papers tree (view `papercite.papers`): papers grouped by author, page owner, year or category.
// Nodes come from core `PaperTree`; this layer only makes TreeItems and decides what to refresh.
import * as vscode from 'vscode';
import { formatName, paperYear, type Paper } from '../../core/model';
import { diffTrees, makeFilter, PaperTree, type GroupNode, type TreeGroupBy, type TreeNode } from '../../core/tree';
import { renderAbstract, richToPlain } from '../../core/render';
import type { GroupBy } from '../config';
import { Commands, ContextKeys, SECTION, Views } from '../ids';
import { log } from '../log';
import { milestone } from '../status';
import type { Services } from '../services';
import { escapeMarkdown, markdownCode, untrustedMarkdown } from './markdown';
import { oneLine } from '../cite/format';

const GROUP_ICONS: Record<TreeGroupBy, string> = { author: 'person', owner: 'account', year: 'calendar', category: 'tag' };
const GROUP_WORDS: Record<TreeGroupBy, string> = { author: 'author', owner: 'page owner', year: 'year', category: 'category' };
/** A burst of library changes (a save, a big source joining) rebuilds the tree once, after this. */
const REBUILD_DELAY_MS = 400;
/** Above this many papers a change redraws the whole tree instead of diffing row signatures (seconds at 73k). */
const DIFF_MAX_PAPERS = 20_000;
/**
 * Top-level groups shown (the largest first), then one "more" row pointing to Filter Papers:
 * VS Code makes a TreeItem for every child at once, and a 73k-paper library has ~100k authors.
 */
const MAX_ROOTS = 1000;

export class PapersTree implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  readonly view: vscode.TreeView<TreeNode>;
  private tree: PaperTree;
  private sigs: Map<string, string> | undefined;
  private groupBy: TreeGroupBy;
  private filterText = '';
  /** Group objects handed to VS Code, by id: it refreshes and reveals elements by identity. */
  private readonly canon = new Map<string, GroupNode>();
  private readonly subs: vscode.Disposable[] = [];
  /** The library changed since the tree was built; rebuilt when visible (search and completion never wait on it). */
  private stale = false;
  private rebuildTimer: NodeJS.Timeout | undefined;
  /** Bumped by every rebuild; a build in turns that sees another number gives up. */
  private buildGen = 0;
  /** A build in turns is running (a change meanwhile waits for it, then rebuilds again). */
  private building = false;

  constructor(private readonly services: Services) {
    this.groupBy = services.config.current.groupBy;
    this.tree = this.build();
    this.view = vscode.window.createTreeView(Views.papers, { treeDataProvider: this, showCollapseAll: true });
    this.updateDescription();
    this.subs.push(
      this.view,
      services.library.onDidChange(() => this.libraryChanged()),
      this.view.onDidChangeVisibility(e => { if (e.visible && this.stale) this.scheduleRebuild(0); }),
      services.config.onDidChange(c => { if (c.groupBy !== this.groupBy) this.setGroupBy(c.groupBy, false); }),
    );
    void vscode.commands.executeCommand('setContext', ContextKeys.treeFiltered, false);
  }

  dispose(): void {
    clearTimeout(this.rebuildTimer);
    for (const s of this.subs) s.dispose();
    this.emitter.dispose();
  }

  get current(): PaperTree { this.ensureFresh(); return this.tree; }
  get grouping(): TreeGroupBy { return this.groupBy; }

  private build(): PaperTree {
    const t0 = performance.now();
    const filter = makeFilter(this.filterText);
    const tree = PaperTree.build(this.services.library.papers, this.groupBy, filter ? { filter } : {});
    log.debug(`[browse] tree by ${this.groupBy}: ${tree.roots().length} groups, ${tree.paperCount} papers in ${(performance.now() - t0).toFixed(0)} ms`);
    return tree;
  }

  /**
   * The library changed: rebuilding the tree costs seconds at 73k papers, so it is deferred (one
   * rebuild per burst) and skipped while the view is hidden (done when it is shown again).
   */
  private libraryChanged(): void {
    this.stale = true;
    if (this.view.visible) this.scheduleRebuild(REBUILD_DELAY_MS);
  }

  private scheduleRebuild(delay: number): void {
    clearTimeout(this.rebuildTimer);
    this.rebuildTimer = setTimeout(() => {
      this.rebuildTimer = undefined;
      if (this.stale) this.refreshChanged();
    }, delay);
  }

  private isBig(): boolean {
    return this.services.library.papers.length > DIFF_MAX_PAPERS || this.tree.paperCount > DIFF_MAX_PAPERS;
  }

  /** Brings the tree up to date without telling the view (it is about to ask anyway). */
  private ensureFresh(): void {
    if (!this.stale) return;
    this.buildGen++;
    clearTimeout(this.rebuildTimer);
    this.rebuildTimer = undefined;
    this.stale = false;
    this.tree = this.build();
    this.sigs = undefined;
    this.canon.clear();
    this.updateDescription();
  }

  /** After a reload: redraw only the groups whose rows changed when the group list itself is unchanged. */
  private refreshChanged(): void {
    if (this.isBig()) {
      if (!this.building) void this.rebuildInTurns();
      return;
    }
    this.stale = false;
    this.buildGen++;
    const before = this.tree;
    this.tree = this.build();
    const beforeSigs = this.sigs ?? before.signatures();
    this.sigs = this.tree.signatures();
    const d = diffTrees(before, beforeSigs, this.tree, this.sigs);
    this.updateDescription();
    if (d.roots) {
      log.info(`[browse] library changed: groups changed, refreshing the whole tree (${this.tree.roots().length} groups)`);
      milestone('tree.refreshed', { groups: this.tree.roots().length, changed: this.tree.roots().length, whole: true });
      this.canon.clear();
      this.emitter.fire(undefined);
      return;
    }
    const changed = d.groups.map(id => this.canon.get(id)).filter((g): g is GroupNode => !!g);
    log.info(`[browse] library changed: refreshing ${changed.length} of ${this.tree.roots().length} groups`);
    milestone('tree.refreshed', { groups: this.tree.roots().length, changed: changed.length, whole: false });
    if (changed.length) this.emitter.fire(changed);
  }

  /**
   * A big library's tree is built a slice per turn of the event loop (the old tree is shown
   * meanwhile), then redrawn whole: diffing 73k rows would cost more than it saves. A change
   * during the build does not restart it (a stream of changes would starve it): the finished tree
   * is shown, then built again.
   */
  private async rebuildInTurns(): Promise<void> {
    const gen = ++this.buildGen;
    this.stale = false;
    this.building = true;
    const t0 = performance.now();
    let tree: PaperTree | undefined;
    try {
      // A later rebuild (a new grouping or filter, a reveal) supersedes it.
      tree = await this.treeInTurns(gen);
    } finally {
      this.building = false;
    }
    if (this.stale && this.view.visible) this.scheduleRebuild(REBUILD_DELAY_MS);
    if (!tree) return;
    log.info(`[browse] library changed: rebuilt the tree of ${tree.paperCount} papers in turns in ${(performance.now() - t0).toFixed(0)} ms, refreshing it whole`);
    this.showWhole(tree);
  }

  /**
   * A new grouping or filter: the tree is built again and redrawn whole. A big library's is built
   * in turns (seconds at 73k that would hold every extension's thread), the view saying so meanwhile;
   * a later rebuild supersedes it.
   */
  private async rebuildAll(): Promise<void> {
    this.stale = false;
    const gen = ++this.buildGen;
    clearTimeout(this.rebuildTimer);
    this.rebuildTimer = undefined;
    const papers = this.services.library.papers;
    if (papers.length <= DIFF_MAX_PAPERS) return this.showWhole(this.build());
    const t0 = performance.now();
    this.view.message = `Grouping ${papers.length.toLocaleString('en-US')} papers by ${GROUP_WORDS[this.groupBy]}${this.filterText ? ` matching “${this.filterText}”` : ''}…`;
    const tree = await this.treeInTurns(gen);
    if (!tree) return;
    log.info(`[browse] tree by ${this.groupBy}${this.filterText ? ' (filtered)' : ''}: ${tree.roots().length} groups, ${tree.paperCount} papers, built in turns in ${(performance.now() - t0).toFixed(0)} ms`);
    this.showWhole(tree);
  }

  /** The tree of the library's papers under the current grouping and filter, built in turns; undefined once build `gen` is superseded. */
  private async treeInTurns(gen: number): Promise<PaperTree | undefined> {
    const filter = makeFilter(this.filterText);
    const tree = await PaperTree.buildInTurns(this.services.library.papers, this.groupBy, { ...(filter ? { filter } : {}), cancelled: () => gen !== this.buildGen });
    return tree && gen === this.buildGen ? tree : undefined;
  }

  /** Shows `tree` in place of the current one, redrawn whole. */
  private showWhole(tree: PaperTree): void {
    this.tree = tree;
    this.sigs = undefined;
    this.canon.clear();
    this.updateDescription();
    milestone('tree.refreshed', { groups: tree.roots().length, changed: tree.roots().length, whole: true, papers: tree.paperCount, ...(this.filterText ? { filtered: true } : {}) });
    this.emitter.fire(undefined);
  }

  async setGroupBy(g: GroupBy, persist = true): Promise<void> {
    if (g !== this.groupBy) {
      this.groupBy = g;
      await this.rebuildAll();
    }
    if (persist && this.services.config.current.groupBy !== g) {
      await vscode.workspace.getConfiguration(SECTION).update('tree.groupBy', g, vscode.ConfigurationTarget.Global);
    }
  }

  async setFilter(text: string): Promise<void> {
    this.filterText = text.trim();
    await vscode.commands.executeCommand('setContext', ContextKeys.treeFiltered, this.filterText !== '');
    await this.rebuildAll();
  }

  get filter(): string { return this.filterText; }

  private updateDescription(): void {
    const by = `by ${GROUP_WORDS[this.groupBy]}`;
    this.view.description = this.filterText ? `${by} · “${this.filterText}” (${this.tree.paperCount})` : by;
    this.view.message = this.filterText && this.tree.paperCount === 0 ? `No paper matches “${this.filterText}”.` : undefined;
  }

  private canonical(g: GroupNode): GroupNode {
    const known = this.canon.get(g.id);
    if (known) return known;
    this.canon.set(g.id, g);
    return g;
  }

  // ---------------------------------------------------------------- TreeDataProvider
  /** Whether a group is among the rows shown at the top level (see MAX_ROOTS). */
  private isShownRoot(g: GroupNode): boolean {
    const roots = this.tree.roots();
    if (roots.length <= MAX_ROOTS + 1) return true;
    const i = roots.findIndex(r => r.id === g.id);
    return i >= 0 && (i < MAX_ROOTS || roots[i]!.missing);
  }

  private moreRow(hidden: number): GroupNode {
    return { kind: 'group', id: `${this.groupBy}:\u0000more`, groupBy: this.groupBy, label: `${hidden.toLocaleString('en-US')} more ${GROUP_WORDS[this.groupBy]}s: use Filter Papers to find them`, missing: false, count: hidden };
  }

  getChildren(el?: TreeNode): TreeNode[] {
    // A big library's stale tree is shown until its rebuild in turns is done: never a stall here.
    if (!el && this.stale) {
      if (this.isBig()) { if (!this.rebuildTimer) this.scheduleRebuild(0); } else this.ensureFresh();
    }
    if (!el) {
      const roots = this.tree.roots();
      if (roots.length <= MAX_ROOTS + 1) return roots.map(g => this.canonical(g));
      const shown = roots.slice(0, MAX_ROOTS).map(g => this.canonical(g));
      const missing = roots[roots.length - 1]!.missing ? roots[roots.length - 1]! : undefined;
      const hidden = roots.length - MAX_ROOTS - (missing ? 1 : 0);
      if (missing) shown.push(this.canonical(missing));
      if (hidden > 0) shown.push(this.canonical(this.moreRow(hidden)));
      return shown;
    }
    if (el.kind === 'paper') return [];
    const g = this.tree.group(el.id);
    return g ? [...this.tree.children(g)] : [];
  }

  getParent(el: TreeNode): TreeNode | undefined {
    return el.kind === 'paper' ? this.canonical(this.tree.group(el.parent.id) ?? el.parent) : undefined;
  }

  getTreeItem(el: TreeNode): vscode.TreeItem {
    if (el.kind === 'group' && el.id === `${this.groupBy}:\u0000more`) {
      const item = new vscode.TreeItem(el.label, vscode.TreeItemCollapsibleState.None);
      item.id = el.id;
      item.iconPath = new vscode.ThemeIcon('filter');
      item.command = { command: Commands.filterTree, title: 'Filter Papers' };
      item.tooltip = `The ${MAX_ROOTS.toLocaleString('en-US')} ${GROUP_WORDS[this.groupBy]}s with the most papers are listed; Filter Papers finds any other.`;
      return item;
    }
    if (el.kind === 'group') return this.groupItem(this.tree.group(el.id) ?? el);
    const p = this.tree.paper(el);
    const item = new vscode.TreeItem(p ? plainTitle(p) : el.key, vscode.TreeItemCollapsibleState.None);
    item.id = el.id;
    if (!p) return item;
    const year = paperYear(p);
    item.description = year === undefined ? '' : String(year);
    item.iconPath = new vscode.ThemeIcon(p.custom?.hasCode ? 'file-code' : 'book');
    item.contextValue = p.custom?.hasCode ? 'paper.code' : 'paper';
    item.command = { command: Commands.openPaper, title: 'Open Paper', arguments: [p.id] };
    item.accessibilityInformation = { label: `${plainTitle(p)}${year ? `, ${year}` : ''}${p.custom?.hasCode ? ', has code' : ''}`, role: 'treeitem' };
    return item;
  }

  /** Tooltips only when hovered: building them for every row of a large group is wasted work. */
  resolveTreeItem(item: vscode.TreeItem, el: TreeNode): vscode.TreeItem {
    if (el.kind === 'paper') {
      const p = this.tree.paper(el);
      if (p) item.tooltip = paperTooltip(p);
    }
    return item;
  }

  private groupItem(g: GroupNode): vscode.TreeItem {
    const item = new vscode.TreeItem(g.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = g.id;
    item.description = String(g.count);
    item.iconPath = new vscode.ThemeIcon(g.missing ? 'question' : GROUP_ICONS[g.groupBy]);
    item.contextValue = g.missing ? 'group.missing' : g.groupBy;
    const papers = `${g.count} paper${g.count === 1 ? '' : 's'}`;
    item.tooltip = g.missing ? `${g.label}: ${papers}`
      : g.groupBy === 'author' ? `${g.label}: ${papers} listing an author written exactly this way (one name can belong to several people)`
      : g.groupBy === 'owner' ? `${g.label}: ${papers} listed on the publication page of “${g.label}” (a page may mix several people of that name)`
      : `${g.label}: ${papers}`;
    item.accessibilityInformation = { label: `${g.label}, ${papers}`, role: 'treeitem' };
    return item;
  }

  // ---------------------------------------------------------------- reveal
  /** Reveals a paper (under its first group), clearing a filter that hides it. */
  async revealPaper(key: string): Promise<boolean> {
    if (!this.services.library.byKey(key)) return false;
    this.ensureFresh();
    if (!this.tree.has(key) && this.filterText) await this.setFilter('');
    let node = this.tree.nodeFor(key);
    if (node && !this.isShownRoot(node.parent)) { await this.setFilter(key); node = this.tree.nodeFor(key); }
    if (!node) return false;
    await this.view.reveal(node, { select: true, focus: true, expand: true });
    return true;
  }

  /** Reveals and expands an author's node, switching the tree to group by author if needed. */
  async revealAuthor(name: string): Promise<boolean> {
    if (this.groupBy !== 'author') await this.setGroupBy('author');
    this.ensureFresh();
    let g = this.tree.groupByName(name);
    if (!g && this.filterText) { await this.setFilter(''); g = this.tree.groupByName(name); }
    if (g && !this.isShownRoot(g)) { await this.setFilter(name); g = this.tree.groupByName(name); }
    if (!g) return false;
    await this.view.reveal(this.canonical(g), { select: true, focus: true, expand: true });
    return true;
  }
}

/** Title as shown in the tree: LaTeX markup of the title reduced to text. */
function plainTitle(p: Paper): string {
  const t = typeof p.title === 'string' && p.title.trim() ? p.title : p.id;
  return oneLine(richToPlain(renderAbstract(t))) || p.id;
}

export function paperTooltip(p: Paper): vscode.MarkdownString {
  const md = untrustedMarkdown();
  md.appendMarkdown(`**${escapeMarkdown(plainTitle(p))}**`);
  const names = (p.author ?? []).map(formatName).filter(Boolean);
  const shown = names.slice(0, 8).join(', ') + (names.length > 8 || p.custom?.authorsTruncated ? ' et al.' : '');
  const year = paperYear(p);
  const meta = [shown || 'Unknown authors', year === undefined ? '' : String(year), typeof p.custom?.venue === 'string' ? p.custom.venue : ''].filter(Boolean).join(' · ');
  md.appendMarkdown(`\n\n${escapeMarkdown(meta)}`);
  // LaTeX escapes and abbreviation macros read as text; math stays as its $…$ source.
  const abs = typeof p.abstract === 'string' ? richToPlain(renderAbstract(p.abstract)).replace(/\s+/g, ' ').trim() : '';
  if (abs) md.appendMarkdown(`\n\n${escapeMarkdown(abs.length > 400 ? `${abs.slice(0, 400).replace(/\s+\S*$/, '')}…` : abs)}`);
  md.appendMarkdown(`\n\n${markdownCode(p.id)}`);
  return md;
}
