import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dedupe, samePaper, type PageEntry } from '../../src/core/dedupe';
import { cleanText } from '../../src/core/normalize';
import { parsePage } from '../../src/core/pages';

const RAW = path.resolve(__dirname, '../../corpus/raw');
function entries(prefix: string, owner?: string): PageEntry[] {
  const file = fs.readdirSync(RAW).find(f => f.startsWith(prefix))!;
  const p = parsePage(fs.readFileSync(path.join(RAW, file), 'utf8'), file);
  return p.entries.map(e => ({ ...e, file, abstract: cleanText(e.abstract), ...(p.owner ?? owner ? { owner: p.owner ?? owner } : {}) }));
}
const p000 = entries('000');
const p001 = entries('001');
const p002 = entries('002', 'Xiner Li');
const p003 = entries('003', 'Xuekai Zhu');
const p004 = entries('004');

describe('dedupe: same paper on several pages', () => {
  it('merges PaD across pages despite "~", "ability.Experimental" and "athttps://"', () => {
    const raw3 = fs.readFileSync(path.join(RAW, fs.readdirSync(RAW).find(f => f.startsWith('003'))!), 'utf8').split('\n')[38]!;
    const raw4 = fs.readFileSync(path.join(RAW, fs.readdirSync(RAW).find(f => f.startsWith('004'))!), 'utf8').split('\n')[23]!;
    assert.notEqual(raw3, raw4);
    assert.ok(samePaper({ abstract: raw3 }, { abstract: raw4 }), 'raw text, before cleaning');
    assert.ok(samePaper(p003[12]!, p004[12]!));
  });

  it('merges CRaSh although one page drops the last sentence, and a title on one page and none on the other', () => {
    assert.ok(p003[1]!.abstract.endsWith('https://github.com/TsinghuaC3I/CRaSh.'));
    assert.ok(!p004[18]!.abstract.includes('github'));
    assert.ok(samePaper(p003[1]!, p004[18]!));
  });

  it('merges Absolute Zero listed under two owners', () => {
    assert.ok(samePaper(p000[3]!, p001[2]!));
  });

  it('keeps apart papers of one group on close topics with shared phrases', () => {
    // Two diffusion-alignment abstracts of the same group (page 002).
    assert.ok(!samePaper(p002[4]!, p002[9]!));
    // Two abstracts that both open with "Reinforcement learning with verifiable rewards (RLVR) has".
    assert.ok(p000[3]!.abstract.startsWith('Reinforcement learning with verifiable rewards (RLVR) has'));
    assert.ok(p003[13]!.abstract.startsWith('Reinforcement learning with verifiable rewards (RLVR) has'));
    assert.ok(!samePaper(p000[3]!, p003[13]!));
    // Survey vs survey, RL vs RL on one page.
    assert.ok(!samePaper(p003[6]!, p003[21]!));
    assert.ok(!samePaper(p003[3]!, p003[20]!));
  });

  it('does not merge on a shared opening that is too short to be distinctive', () => {
    const opening = p003[1]!.abstract.slice(0, 150);
    assert.ok(!samePaper({ abstract: opening }, p003[1]!));
    assert.ok(samePaper({ abstract: p003[1]!.abstract.slice(0, 600) }, p003[1]!));
  });

  it('does not merge equal abstracts under clearly different titles', () => {
    assert.ok(!samePaper({ title: 'Absolute Zero', abstract: p000[3]!.abstract }, { title: 'Completely Different Topic Here', abstract: p000[3]!.abstract }));
  });

  it('finds exactly the three duplicates of the five pages and keeps the fullest fields', () => {
    const all = [...p000, ...p001, ...p002, ...p003, ...p004];
    const { merged, log } = dedupe(all);
    assert.equal(all.length, 62);
    assert.equal(merged.length, 59);
    assert.equal(log.length, 3);
    const crash = merged.find(m => m.title?.startsWith('CRaSh'))!;
    assert.ok(crash.abstract.endsWith('https://github.com/TsinghuaC3I/CRaSh.'), 'the fuller abstract');
    assert.deepEqual(crash.profiles, ['Xuekai Zhu', 'Biqing Qi']);
    assert.deepEqual(crash.sources, [{ page: '003_bdccb3390cd5cfa5.txt', index: 1 }, { page: '004_bfadea51090a5dbf.txt', index: 18 }]);
    const pad = merged.find(m => m.title?.startsWith('PaD'))!;
    assert.deepEqual(pad.date, [2023, 5, 23], 'the precise date over a year heading');
    assert.ok(pad.abstract.includes('LLMs (e.g., LLaMA-1 13B)'));
    const az = merged.find(m => m.title?.startsWith('Absolute Zero'))!;
    assert.deepEqual(az.authors, ['Andrew Zhao', 'Yiran Wu', 'Yang Yue']);
    assert.deepEqual(az.profiles, ['Yang Yue', 'Yue Yang']);
    assert.equal(az.score, 52);
    // Every entry is in exactly one merged paper.
    const seen = merged.flatMap(m => m.sources.map(s => `${s.page}#${s.index}`));
    assert.equal(new Set(seen).size, 62);
  });

  it('gives the same groups whatever the input order', () => {
    const all = [...p004, ...p003, ...p002, ...p001, ...p000];
    assert.equal(dedupe(all).merged.length, 59);
  });
});
