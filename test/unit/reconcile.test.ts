import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dedupe, type MergedEntry, type PageEntry } from '../../src/core/dedupe';
import { cleanText } from '../../src/core/normalize';
import { parsePage } from '../../src/core/pages';
import { arxivDate, reconcile, recordMatches, yearOfVenue, type MetadataRecord } from '../../src/core/reconcile';

const CORPUS = path.resolve(__dirname, '../../corpus');
const records = JSON.parse(fs.readFileSync(path.join(CORPUS, 'metadata/records.json'), 'utf8')) as MetadataRecord[];
function merged(...prefixes: string[]): MergedEntry[] {
  const all: PageEntry[] = [];
  for (const prefix of prefixes) {
    const file = fs.readdirSync(path.join(CORPUS, 'raw')).find(f => f.startsWith(prefix))!;
    const p = parsePage(fs.readFileSync(path.join(CORPUS, 'raw', file), 'utf8'), file);
    all.push(...p.entries.map(e => ({ ...e, file, abstract: cleanText(e.abstract), ...(p.owner ? { owner: p.owner } : {}) })));
  }
  return dedupe(all).merged;
}
const rec = (title: string) => records.find(r => r.title?.startsWith(title))!;

describe('reconcile: which entry a record describes', () => {
  const page3 = merged('003');
  const page2 = merged('002');
  it('matches by title, tolerant of spacing, punctuation and case', () => {
    const r = rec('CRaSh');
    const e = page3.find(m => m.title?.startsWith('CRaSh'))!;
    assert.ok(recordMatches(r, e));
    assert.ok(recordMatches({ identify: { title: 'crash:  clustering, removing and sharing enhance fine-tuning without full large language model' } }, e));
    assert.ok(!recordMatches({ identify: { title: 'CRaSh: Clustering, Removing, and Sharing' } }, e));
  });

  it('matches by the first words of the abstract, with "~" or missing spaces', () => {
    const e = page2.find(m => m.abstract.startsWith('Diffusion models excel'))!;
    assert.ok(recordMatches(rec('Derivative-Free Guidance'), e));
    assert.ok(recordMatches({ identify: { abstractBegins: 'Diffusion models excel at capturing the natural~design spaces of images,molecules' } }, e));
    assert.ok(!recordMatches({ identify: { abstractBegins: 'Diffusion' } }, e), 'too short to identify anything');
  });

  it('never matches by position: reordering entries changes nothing', () => {
    const a = reconcile(page3, records).papers.map(p => p.title).sort();
    const b = reconcile([...page3].reverse(), records).papers.map(p => p.title).sort();
    assert.deepEqual(a, b);
  });

  it('reports records that match nothing and records that match twice', () => {
    const twice: MetadataRecord = { identify: { abstractBegins: 'Reinforcement learning with verifiable rewards (RLVR) has' }, title: 'X', authors: ['A B'] };
    const { papers, report } = reconcile(merged('000', '003'), [rec('Absolute Zero'), rec('Towards World Models'), rec('MARS'), twice]);
    assert.deepEqual(report.unmatched.map(u => u.record), [2]);
    assert.deepEqual(report.ambiguous.map(u => u.record), [3]);
    assert.equal(report.ambiguous[0]!.matches.length, 2);
    assert.equal(report.applied.length, 2);
    assert.ok(!papers.some(p => p.title === 'X'), 'an ambiguous record is not applied');
    assert.equal(report.unrecorded.length, 4 + 23 - 2);
    assert.ok(report.log.some(l => /matches 2 entries/.test(l)));
  });
});

describe('reconcile: what a record adds', () => {
  const all = merged('000', '001', '002', '003', '004');
  const { papers, report } = reconcile(all, records);
  const byTitle = (t: string) => papers.find(p => p.title?.startsWith(t))!;

  it('applies every record to exactly one paper of the five pages', () => {
    assert.equal(report.applied.length, 59);
    assert.equal(report.unmatched.length, 0);
    assert.equal(report.ambiguous.length, 0);
    assert.equal(report.unrecorded.length, 0);
  });

  it('fills the full author list and keeps two people of the same name', () => {
    const az = byTitle('Absolute Zero');
    assert.equal(az.author!.length, 11);
    assert.equal(az.author!.filter(a => a.given === 'Yang' && a.family === 'Yue').length, 2);
    assert.equal(az.custom.authorsTruncated, false);
    assert.equal(az.custom.provenance!.author, 'record');
    assert.equal(az.custom.provenance!.title, 'page');
    assert.equal(az.custom.arxiv, '2505.03335');
    assert.equal(az.custom.codeUrl, 'https://github.com/LeapLabTHU/Absolute-Zero-Reasoner');
    assert.equal(az.URL, 'https://arxiv.org/abs/2505.03335');
    assert.equal(az.type, 'paper-conference');
    assert.equal(az['container-title'], 'NeurIPS 2025');
  });

  it('gives title-less entries their real title', () => {
    const e = byTitle('Derivative-Free Guidance');
    assert.equal(e.custom.provenance!.title, 'record');
    assert.equal(e.type, 'article');
    assert.equal(e.publisher, 'arXiv');
    assert.equal(e.number, 'arXiv:2408.08252');
    assert.deepEqual(e.issued, { 'date-parts': [[2024, 8]] });
    assert.equal(e.custom.codeUrl, 'https://github.com/masa-ue/SVDD');
    assert.equal(e.custom.provenance!.codeUrl, 'page');
  });

  it('keeps the page date as first appearance and puts a later venue year in issued', () => {
    const d = byTitle('DriveMoE');
    assert.deepEqual(d.issued, { 'date-parts': [[2026]] });
    assert.deepEqual(d['original-date'], { 'date-parts': [[2025, 5, 22]] });
    assert.equal(d.custom.provenance!['original-date'], 'page');
    const t = byTitle('TTRL');
    assert.deepEqual(t.issued, { 'date-parts': [[2025, 4, 22]] });
    assert.equal(t['original-date'], undefined);
  });

  it('lets an earlier arXiv version precede a year heading', () => {
    const s = byTitle('A Survey of Inductive Reasoning');
    assert.deepEqual(s.issued, { 'date-parts': [[2026]] });
    assert.deepEqual(s['original-date'], { 'date-parts': [[2025, 10]] });
    assert.ok(report.log.some(l => /lists it under 2026, arXiv 2510\.10182/.test(l)));
  });

  it('logs where it replaces what a page states', () => {
    const r = byTitle('Reasoning with Exploration');
    assert.equal(r.title, 'Reasoning with Exploration: An Entropy Perspective on Reinforcement Learning for LLMs');
    assert.ok(report.log.some(l => l.includes('title "Reasoning with Exploration: An Entropy Perspective" replaced')));
  });

  it('an entry no record matches keeps what the page gives', () => {
    const { papers: bare, report: r } = reconcile(merged('003'), []);
    const st = bare.find(p => p.title?.startsWith('StoryTrans'))!;
    assert.equal(st.author!.length, 3);
    assert.equal(st.custom.authorsTruncated, true);
    assert.deepEqual(st.issued, { 'date-parts': [[2022, 8, 29]] });
    assert.equal(r.unrecorded.length, 23);
  });

  it('reads venue years and arXiv months', () => {
    assert.equal(yearOfVenue('MathNLP 2025 (workshop at EMNLP 2025)'), 2025);
    assert.equal(yearOfVenue(null), undefined);
    assert.deepEqual(arxivDate('2505.03335'), [2025, 5]);
    assert.equal(arxivDate('cs/0112017'), undefined);
  });
});
