import { strict as assert } from 'node:assert';
import { cpuMs } from '../support/cpuTime';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CslName, Paper } from '../../src/core/model';
import { PaperTree, diffTrees, makeFilter, nameKey, UNKNOWN_AUTHORS, NO_PAGE, NO_YEAR } from '../../src/core/tree';

/** Papers from the bundled curated records (real titles and full author lists). */
interface RecordJson { title: string; authors: string[]; year: number; venue: string | null; arxiv: string | null }
function splitName(s: string): CslName {
  const parts = s.trim().split(/\s+/);
  return parts.length === 1 ? { literal: s } : { given: parts.slice(0, -1).join(' '), family: parts[parts.length - 1]! };
}
const records: RecordJson[] = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../corpus/metadata/records.json'), 'utf8'));
const real: Paper[] = records.map((r, i) => ({
  id: `rec${i}`, type: 'article-journal', title: r.title, author: r.authors.map(splitName),
  issued: { 'date-parts': [[r.year]] }, custom: {},
}));

function paper(id: string, authors: string[], extra: Partial<Paper> = {}, custom: Paper['custom'] = {}): Paper {
  return { id, type: 'article', title: `Title ${id}`, author: authors.map(splitName), issued: { 'date-parts': [[2024]] }, ...extra, custom };
}

describe('tree', () => {
  it('gives one node per name as written and never merges swapped or different spellings', () => {
    const t = PaperTree.build(real, 'author');
    const yangYue = t.groupByName('Yang Yue');
    const yueYang = t.groupByName('Yue Yang');
    assert.ok(yangYue, 'Yang Yue is in the records');
    assert.ok(yueYang, 'Yue Yang is in the records');
    assert.notEqual(yangYue!.id, yueYang!.id);
    // Absolute Zero lists "Yang Yue" twice: the paper shows once under that name, counted once.
    const az = real.find(p => p.title!.startsWith('Absolute Zero'))!;
    const kids = t.children(yangYue!).filter(c => c.key === az.id);
    assert.equal(kids.length, 1);
    assert.equal(yangYue!.count, t.children(yangYue!).length);
  });

  it('sorts authors by number of papers, most first, the count being the group size', () => {
    const t = PaperTree.build(real, 'author');
    const counts = t.roots().filter(g => !g.missing).map(g => g.count);
    assert.ok(counts.length > 50);
    for (let i = 1; i < counts.length; i++) assert.ok(counts[i - 1]! >= counts[i]!, `order at ${i}`);
    const top = t.roots()[0]!;
    const manual = real.filter(p => p.author!.some(a => nameKey(`${a.given ?? ''} ${a.family ?? a.literal ?? ''}`) === top.label)).length;
    assert.equal(top.count, manual);
  });

  it('keeps papers without authors reachable under "Unknown authors" and under their page owner', () => {
    const papers = [
      paper('a', ['Ann Lee'], {}, { profiles: ['Yue Yang'] }),
      { ...paper('noauth', []), author: undefined, custom: { profiles: ['Yue Yang'] } },
      paper('b', ['Bo Li'], {}, {}),
    ];
    const byAuthor = PaperTree.build(papers, 'author');
    const unknown = byAuthor.roots().find(g => g.label === UNKNOWN_AUTHORS)!;
    assert.ok(unknown.missing);
    assert.equal(byAuthor.roots()[byAuthor.roots().length - 1], unknown, 'missing group comes last');
    assert.deepEqual(byAuthor.children(unknown).map(c => c.key), ['noauth']);
    assert.equal(byAuthor.nodeFor('noauth')!.parent.id, unknown.id);

    const byOwner = PaperTree.build(papers, 'owner');
    const page = byOwner.groupByName('Yue Yang')!;
    assert.deepEqual(byOwner.children(page).map(c => c.key).sort(), ['a', 'noauth']);
    assert.deepEqual(byOwner.children(byOwner.roots().find(g => g.label === NO_PAGE)!).map(c => c.key), ['b']);
  });

  it('shows a page mixing several people of one name under the page name, apart from the author node', () => {
    // The "Yue Yang" page lists papers by different people; some of its papers have no "Yue Yang" author spelled so.
    const papers = [
      paper('p1', ['Yue Yang', 'X Y'], {}, { profiles: ['Yue Yang'] }),
      paper('p2', ['Yang Yue'], {}, { profiles: ['Yue Yang'] }),
      paper('p3', ['Yue  Yang'], {}, { profiles: ['Yue Yang'] }),
    ];
    const byOwner = PaperTree.build(papers, 'owner');
    assert.equal(byOwner.roots().length, 1);
    assert.equal(byOwner.roots()[0]!.count, 3);
    const byAuthor = PaperTree.build(papers, 'author');
    // "Yue  Yang" (two spaces) is the same spelling; "Yang Yue" is not.
    assert.equal(byAuthor.groupByName('Yue Yang')!.count, 2);
    assert.equal(byAuthor.groupByName('Yang Yue')!.count, 1);
  });

  it('groups by year newest first and by category, the unknown group last', () => {
    const papers = [
      paper('old', ['A'], { issued: { 'date-parts': [[2019]] } }, { category: 'cs.CL' }),
      paper('new', ['A'], { issued: { 'date-parts': [[2026]] }, 'original-date': { 'date-parts': [[2025, 3]] } }, { category: 'cs.LG' }),
      paper('mid', ['A'], { issued: { 'date-parts': [[2023]] } }, { category: 'cs.LG' }),
      { ...paper('undated', ['A']), issued: undefined },
    ];
    const byYear = PaperTree.build(papers, 'year');
    assert.deepEqual(byYear.roots().map(g => g.label), ['2025', '2023', '2019', NO_YEAR]);
    const byCat = PaperTree.build(papers, 'category');
    assert.deepEqual(byCat.roots().map(g => `${g.label}:${g.count}`), ['cs.LG:2', 'cs.CL:1', 'No category:1']);
    // Children: newest first.
    assert.deepEqual(byCat.children(byCat.roots()[0]!).map(c => c.key), ['new', 'mid']);
  });

  it('filters on title, author and year terms and reveals only shown papers', () => {
    const t = PaperTree.build(real, 'author', { filter: makeFilter('absolute  ZERO') });
    assert.equal(t.paperCount, 1);
    assert.ok(t.nodeFor(real.find(p => p.title!.startsWith('Absolute Zero'))!.id));
    const other = real.find(p => !/absolute zero/i.test(p.title!))!;
    assert.equal(t.nodeFor(other.id), undefined);
    assert.equal(t.has(other.id), false);
    assert.equal(makeFilter('   '), undefined);
  });

  it('refreshes only the groups whose rows changed', () => {
    const before = PaperTree.build(real, 'author');
    const changed = real.map(p => p.id === 'rec3' ? { ...p, title: `${p.title} (v2)` } : p);
    const after = PaperTree.build(changed, 'author');
    const d = diffTrees(before, before.signatures(), after, after.signatures());
    assert.equal(d.roots, false);
    assert.equal(d.groups.length, new Set(real[3]!.author!.map(a => `${a.given} ${a.family}`)).size);
    const added = PaperTree.build([...real, paper('new', ['Someone New'])], 'author');
    assert.equal(diffTrees(before, before.signatures(), added, added.signatures()).roots, true);
    assert.deepEqual(diffTrees(before, before.signatures(), PaperTree.build(real, 'author'), before.signatures()), { roots: false, groups: [] });
  });

  it('groups 100k synthetic papers fast and expands children lazily', function () {
    this.timeout(60_000);
    const surnames = ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Smith', 'Müller', 'García', 'Kim'];
    const n = 100_000;
    const papers: Paper[] = [];
    for (let i = 0; i < n; i++) {
      const k = 1 + (i % 6);
      const author = Array.from({ length: k }, (_, j) => ({ given: `G${(i * 7 + j * 13) % 3000}`, family: surnames[(i + j) % surnames.length]! }));
      papers.push({ id: `k${i}`, type: 'article', title: `Paper ${i} on topic ${i % 97}`, author,
        issued: { 'date-parts': [[1990 + (i % 36)]] }, custom: { category: `cs.${i % 40}`, profiles: [`Owner ${i % 500}`] } });
    }
    const times: string[] = [];
    for (const g of ['author', 'owner', 'year', 'category'] as const) {
      let t!: PaperTree;
      const build = cpuMs(() => { t = PaperTree.build(papers, g); });
      let kids: readonly unknown[] = [];
      const expand = cpuMs(() => { kids = t.children(t.roots()[0]!); });
      times.push(`${g}: ${t.roots().length} groups in ${build.toFixed(0)} ms CPU, largest group (${kids.length}) expanded in ${expand.toFixed(1)} ms`);
      assert.ok(build < 3000, `${g} grouping took ${build} ms of CPU time`);
    }
    const f0 = performance.now();
    const filtered = PaperTree.build(papers, 'author', { filter: makeFilter('topic 42') });
    times.push(`author + filter: ${filtered.paperCount} papers in ${(performance.now() - f0).toFixed(0)} ms`);
    const s0 = performance.now();
    const t = PaperTree.build(papers, 'author');
    t.signatures();
    times.push(`signatures for refresh diff: ${(performance.now() - s0).toFixed(0)} ms (incl. build)`);
    console.log(`      [tree 100k] ${times.join('\n      [tree 100k] ')}`);
  });
});

describe('tree: built in turns', () => {
  it('gives the same groups, counts and children as a build in one go, and can be cancelled', async () => {
    // A duplicate key and a filter: the sliced build must skip and filter exactly as `build` does.
    const papers = [...real, { ...real[3]!, title: 'A later duplicate of a key' }];
    const filter = makeFilter('learning');
    for (const groupBy of ['author', 'year'] as const) {
      const whole = PaperTree.build(papers, groupBy, { filter: filter! });
      const turns = (await PaperTree.buildInTurns(papers, groupBy, { filter: filter!, slice: 7 }))!;
      assert.ok(whole.roots().length > (groupBy === 'author' ? 3 : 0), `${groupBy}: ${whole.roots().length} groups`);
      assert.deepEqual(turns.roots(), whole.roots());
      assert.equal(turns.paperCount, whole.paperCount);
      for (const g of whole.roots()) assert.deepEqual(turns.children(g).map(c => c.key), whole.children(g).map(c => c.key));
    }
    let asked = 0;
    assert.equal(await PaperTree.buildInTurns(real, 'author', { slice: 5, cancelled: () => ++asked >= 2 }), undefined);
    assert.equal(asked, 2);
  });

  it('orders thousands of groups (most of one paper, accented names) as a build in one go does', async () => {
    const firsts = ['Ana', 'Ángel', 'Zoë', 'Zoe', 'Łukasz', 'Lukas', 'de', 'De', 'Émile', 'emile'];
    const papers = Array.from({ length: 6000 }, (_, i) => paper(`p${i}`, [`${firsts[i % firsts.length]} Name${Math.floor(i / 3) % 2500}`, ...(i % 5 ? [] : ['Shared Author'])]));
    const whole = PaperTree.build(papers, 'author');
    const turns = (await PaperTree.buildInTurns(papers, 'author', { slice: 500 }))!;
    assert.ok(whole.roots().length > 2000, `${whole.roots().length} groups`);
    assert.deepEqual(turns.roots(), whole.roots());
    assert.equal(turns.roots()[0]!.label, 'Shared Author');
  });
});
