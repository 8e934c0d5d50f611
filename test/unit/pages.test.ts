import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { SourceError } from '../../src/core/model';
import { detectLayout, expandCategory, parsePage, splitTitleAuthors } from '../../src/core/pages';
import { parseAuthorLine, parseHeader } from '../../src/core/pages/types';

const RAW = path.resolve(__dirname, '../../corpus/raw');
const page = (prefix: string) => {
  const file = fs.readdirSync(RAW).find(f => f.startsWith(prefix))!;
  return { file, text: fs.readFileSync(path.join(RAW, file), 'utf8') };
};
const lines = (prefix: string) => page(prefix).text.split('\n');

function throwsSource(fn: () => unknown, line: number | undefined, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SourceError, `expected a SourceError, got ${String(err)}`);
    if (line !== undefined) assert.equal(err.line, line);
    assert.match(err.message, message);
    assert.match(err.message, /\.txt/);
    return true;
  });
}

describe('pages: layouts of the five real pages', () => {
  const expected: [string, string, string | undefined, number][] = [
    ['000', 'publications', 'Yang Yue', 4],
    ['001', 'profile', 'Yue Yang', 6],
    ['002', 'abstracts', undefined, 10],
    ['003', 'compact', undefined, 23],
    ['004', 'years', 'Biqing Qi', 19],
  ];
  for (const [prefix, layout, owner, count] of expected) {
    it(`reads page ${prefix} as "${layout}" with ${count} entries`, () => {
      const { file, text } = page(prefix);
      const p = parsePage(text, file);
      assert.equal(p.layout, layout);
      assert.equal(p.owner, owner);
      assert.equal(p.entries.length, count);
      p.entries.forEach((e, i) => {
        assert.equal(e.index, i);
        assert.ok(e.abstract.length > 200, `entry ${i} has an abstract`);
      });
    });
  }

  it('reads CRLF line endings and a byte order mark alike', () => {
    for (const prefix of ['001', '003']) {
      const { file, text } = page(prefix);
      const a = parsePage(text, file);
      const b = parsePage(`\ufeff${text.replace(/\n/g, '\r\n')}`, file);
      assert.deepEqual(b, a);
    }
  });

  it('chooses the layout by content, not by file name', () => {
    const { text } = page('003');
    assert.equal(parsePage(text, 'publications.txt').layout, 'compact');
    assert.equal(detectLayout(page('000').text), 'publications');
  });

  it('reads a profile block: score, category, date, Code marker, title, authors, affiliations', () => {
    const p = parsePage(page('001').text, '001.txt');
    const az = p.entries[2]!;
    assert.equal(az.title, 'Absolute Zero: Reinforced Self-play Reasoning with Zero Data');
    assert.deepEqual(az.authors, ['Andrew Zhao', 'Yiran Wu', 'Yang Yue']);
    assert.equal(az.authorsTruncated, true);
    assert.deepEqual(az.affiliations, ['tsinghua']);
    assert.equal(az.score, 52);
    assert.equal(az.category, 'cs.LG');
    assert.deepEqual(az.date, [2025, 5, 6]);
    assert.equal(az.hasCode, true);
    assert.equal(az.line, 26);
    const med = p.entries[1]!;
    assert.deepEqual(med.authors, ['Xuehai He', 'Shu Chen', 'Zeqian Ju']);
    assert.equal(med.affiliations, undefined);
    assert.deepEqual(p.stats, { category: 'cs.CL', hIndex: 15, papers: 6, citations: 1003, novelty: '44%', aiScore: 37 });
  });

  it('parses header lines with and without score, year and Code', () => {
    assert.deepEqual(parseHeader('54.0CLJun 2, 2025', 2026), { category: 'cs.CL', date: [2025, 6, 2], yearInferred: false, hasCode: false, score: 54 });
    assert.deepEqual(parseHeader('CLFeb 6Code', 2026), { category: 'cs.CL', date: [2026, 2, 6], yearInferred: true, hasCode: true });
    assert.deepEqual(parseHeader('85.3AIMar 11', 2030)?.date, [2030, 3, 11]);
    assert.equal(parseHeader('ROSep 11, 2025Code', 2026)?.category, 'cs.RO');
    assert.equal(parseHeader('XXJun 2, 2025', 2026), undefined);
    assert.equal(parseHeader('CLJun 42, 2025', 2026), undefined);
    assert.equal(parseHeader('Absolute Zero', 2026), undefined);
  });

  it('gives dates without a year the page year, 2026 unless told otherwise', () => {
    const { file, text } = page('003');
    assert.deepEqual(parsePage(text, file).entries[2]!.date, [2026, 2, 6]);
    assert.deepEqual(parsePage(text, file, { currentYear: 2027 }).entries[2]!.date, [2027, 2, 6]);
    assert.deepEqual(parsePage(text, file, { currentYear: 2027 }).entries[0]!.date, [2022, 8, 29]);
  });

  it('expands arXiv categories', () => {
    assert.equal(expandCategory('CL'), 'cs.CL');
    assert.equal(expandCategory('LG'), 'cs.LG');
    assert.equal(expandCategory('CV'), 'cs.CV');
    assert.equal(expandCategory('AI'), 'cs.AI');
    assert.equal(expandCategory('RO'), 'cs.RO');
    assert.equal(expandCategory('ML'), 'stat.ML');
    assert.equal(expandCategory('ZZ'), undefined);
  });

  it('reads author lines with names of several parts', () => {
    assert.deepEqual(parseAuthorLine('Nguyen Van Hoang, Soeren Hougaard Mulvad, Dexter Neo Yuan Rong et al.'), {
      authors: ['Nguyen Van Hoang', 'Soeren Hougaard Mulvad', 'Dexter Neo Yuan Rong'], truncated: true, affiliations: [],
    });
    assert.equal(parseAuthorLine('This survey organizes the intricate literature on the design.'), undefined);
  });

  it('years layout: each abstract carries its year heading', () => {
    const p = parsePage(page('004').text, '004.txt');
    assert.deepEqual(p.entries.map(e => e.date![0]), [...Array(7).fill(2026), ...Array(5).fill(2025), ...Array(6).fill(2024), 2023]);
    assert.equal(p.entries[18]!.line, 33);
  });
});

describe('pages: title glued to the author list', () => {
  const l3 = lines('003');
  it('splits the real glued lines by the shape of the author list', () => {
    assert.deepEqual(splitTitleAuthors(l3[1]!), {
      title: 'StoryTrans: Non-Parallel Story Author-Style Transfer with Discourse Representations and Content Enhancing',
      authors: ['Xuekai Zhu', 'Jian Guan', 'Minlie Huang'], truncated: true, affiliations: ['tsinghua'],
    });
    // Commas inside the title: authors are taken from the end only.
    const crash = splitTitleAuthors(l3[4]!)!;
    assert.equal(crash.title, 'CRaSh: Clustering, Removing, and Sharing Enhance Fine-tuning without Full Large Language Model');
    assert.deepEqual(crash.authors, ['Kaiyan Zhang', 'Ning Ding', 'Biqing Qi']);
    // "GFlowNetsBo Xue": the split is before "Bo", not inside "GFlowNets".
    const spans = splitTitleAuthors(l3[16]!)!;
    assert.equal(spans.title, 'Flow of Spans: Generalizing Language Models to Dynamic Span-Vocabulary via GFlowNets');
    assert.equal(spans.authors[0], 'Bo Xue');
    assert.equal(splitTitleAuthors(l3[52]!)!.title, 'How to Synthesize Text Data without Model Collapse?');
    assert.equal(splitTitleAuthors(l3[37]!)!.title, 'PaD: Program-aided Distillation Can Teach Small Models Reasoning Better than Chain-of-thought Fine-tuning');
    assert.deepEqual(splitTitleAuthors(l3[10]!)!.affiliations, ['pku', 'tsinghua']);
  });

  it('splits titles it has never seen: acronym endings, single authors, no "et al."', () => {
    assert.deepEqual(splitTitleAuthors('Scaling Laws for LLMXuekai Zhu, Jian Guan'), {
      title: 'Scaling Laws for LLM', authors: ['Xuekai Zhu', 'Jian Guan'], truncated: false, affiliations: [],
    });
    assert.deepEqual(splitTitleAuthors('Routing with DeepSeekKaiyan Zhang')?.title, 'Routing with DeepSeek');
    assert.deepEqual(splitTitleAuthors('GPT-4 Is Not EnoughJan-Christian Hütter, Mathieu Laurière et al. · mit')?.authors, ['Jan-Christian Hütter', 'Mathieu Laurière']);
    assert.equal(splitTitleAuthors('a title with no author list at all'), undefined);
  });
});

describe('pages: bad input is an error naming file and line', () => {
  it('rejects a page in no known layout', () => {
    throwsSource(() => parsePage('Some notes\nabout nothing in particular\n', 'notes.txt'), 1, /unknown page layout/);
    throwsSource(() => parsePage('', 'empty.txt'), 0, /empty/);
    throwsSource(() => parsePage('\u0000\u0001PK\u0003\u0004 binary', 'junk.txt'), 1, /binary/);
  });

  it('rejects a page cut off in the middle of an abstract', () => {
    const { text } = page('001');
    const cut = text.slice(0, text.indexOf('lack of generalization to unseen domains') + 20);
    throwsSource(() => parsePage(cut, '001-cut.txt'), undefined, /truncated/);
    const p0 = page('000').text.split('\n').slice(0, 8).join('\n');
    throwsSource(() => parsePage(p0.slice(0, -200), '000-cut.txt'), 8, /mid-sentence|truncated/);
  });

  it('rejects a title with no abstract after it', () => {
    const l = lines('000');
    throwsSource(() => parsePage([...l.slice(0, 4), l[6]!].join('\n'), '000-missing.txt'), 5, /abstract/);
  });

  it('rejects a profile block whose abstract is missing, naming the line', () => {
    const l = lines('001');
    const without = [...l.slice(0, 23), ...l.slice(24)].join('\n'); // MedDialog's abstract (line 24) removed
    throwsSource(() => parsePage(without, '001-missing.txt'), 25, /expected the abstract of "MedDialog/);
  });

  it('rejects a profile block without a title, and a damaged header among the statistics', () => {
    const l = lines('001');
    throwsSource(() => parsePage([...l.slice(0, 26), ...l.slice(27)].join('\n'), '001-notitle.txt'), 28, /expected a title, found an author list/);
    throwsSource(() => parsePage([...l.slice(0, 11), '54.0XXJun 2, 2025', ...l.slice(12)].join('\n'), '001-badheader.txt'), 12, /expected a profile statistic or the first paper header/);
  });

  it('keeps an unknown profile statistic as written', () => {
    const l = lines('001');
    const p = parsePage([...l.slice(0, 3), 'Followers12', ...l.slice(3)].join('\n'), '001-stat.txt');
    assert.equal(p.stats!.line4, 'Followers12');
    assert.equal(p.entries.length, 6);
  });

  it('rejects a profile that declares more papers than it shows', () => {
    const l = lines('001');
    throwsSource(() => parsePage(l.slice(0, 46).join('\n'), '001-short.txt'), undefined, /lists 6 papers but 5/);
  });

  it('rejects a compact entry whose abstract is missing or whose authors cannot be found', () => {
    const l = lines('003');
    throwsSource(() => parsePage([...l.slice(0, 5), ...l.slice(6)].join('\n'), '003-missing.txt'), 6, /abstract of "CRaSh/);
    const noAuthors = [l[0], 'StoryTrans: a title without authors', l[2]].join('\n');
    throwsSource(() => parsePage(noAuthors, '003-noauthors.txt'), 2, /author list/);
  });

  it('rejects prose before the first year heading and empty year sections', () => {
    const l = lines('004');
    throwsSource(() => parsePage([l[0], 'A stray line of text before any year.', ...l.slice(1)].join('\n'), '004-stray.txt'), undefined, /./);
    throwsSource(() => parsePage([...l.slice(0, 13), '2025', '2024', ...l.slice(22)].join('\n'), '004-empty.txt'), 14, /under the heading 2025/);
  });

  it('rejects an "Abstract:" line with nothing after it', () => {
    throwsSource(() => parsePage(`${lines('002')[0]}\nAbstract:\n`, '002-empty.txt'), 2, /expected an abstract/);
  });
});

describe('pages: properties', () => {
  const reals = ['000', '001', '002', '003', '004'].map(page);
  // The abstracts of a page, found without the parsers: on every layout they are the long lines.
  const originals = reals.map(({ text }) => text.split('\n').filter(l => l.length >= 250).map(l => l.trim().replace(/^Abstract:/, '')));

  it('finds the abstracts of the real pages without the parsers', () => {
    assert.deepEqual(originals.map(o => o.length), [4, 6, 10, 23, 19]);
  });

  it('never crashes on arbitrary text: it parses or raises SourceError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400, unit: 'grapheme' }), text => {
      try { parsePage(text, 'fuzz.txt'); } catch (err) { if (!(err instanceof SourceError)) throw err; }
    }), { numRuns: 300 });
  });

  it('never silently loses an entry of a damaged real page', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ kind: fc.constant('deleteLine' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
      fc.record({ kind: fc.constant('insertLine' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), text: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('CLJun 2, 2025', '2024', 'Abstract:', 'Publications', 'A, B et al.')) }),
      fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
    );
    fc.assert(fc.property(fc.integer({ min: 0, max: 4 }), mutation, (which, m) => {
      const { file, text } = reals[which]!;
      let damaged: string;
      const ls = text.split('\n');
      const i = Math.min(ls.length - 1, Math.floor(m.at * ls.length));
      switch (m.kind) {
        case 'truncate': damaged = text.slice(0, Math.floor(m.at * text.length)); break;
        case 'deleteLine': damaged = [...ls.slice(0, i), ...ls.slice(i + 1)].join('\n'); break;
        case 'insertLine': damaged = [...ls.slice(0, i), m.text, ...ls.slice(i)].join('\n'); break;
        default: damaged = [...ls.slice(0, i), ls[i]!, ...ls.slice(i)].join('\n');
      }
      let parsed;
      try { parsed = parsePage(damaged, file); } catch (err) {
        if (err instanceof SourceError) return;
        throw err;
      }
      // Every abstract still intact in the damaged text is among the parsed entries.
      const got = new Set(parsed.entries.map(e => e.abstract));
      const damagedLines = new Set(damaged.split('\n').map(l => l.trim().replace(/^Abstract:/, '')));
      for (const a of originals[which]!) if (damagedLines.has(a)) assert.ok(got.has(a), `lost: ${a.slice(0, 50)}`);
    }), { numRuns: 400 });
  });

  it('parses every entry of pages assembled from real entries in any order and number', () => {
    const l3 = lines('003');
    const blocks = Array.from({ length: 23 }, (_, k) => l3.slice(k * 3, k * 3 + 3));
    fc.assert(fc.property(fc.shuffledSubarray(blocks, { minLength: 1 }), picked => {
      const p = parsePage(picked.flat().join('\n'), 'assembled.txt');
      assert.equal(p.layout, 'compact');
      assert.deepEqual(p.entries.map(e => e.abstract), picked.map(b => b[2]));
    }), { numRuns: 100 });
  });
});
