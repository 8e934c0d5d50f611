import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCorpusInputs, rebuild } from '../../src/build/buildCorpus';
import { buildCorpus, serializeCorpus } from '../../src/core/corpus';
import { SourceError, type Paper } from '../../src/core/model';

const CORPUS = path.resolve(__dirname, '../../corpus');
const inputs = readCorpusInputs(CORPUS);
const built = rebuild(inputs);
const byId = new Map(built.papers.map(p => [p.id, p]));

describe('corpus: the bundled corpus', () => {
  it('checked-in corpus/papers.json is up to date (run `npm run corpus` after changing the build or its inputs)', () => {
    const onDisk = fs.readFileSync(path.join(CORPUS, 'papers.json'), 'utf8');
    assert.ok(onDisk === serializeCorpus(built.papers), 'corpus/papers.json is stale: run `npm run corpus`');
  });

  it('counts raw entries per page, papers, merges and records', () => {
    const r = built.report;
    assert.deepEqual(r.pages.map(p => [p.layout, p.entries, p.owner]), [
      ['publications', 4, 'Yang Yue'], ['profile', 6, 'Yue Yang'], ['abstracts', 10, 'Xiner Li'], ['compact', 23, 'Xuekai Zhu'], ['years', 19, 'Biqing Qi'],
    ]);
    assert.deepEqual(r.pages.map(p => p.ownerFrom), ['page', 'page', 'mapping', 'mapping', 'page']);
    assert.equal(r.rawEntries, 62);
    assert.equal(r.papers, 59);
    assert.equal(r.merges.length, 3);
    assert.equal(r.records.applied, 59);
    assert.equal(r.records.unmatched.length, 0);
    assert.equal(r.records.ambiguous.length, 0);
  });

  it('lists every page entry exactly once', () => {
    const seen = built.papers.flatMap(p => p.custom.sources!.map(s => `${s.page}#${s.index}`));
    assert.equal(seen.length, 62);
    assert.equal(new Set(seen).size, 62);
  });

  it('has unique keys, real titles, full authors and an abstract for every paper', () => {
    assert.equal(byId.size, built.papers.length);
    for (const p of built.papers) {
      assert.match(p.id, /^[a-z]+\d{4}[a-z0-9]+$/, p.id);
      assert.ok(p.title && p.title.length > 5, `${p.id} has a title`);
      assert.ok(p.author && p.author.length > 0, `${p.id} has authors`);
      assert.equal(p.custom.authorsTruncated, false, `${p.id}: the record supplied the full list`);
      assert.ok(p.abstract && p.abstract.length > 200);
      assert.ok(p.issued?.['date-parts'][0]?.[0]);
      assert.ok(['article', 'paper-conference', 'article-journal'].includes(p.type));
      assert.equal(p.type === 'article', !p['container-title'], p.id);
    }
  });

  it('holds Absolute Zero once, under both owners, with both authors named Yang Yue', () => {
    const az = byId.get('zhao2025absolute')!;
    assert.equal(az.author!.length, 11);
    assert.equal(az.author!.filter(a => a.family === 'Yue' && a.given === 'Yang').length, 2);
    assert.deepEqual(az.custom.profiles, ['Yang Yue', 'Yue Yang']);
    assert.equal(built.papers.filter(p => /^Absolute Zero/.test(p.title ?? '')).length, 1);
    assert.deepEqual(byId.get('zhang2023crash')!.custom.profiles, ['Xuekai Zhu', 'Biqing Qi']);
    assert.deepEqual(byId.get('zhu2023pad')!.custom.profiles, ['Xuekai Zhu', 'Biqing Qi']);
  });

  it('orders papers by key and keeps keys when rebuilt on itself', () => {
    const ids = built.papers.map(p => p.id);
    assert.deepEqual(ids, [...ids].sort());
    const again = buildCorpus(inputs.pages, inputs.records, built.papers, { owners: inputs.owners });
    assert.equal(serializeCorpus(again.papers), serializeCorpus(built.papers));
  });

  it('keeps every key when a page is removed or added', () => {
    const without = buildCorpus(inputs.pages.filter(p => !p.file.startsWith('001')), inputs.records, built.papers, { owners: inputs.owners });
    for (const p of without.papers) {
      const same = built.papers.find(q => q.title === p.title)!;
      assert.equal(p.id, same.id);
    }
    // zhao2025absolute survives through page 000.
    assert.ok(without.papers.some(p => p.id === 'zhao2025absolute'));
    assert.equal(without.report.records.unmatched.length, 5, 'the five papers only on page 001');
  });
});

describe('corpus: bad pages', () => {
  it('stops with a SourceError naming the page that cannot be read', () => {
    const pages = [...inputs.pages, { file: '005_bad.txt', text: 'Nothing\nof the kind\n' }];
    assert.throws(() => buildCorpus(pages, inputs.records), (e: unknown) => e instanceof SourceError && e.file === '005_bad.txt' && e.line === 1);
  });

  it('prefers the owner a page names over the mapping, and says so', () => {
    const { report } = buildCorpus([inputs.pages[0]!], [], undefined, { owners: { [inputs.pages[0]!.file]: 'Someone Else' } });
    assert.equal(report.pages[0]!.owner, 'Yang Yue');
    assert.ok(report.log.some(l => /headed "Yang Yue", the owners mapping says "Someone Else"/.test(l)));
  });

  it('passes the page year on to dates without one', () => {
    const { papers } = buildCorpus([inputs.pages[3]!], [], undefined, { currentYear: 2027 });
    const sema = papers.find(p => p.title?.startsWith('SEMA'))!;
    assert.deepEqual(sema.issued, { 'date-parts': [[2027, 2, 6]] });
    assert.equal(sema.id, 'feng2027sema');
  });

  it('builds one page alone, without records or owners', () => {
    const { papers, report } = buildCorpus([inputs.pages[3]!], []);
    assert.equal(papers.length, 23);
    assert.equal(report.records.total, 0);
    const st = papers.find(p => p.title?.startsWith('StoryTrans'))! as Paper;
    assert.equal(st.id, 'zhu2022storytrans');
    assert.equal(st.custom.authorsTruncated, true);
    assert.deepEqual(st.custom.profiles, []);
    assert.deepEqual(st.custom.provenance!.author, 'page');
  });
});
