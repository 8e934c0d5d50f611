import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { Paper } from '../../src/core/model';
import { SearchIndex, transferList } from '../../src/core/search';
import { synthesize } from '../../bench/data';
import { loadCorpus } from '../../bench/fixture';
import { extraTokens, fold, tokens } from '../../src/core/search/text';
import { boundedOsa } from '../../src/core/search/typo';
import { sortedTermIds } from '../../src/core/search/build';

const ROOT = path.resolve(__dirname, '../..');

describe('search', () => {
  const { papers, from } = loadCorpus(ROOT);
  const index = SearchIndex.build(papers);
  const titles = (q: string, limit = 5) => index.search(q, { limit }).map(h => h.paper.title ?? '');
  const rankOf = (q: string, title: RegExp) => titles(q, 50).findIndex(t => title.test(t));

  before(() => console.log(`      (${papers.length} papers from ${from})`));

  it('indexes every paper', () => {
    assert.equal(index.size, papers.length);
    assert.ok(papers.length >= 50, `only ${papers.length} papers`);
  });

  const topThree: [string, RegExp][] = [
    ['absolute zero', /^Absolute Zero/],
    ['flowrl', /^FlowRL/],
    ['grokking critical data', /Critical Data Size.*Grokking/],
    ['zhao reasoner', /^Absolute Zero/],
    ['medial dialog', /^MedDialog/],
    ['Xuekai Zhu grokking', /Critical Data Size.*Grokking/],
    ['zhao absolute', /^Absolute Zero/],
    ['absolute zero 2025', /^Absolute Zero/],
    ['absolut zreo', /^Absolute Zero/],
    ['reinforcment learning easy hard', /^Curriculum Reinforcement Learning/],
    ['grokkng', /Grokking Perspective/],
    ['flexibilty trap diffusion', /^The Flexibility Trap/],
    ['med dialog', /^MedDialog/],
    ['self play reasoning zero data', /^Absolute Zero/],
    ['ultramedical biomedicine', /^UltraMedical/],
    ['entropy minority tokens', /^Beyond the 80\/20 Rule/],
  ];
  for (const [q, title] of topThree) {
    it(`finds ${title.source} in the top 3 for "${q}"`, () => {
      const r = rankOf(q, title);
      assert.ok(r >= 0 && r < 3, `rank ${r} for "${q}": ${JSON.stringify(titles(q))}`);
    });
  }

  it('puts the exact title first', () => {
    assert.match(titles('absolute zero')[0], /^Absolute Zero/);
    assert.match(titles('FlowRL: Matching Reward Distributions for LLM Reasoning')[0], /^FlowRL/);
  });

  it('finds a paper while its title is typed letter by letter', () => {
    const target = 'Absolute Zero';
    const query = 'absolute zero';
    for (let i = 6; i <= query.length; i++) {
      const q = query.slice(0, i);
      const r = rankOf(q, /^Absolute Zero/);
      assert.ok(r >= 0 && r < 5, `"${q}": ${target} at ${r}: ${JSON.stringify(titles(q))}`);
    }
  });

  it('narrows as the user types on, with the same results as a fresh index', () => {
    const fresh = SearchIndex.build(papers);
    const query = 'reinforcement learning llm';
    for (let i = 1; i <= query.length; i++) {
      const q = query.slice(0, i);
      const typed = index.search(q, { limit: 20 }).map(h => `${h.paper.id}:${h.score}`);
      const once = SearchIndex.build(papers).search(q, { limit: 20 }).map(h => `${h.paper.id}:${h.score}`);
      assert.deepEqual(typed, once, `after typing "${q}"`);
    }
    assert.ok(fresh.search(query).length > 0);
  });

  it('finds a paper by its citation key, whole or typed so far', () => {
    const p = papers.find(x => /^Absolute Zero/.test(x.title ?? ''))!;
    assert.equal(index.search(p.id, { limit: 3 })[0].paper.id, p.id);
    const m = /^[a-z]+\d{4}/.exec(p.id);
    assert.ok(m, `key ${p.id} is not author+year+word`);
    const hits = index.search(m[0], { limit: 10 }).map(h => h.paper.id);
    assert.ok(hits.includes(p.id), `"${m[0]}" -> ${hits.join(', ')}`);
    for (const h of index.search(m[0], { limit: 10 })) {
      assert.ok(
        fold(h.paper.id).startsWith(m[0]) || h.score < index.search(m[0], { limit: 1 })[0].score,
        `${h.paper.id} outranks the keys starting with ${m[0]}`,
      );
    }
  });

  it('ranks title and author matches above abstract-only matches', () => {
    // "grokking" is in one title; other abstracts may mention it, but that title comes first.
    assert.match(titles('grokking')[0], /Grokking/);
    const zhu = index.search('zhu', { limit: 10 });
    assert.ok(zhu.length > 0);
    assert.ok(zhu[0].paper.author?.some(a => fold(a.family ?? '') === 'zhu'), 'an author named Zhu first');
  });

  it('matches the year', () => {
    const hits = index.search('absolute zero 2025', { limit: 10 });
    assert.match(hits[0].paper.title ?? '', /^Absolute Zero/);
    assert.ok(hits[0].score > index.search('absolute zero 2017', { limit: 1 })[0].score);
  });

  it('honours the limit', () => {
    assert.equal(index.search('language', { limit: 3 }).length, 3);
    assert.equal(index.search('language', { limit: 0 }).length, 0);
    assert.ok(index.search('language', { limit: 1_000_000 }).length <= papers.length);
    assert.ok(index.search('language').length <= 50);
    const all = index.search('language', { limit: 1000 });
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].score >= all[i].score, 'best first');
  });

  it('returns nothing for empty, blank and punctuation-only queries, and never throws', () => {
    for (const q of ['', '   ', '\t\n', '...', '{}[]()', '—', '%%', '\\cite{', '@']) {
      assert.deepEqual(index.search(q), [], JSON.stringify(q));
    }
    const odd = [
      'a'.repeat(100_000), 'zhao '.repeat(5000), '.*+?^${}()|[]\\', '(?<x>a)\\1', '[a-', 'é', 'ß',
      '\u0000\uffff\ud800', '😀 grokking', 'the of and', 'x', '0', '2025', 'NaN', '__proto__',
      'constructor', 'hasOwnProperty', 'zhao2025absolute'.repeat(50), 'Ångström µ', '中文 检索',
    ];
    for (const q of odd) {
      const hits = index.search(q, { limit: 10 });
      assert.ok(Array.isArray(hits) && hits.length <= 10, JSON.stringify(q).slice(0, 40));
    }
    assert.deepEqual(index.search(undefined as unknown as string), []);
    assert.match(titles('😀 grokking')[0] ?? '', /Grokking/);
  });

  it('survives a transfer as plain data (as from a worker) with the same answers', () => {
    const built = SearchIndex.build(papers);
    const data = built.exportData();
    const moved = structuredClone(data, { transfer: transferList(data) });
    assert.equal(data.postings.length, 0, 'buffers were transferred, not copied');
    const again = SearchIndex.fromData(papers, moved);
    for (const q of ['absolute zero', 'zhao reasoner', 'medial dialog', 'grokk', 'x']) {
      assert.deepEqual(again.search(q).map(h => [h.paper.id, h.score]), index.search(q).map(h => [h.paper.id, h.score]), q);
    }
    assert.throws(() => SearchIndex.fromData(papers.slice(1), moved), /papers/);
    assert.deepEqual(SearchIndex.fromData([], SearchIndex.build([]).exportData()).search('zero'), []);
  });

  it('handles an empty library and papers with missing fields', () => {
    assert.deepEqual(SearchIndex.build([]).search('zero'), []);
    const sparse: Paper[] = [
      { id: 'x', type: 'article', custom: {} },
      { id: 'y', type: 'article', title: '', author: [{ literal: 'OpenAI' }], custom: {} },
      { id: 'Müller2020Über', type: 'book', title: 'Über Sørensen', author: [{ family: 'Müller' }], custom: {} },
    ];
    const ix = SearchIndex.build(sparse);
    assert.equal(ix.search('openai')[0].paper.id, 'y');
    assert.equal(ix.search('muller uber')[0].paper.id, 'Müller2020Über');
    assert.equal(ix.search('sorensen')[0].paper.id, 'Müller2020Über');
    assert.equal(ix.search('Müller')[0].paper.id, 'Müller2020Über');
  });

  it('allows a four-letter word only a transposition, longer words one or two edits', () => {
    const people: Paper[] = [
      { id: 'a', type: 'article', title: 'Zero data', author: [{ family: 'Zhao', given: 'Andrew' }], custom: {} },
      { id: 'b', type: 'article', title: 'Reinforcement learning', author: [{ family: 'Zhou', given: 'Bowen' }], custom: {} },
    ];
    const ix = SearchIndex.build(people);
    assert.deepEqual(ix.search('zhao').map(h => h.paper.id), ['a'], 'Zhao is not Zhou');
    assert.deepEqual(ix.search('zreo').map(h => h.paper.id), ['a'], 'transposed');
    assert.deepEqual(ix.search('lerning').map(h => h.paper.id), ['b'], 'missing letter');
    assert.deepEqual(ix.search('zhau').map(h => h.paper.id), [], 'a wrong letter in four');
    assert.deepEqual(ix.search('reinforcment').map(h => h.paper.id), ['b'], 'missing letter');
    assert.deepEqual(ix.search('reinfrocement lerning').map(h => h.paper.id), ['b'], 'transposed + missing');
    assert.deepEqual(ix.search('reinforrcement').map(h => h.paper.id), ['b'], 'doubled letter');
    assert.deepEqual(ix.search('rxinforcemxnt').map(h => h.paper.id), ['b'], 'two wrong letters in a long word');
    assert.deepEqual(ix.search('rxinfxrcemxnt').map(h => h.paper.id), [], 'three edits is too many');
  });

  it('finds an edited book by its editor, but not the papers of a volume by the volume\'s editor', () => {
    const lib: Paper[] = [
      { id: 'vol', type: 'book', title: 'Proceedings of the Workshop', editor: [{ family: 'Quirk', given: 'Ada' }], custom: {} },
      { id: 'paper', type: 'paper-conference', title: 'Parsing things', author: [{ family: 'Smith' }], editor: [{ family: 'Quirk', given: 'Ada' }], custom: {} },
      { id: 'empty', type: 'book', title: 'Edited volume', author: [], editor: [{ literal: 'Kappa Group' }], custom: {} },
    ];
    const ix = SearchIndex.build(lib);
    assert.deepEqual(ix.search('quirk').map(h => h.paper.id), ['vol']);
    assert.deepEqual(ix.search('ada').map(h => h.paper.id), ['vol']);
    assert.deepEqual(ix.search('smith').map(h => h.paper.id), ['paper']);
    assert.deepEqual(ix.search('kappa').map(h => h.paper.id), ['empty'], 'an empty author list counts as none');
  });

  it('finds every paper of a venue by its words, below title matches', () => {
    const venue = 'Proceedings of the 60th Annual Meeting of the Association for Computational Linguistics';
    const lib: Paper[] = Array.from({ length: 30 }, (_, i) => ({
      id: `p${i}`, type: 'paper-conference', title: i === 29 ? 'Computational humour' : `Paper ${i}`,
      'container-title': venue, custom: i % 2 ? { venue: 'ACL Ünïcode' } : {},
    }) as Paper);
    const ix = SearchIndex.build(lib);
    const hits = ix.search('computational', { limit: 50 });
    assert.equal(hits.length, 30);
    assert.equal(hits[0].paper.id, 'p29');
    assert.equal(ix.search('60th', { limit: 50 }).length, 30);
    assert.equal(ix.search('unicode', { limit: 50 }).length, 15);
    assert.equal(ix.search('of', { limit: 50 }).length, 0, 'stop words are not indexed');
  });

  it('adds the parts of camel-case words and hyphenated words joined, as the regular expressions did', () => {
    const CAMEL_WORD = /\b[A-Za-z0-9]*(?:[a-z][A-Z]|[A-Za-z][0-9]|[0-9][A-Za-z])[A-Za-z0-9]*/g;
    const CAMEL_PART = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+/g;
    const HYPHENATED = /\b[A-Za-z0-9]+(?:-[A-Za-z0-9]+)+/g;
    const reference = (s: string, join: boolean) => [
      ...(s.match(CAMEL_WORD) ?? []).flatMap(w => w.match(CAMEL_PART) ?? []).map(t => t.toLowerCase()),
      ...(join ? (s.match(HYPHENATED) ?? []).map(w => w.replace(/-/g, '').toLowerCase()) : []),
    ];
    const ours = (s: string, join: boolean) => {
      const out: string[] = [];
      extraTokens(s, t => out.push(t), join);
      return out;
    };
    assert.deepEqual(ours('MedDialog: Self-play for GPT4o and BERTScore', true), ['med', 'dialog', 'gpt', '4', 'o', 'selfplay']);
    const alphabet = ['a', 'B', 'c', 'D', '1', '2', '-', '_', ' ', 'é', '.', 'Z', '--'];
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 20_000; i++) {
      let s = '';
      for (let k = Math.floor(rand() * 14); k > 0; k--) s += alphabet[Math.floor(rand() * alphabet.length)];
      for (const join of [true, false]) assert.deepEqual(ours(s, join), reference(s, join), JSON.stringify(s));
    }
  });

  it('finds words of other scripts by what was typed so far, among words alike in their first letters', () => {
    // Real Anthology titles (CCL): their words share `ecdt`, then differ in Chinese characters.
    const cjk: Paper[] = [
      { id: 'a', type: 'paper-conference', title: 'ECDT和CrossWOZ上的实验结果表明', author: [{ family: 'Li', given: 'A' }], custom: {} },
      { id: 'b', type: 'paper-conference', title: 'ECDT上的实验结果表明', author: [{ family: 'Wang', given: 'B' }], custom: {} },
      { id: 'c', type: 'paper-conference', title: 'ECDTs as data', author: [{ family: 'Zhou', given: 'C' }], custom: {} },
    ];
    const small = SearchIndex.build(cjk);
    assert.deepEqual(small.search('ecdt上', { limit: 5 }).map(h => h.paper.id), ['b']);
    assert.deepEqual(small.search('ecdt和cross', { limit: 5 }).map(h => h.paper.id), ['a']);
    assert.deepEqual(small.search('ecdt上的实验结果表明', { limit: 5 }).map(h => h.paper.id), ['b']);
  });
  it('does not confuse years or numbers through typo tolerance', () => {
    const hits = index.search('2017', { limit: 50 });
    assert.ok(hits.length > 0);
    for (const h of hits) {
      const years = [h.paper.issued, h.paper['original-date']].map(d => d?.['date-parts']?.[0]?.[0]);
      const text = `${h.paper.id} ${h.paper.title} ${h.paper.abstract ?? ''}`;
      assert.ok(years.includes(2017) || text.includes('2017'), `${h.paper.id} for 2017`);
    }
  });
});

describe('search on a large library', function () {
  this.timeout(60_000);
  const { papers } = loadCorpus(ROOT);
  // The corpus plus 40k synthetic papers recombining its titles, authors and abstracts.
  const big = papers.concat(synthesize(papers, 40_000, 3));
  const index = SearchIndex.build(big);

  it('ranks a broad word being typed among the finished words\' papers only', () => {
    const hits = index.search('absolute z', { limit: 20 });
    assert.ok(index.lastQuery.narrowed, 'the one-letter word was narrowed');
    assert.ok(hits.length > 0);
    for (const h of hits) {
      const text = fold([h.paper.id, h.paper.title, ...(h.paper.author ?? []).map(a => `${a.given} ${a.family}`), h.paper.abstract].join(' '));
      assert.ok(/\babsolut/.test(text), `${h.paper.id} does not match "absolute"`);
    }
    assert.match(hits[0].paper.title ?? '', /^Absolute Zero/);
    // A word with few postings is looked up in the whole index: no narrowing.
    index.search('absolute zero', { limit: 5 });
    assert.equal(index.lastQuery.narrowed, false);
  });

  it('gives the same answer to a query however it was typed', () => {
    const fresh = SearchIndex.build(big.slice(0, 5000));
    const query = 'grokking critical data size';
    const typed = query.split('').map((_, i) => fresh.search(query.slice(0, i + 1), { limit: 10 })).pop()!;
    const once = SearchIndex.build(big.slice(0, 5000)).search(query, { limit: 10 });
    assert.deepEqual(typed.map(h => [h.paper.id, h.score]), once.map(h => [h.paper.id, h.score]));
  });
});

describe('search: equal scores', () => {
  const mk = (id: string, title: string): Paper => ({ id, type: 'paper-conference', title, author: [{ family: 'Doe', given: 'J.' }], custom: {} });
  // Real Anthology titles, the long one first in the library.
  const papers = [
    mk('lee1989', 'Acoustic Modeling of Subword Units for Large Vocabulary Speaker Independent Speech Recognition'),
    mk('reddy2010', 'An MDL-based approach to extracting subword units for grapheme-to-phoneme conversion'),
    mk('sennrich2016', 'Neural Machine Translation of Rare Words with Subword Units'),
    mk('other', 'Byte Pair Encoding for Rare Words'),
  ];
  it('puts the title the query covers most first (fewest distinct title words)', () => {
    const index = SearchIndex.build(papers);
    const hits = index.search('subword units', { limit: 10 });
    // 7 title words, then 10, then 9 + 2 hyphen compounds (`mdlbased`, `graphemetophoneme`).
    assert.deepEqual(hits.map(h => h.paper.id), ['sennrich2016', 'lee1989', 'reddy2010']);
    assert.equal(new Set(hits.map(h => h.score)).size, 1, 'the three score alike');
    assert.ok(hits[0]!.titleWords! < hits[2]!.titleWords!);
    // The heap keeps the same three when the limit cuts among equals.
    assert.deepEqual(index.search('subword units', { limit: 1 }).map(h => h.paper.id), ['sennrich2016']);
  });
  it('keeps library order among equal scores and equal titles', () => {
    const index = SearchIndex.build([mk('b', 'Subword Units Revisited'), mk('a', 'Revisited Subword Units')]);
    assert.deepEqual(index.search('subword units').map(h => h.paper.id), ['b', 'a']);
  });
});

describe('search: a word typed in full', () => {
  // Real Anthology records: GloVe, papers using it (the word is common), and papers by authors
  // whose names begin with it (rarer words, which weigh more).
  const mk = (id: string, title: string, authors: [string, string][], abstract?: string): Paper =>
    ({ id, type: 'paper-conference', title, author: authors.map(([given, family]) => ({ given, family })), ...(abstract ? { abstract } : {}), custom: {} });
  const papers: Paper[] = [
    mk('glover-knight-1998-translating', 'Translating Names and Technical Terms in Arabic Text', [['Bonnie', 'Glover'], ['Kevin', 'Knight']]),
    mk('ruder-etal-2018-360deg', '360° Stance Detection', [['Sebastian', 'Ruder'], ['John', 'Glover'], ['Afshin', 'Mehrabani']]),
    mk('rayner-etal-1993-speech', 'A Speech to Speech Translation System Built From Standard Components', [['Manny', 'Rayner'], ['Bertil', 'Lyberg']]),
    mk('pennington-etal-2014-glove', 'GloVe: Global Vectors for Word Representation', [['Jeffrey', 'Pennington'], ['Richard', 'Socher'], ['Christopher', 'Manning']]),
    mk('devlin-etal-2019-bert', 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding', [['Jacob', 'Devlin'], ['Ming-Wei', 'Chang']]),
  ];
  const uses = ['Sarcasm Detection in Tweets with BERT and GloVe Embeddings', 'Comparing word2vec and GloVe for Automatic Measurement of MWE Compositionality',
    'Mittens: an Extension of GloVe for Learning Domain-Specialized Representations', 'What do you mean, BERT?', 'How Multilingual is Multilingual BERT?'];
  for (let i = 0; i < 30; i++) {
    papers.push(mk(`use${i}`, `${uses[i % uses.length]} ${i}`, [['A.', `Author${i}`]], 'We compare GloVe and BERT embeddings.'));
  }
  const index = SearchIndex.build(papers);
  const ids = (q: string) => index.search(q, { limit: 40 }).map(h => h.paper.id);

  it('ranks papers with the word itself above those with a rarer word it begins (`glove` before `Glover`)', () => {
    for (const q of ['glove', 'glove ', 'bert', 'bert ']) {
      const got = ids(q);
      const named = got.findIndex(id => ['glover-knight-1998-translating', 'ruder-etal-2018-360deg', 'rayner-etal-1993-speech'].includes(id));
      const own = got.findIndex(id => !id.startsWith('use') && id.endsWith(q.trim()));
      assert.ok(own >= 0 && (named < 0 || own < named), `"${q}": ${JSON.stringify(got.slice(0, 8))}`);
    }
    assert.equal(ids('glove')[0], 'pennington-etal-2014-glove');
  });

  it('still completes a word being typed to the rarer words it begins when the word itself is not in the library', () => {
    const glov = ids('glov');
    assert.ok(glov.includes('pennington-etal-2014-glove') && glov.includes('glover-knight-1998-translating'), JSON.stringify(glov));
    assert.equal(ids('bertil')[0], 'rayner-etal-1993-speech');
  });
});

describe('search text', () => {
  it('folds accents and case', () => {
    assert.equal(fold('Sørensen Müller ŁÓDŹ Straße'), 'sorensen muller lodz strasse');
    assert.deepEqual(tokens(fold('Beyond the 80/20 Rule: High-Entropy')), ['beyond', 'the', '80', '20', 'rule', 'high', 'entropy']);
  });
  it('sorts the vocabulary exactly as Array.prototype.sort does', () => {
    // Other letters than ASCII anywhere, also in the first six (the numeric keys' part): `ecdt上的…`
    // before `ecdt和…` (U+4E0A < U+548C), as the binary searches over the vocabulary expect.
    const alphabet = ['a', 'b', 'z', '0', '9', 'é', '中', 'ß', '上', '和', '-', '_'];
    let seed = 1;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const words = new Set<string>(['a', 'ab', 'abc', 'abcdef', 'abcdefg', 'abcdefh', 'abcdef0', 'z', '0', '2025']);
    while (words.size < 3000) {
      let w = '';
      const n = 1 + Math.floor(rand() * 9);
      const mixed = words.size % 2 === 0;
      for (let i = 0; i < n; i++) w += alphabet[Math.floor(rand() * (i < 6 && !mixed ? 3 : alphabet.length))];
      words.add(w);
    }
    for (const w of ['ecdt和crosswoz上的实验结果表明', 'ecdt上的实验结果表明', 'a:', 'aa', 'a', '中', '中a']) words.add(w);
    const terms = ['stop', ...words];
    const ids = Array.from(sortedTermIds(terms, 1));
    assert.deepEqual(ids.map(i => terms[i]), [...words].sort());
  });
  it('counts transpositions, missing and doubled letters as one edit', () => {
    assert.equal(boundedOsa('zreo', 'zero', 2), 1);
    assert.equal(boundedOsa('grokkng', 'grokking', 2), 1);
    assert.equal(boundedOsa('reinforcment', 'reinforcement', 2), 1);
    assert.equal(boundedOsa('dialoog', 'dialog', 2), 1);
    assert.equal(boundedOsa('abc', 'xyz', 1), 2);
    assert.equal(boundedOsa('kitten', 'sitting', 3), 3);
  });
});
