import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { assignKeys, citeKeyFor, keyBase } from '../../src/core/citekey';
import type { Paper } from '../../src/core/model';

const paper = (title: string | undefined, family: string | undefined, year: number | undefined, extra: Partial<Paper> = {}): Paper => ({
  id: '', type: 'article', custom: {},
  ...(title ? { title } : {}),
  ...(family ? { author: [{ family, given: 'X' }] } : {}),
  ...(year ? { issued: { 'date-parts': [[year]] } } : {}),
  ...extra,
});

describe('citekey: form', () => {
  it('is family name, year and first significant title word', () => {
    assert.equal(keyBase(paper('Absolute Zero: Reinforced Self-play Reasoning with Zero Data', 'Zhao', 2025)), 'zhao2025absolute');
    assert.equal(keyBase(paper('A Survey of Reinforcement Learning for Large Reasoning Models', 'Zhang', 2025)), 'zhang2025survey');
    assert.equal(keyBase(paper('How to Synthesize Text Data without Model Collapse?', 'Zhu', 2024)), 'zhu2024synthesize');
    assert.equal(keyBase(paper('Towards a Unified View of Large Language Model Post-Training', 'Lv', 2025)), 'lv2025unified');
    assert.equal(keyBase(paper('MARS²: Scaling Multi-Agent Tree Search', 'Li', 2026)), 'li2026mars2');
  });

  it('is ASCII-folded and lower case', () => {
    assert.equal(keyBase(paper('Über Größe', 'Hütter', 2024)), 'hutter2024uber');
    assert.equal(keyBase(paper('Mean Field Games', 'De Brouwer', 2024)), 'debrouwer2024mean');
  });

  it('uses the year of first appearance', () => {
    assert.equal(keyBase(paper('DriveMoE: Mixture-of-Experts', 'Yang', 2026, { 'original-date': { 'date-parts': [[2025, 5, 22]] } })), 'yang2025drivemoe');
  });

  it('still keys entries without authors, title or year', () => {
    assert.equal(keyBase(paper(undefined, 'Li', 2024, { abstract: 'We consider molecule generation in 3D space' })), 'li2024consider');
    assert.equal(keyBase(paper('Flow of Spans', undefined, 2026)), 'anon2026flow');
    assert.equal(keyBase(paper('Flow of Spans', 'Xue', undefined)), 'xuendflow');
    assert.equal(keyBase(paper(undefined, undefined, undefined)), 'anonnd');
  });

  it('adds a, b, … on collision', () => {
    const p = paper('SDAR: A Synergistic Diffusion', 'Cheng', 2025);
    assert.equal(citeKeyFor(p, new Set()), 'cheng2025sdar');
    assert.equal(citeKeyFor(p, new Set(['cheng2025sdar'])), 'cheng2025sdara');
    assert.equal(citeKeyFor(p, new Set(['cheng2025sdar', 'cheng2025sdara'])), 'cheng2025sdarb');
    const taken = new Set(['x2025y', ...'abcdefghijklmnopqrstuvwxyz'.split('').map(c => `x2025y${c}`)]);
    assert.equal(citeKeyFor(paper('Y', 'X', 2025), taken), 'x2025yaa');
  });
});

describe('citekey: assignment', () => {
  const sdar = paper('SDAR: A Synergistic Diffusion-AutoRegression Paradigm', 'Cheng', 2025, { custom: { arxiv: '2510.06303' } });
  const sdarVl = paper('SDAR-VL: Stable and Efficient Block-wise Diffusion', 'Cheng', 2025, { custom: { arxiv: '2512.14068' } });
  const az = paper('Absolute Zero: Reinforced Self-play Reasoning', 'Zhao', 2025, { custom: { arxiv: '2505.03335' } });

  it('does not depend on input order', () => {
    const a = assignKeys([sdar, sdarVl, az]);
    const b = assignKeys([az, sdarVl, sdar]);
    assert.deepEqual(a, ['cheng2025sdar', 'cheng2025sdara', 'zhao2025absolute']);
    assert.deepEqual(b, ['zhao2025absolute', 'cheng2025sdara', 'cheng2025sdar']);
  });

  it('keeps keys of papers in the previous corpus, found by arXiv id or title', () => {
    const prev: Paper[] = [{ ...sdarVl, id: 'cheng2025sdar' }];
    assert.deepEqual(assignKeys([sdar, sdarVl], prev), ['cheng2025sdara', 'cheng2025sdar']);
    const renamed = { ...az, title: 'Absolute Zero: Reinforced Self-play Reasoning with Zero Data' };
    assert.deepEqual(assignKeys([renamed], [{ ...az, id: 'zhao2025absolute' }]), ['zhao2025absolute']);
  });

  it('does not hand a removed paper\'s key to another paper', () => {
    const prev: Paper[] = [{ ...sdar, id: 'cheng2025sdar' }];
    assert.deepEqual(assignKeys([sdarVl], prev), ['cheng2025sdara']);
  });

  const arbPaper = fc.record({
    title: fc.option(fc.constantFrom('Absolute Zero', 'A Survey of RL', 'Flow of Spans', 'SDAR', 'SDAR-VL', 'The Flexibility Trap', 'Über Alles'), { nil: undefined }),
    family: fc.option(fc.constantFrom('Zhao', 'Zhang', 'Li', 'Hütter', 'De Brouwer'), { nil: undefined }),
    year: fc.option(fc.integer({ min: 2017, max: 2026 }), { nil: undefined }),
    abstract: fc.lorem({ maxCount: 30 }),
  }).map(r => paper(r.title, r.family, r.year, { abstract: r.abstract }));
  // Distinct papers may share a title or a key base, never their whole text.
  const distinct = (ps: Paper[], tag: string) => ps.map((p, i) => ({ ...p, abstract: `${tag} ${i} ${p.abstract} sed do eiusmod tempor incididunt ut labore` }));

  it('gives unique keys (property)', () => {
    fc.assert(fc.property(fc.array(arbPaper, { maxLength: 30 }), ps => {
      const keys = assignKeys(ps);
      assert.equal(new Set(keys).size, keys.length);
      for (const k of keys) assert.match(k, /^[a-z0-9]+$/);
    }), { numRuns: 200 });
  });

  it('keeps every surviving paper\'s key when others are added or removed (property)', () => {
    fc.assert(fc.property(fc.array(arbPaper, { minLength: 1, maxLength: 20 }), fc.array(arbPaper, { maxLength: 10 }), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
      (base, added, keep) => {
        base = distinct(base, 'base');
        added = distinct(added, 'added');
        const keys = assignKeys(base);
        const previous = base.map((p, i) => ({ ...p, id: keys[i]! }));
        const survivors = base.filter((_, i) => keep[i]);
        const next = [...added, ...survivors];
        const nextKeys = assignKeys(next, previous);
        assert.equal(new Set(nextKeys).size, nextKeys.length);
        survivors.forEach((p, j) => assert.equal(nextKeys[added.length + j], keys[base.indexOf(p)]));
      }), { numRuns: 200 });
  });
});
