import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { Paper } from '../../src/core/model';
import { commandLink, editDistance, escapeIcons, escapeMarkdown, excerpt, keyToQuery, MAX_ROW_CHARS, oneLine, paperDetail, paperMarkdown } from '../../src/extension/cite/format';
import { endsKeyWord, rankPapers } from '../../src/extension/cite/rank';

const AZR: Paper = {
  id: 'zhao2025absolute', type: 'article', title: 'Absolute Zero: Reinforced Self-play Reasoning with Zero Data',
  author: [{ family: 'Zhao', given: 'Andrew' }, { family: 'Wu', given: 'Yiran' }, { family: 'Yue', given: 'Yang' }],
  'original-date': { 'date-parts': [[2025, 5, 6]] }, abstract: 'Reinforcement learning with verifiable rewards (RLVR) has shown promise.',
  custom: { category: 'cs.LG', hasCode: true },
};
const POISON: Paper = {
  id: 'evil2024', type: 'article',
  title: '<script>alert(1)</script> [click](command:workbench.action.terminal.new) **bold** $(zap)',
  author: [{ literal: '<img src=x onerror=alert(1)>' }],
  abstract: 'See javascript:alert(1) and https://evil.example/x and <a href="x">a</a> & &amp; `code` ![i](http://x/y.png)',
  custom: {},
};

/** What a Markdown renderer would make of an escaped string, roughly: no unescaped syntax left. */
function unescapedSyntax(md: string): string[] {
  const found: string[] = [];
  const stripped = md.replace(/\\[!-/:-@[-`{-~]/g, '');
  for (const ch of ['<', '>', '[', ']', '(', ')', '`', '*', '_', '&', '!', ':']) if (stripped.includes(ch)) found.push(ch);
  return found;
}

describe('cite format', () => {
  it('describes a paper as "First Author et al. · year · category"', () => {
    assert.equal(paperDetail(AZR), 'Zhao et al. · 2025 · cs.LG');
    assert.equal(paperDetail({ id: 'x', type: 'article', custom: {} }), '');
  });
  it('escapes HTML, links, command links, emphasis and images in corpus text', () => {
    const md = paperMarkdown(POISON);
    // Our own markup: the bold title wrapper and the key in backticks at the end.
    const body = md.slice(0, md.lastIndexOf('\n\n')).replace(/^\*\*|\*\*(?=\n)/g, '');
    assert.deepEqual(unescapedSyntax(body), []);
    assert.ok(body.includes('\\<script\\>'));
    assert.ok(!/\]\(command:/.test(md));
  });
  it('escapes any string so that no Markdown syntax is left (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), s => {
      assert.deepEqual(unescapedSyntax(escapeMarkdown(s)), []);
    }), { numRuns: 2000 });
  });
  it('breaks up $(icon) syntax in quick pick labels', () => {
    assert.equal(escapeIcons('a $(zap) b'), 'a $\u200b(zap) b');
  });
  it('keeps a row to one line of at most MAX_ROW_CHARS characters, the longest real titles whole', () => {
    const real = 'A'.repeat(857);
    assert.equal(oneLine(`  ${real}\n`), real);
    assert.equal(oneLine('Deep\n\tcontextualized   word representations'), 'Deep contextualized word representations');
    const huge = oneLine(`Title ${'x '.repeat(500_000)}`);
    assert.equal(huge.length, MAX_ROW_CHARS);
    assert.ok(huge.endsWith('…') && huge.startsWith('Title x x'));
    // A cut never leaves half of a surrogate pair.
    for (const pad of [0, 1]) {
      const t = oneLine('a'.repeat(MAX_ROW_CHARS - 2 - pad) + '😀'.repeat(600));
      assert.ok(!/[\ud800-\udbff]…$/.test(t) && t.endsWith('…') && t.length <= MAX_ROW_CHARS, JSON.stringify(t.slice(-4)));
      assert.doesNotThrow(() => encodeURIComponent(t));
    }
    assert.equal(escapeIcons(`$(zap)${'y'.repeat(5000)}`).length, MAX_ROW_CHARS + 1);
  });
  it('encodes command link arguments so a key cannot end the link', () => {
    const link = commandLink('Open', 'papercite.openPaper', ['a)b](command:evil']);
    assert.match(link, /^\[Open\]\(command:papercite\.openPaper\?[^()\s]+\)$/);
    assert.deepEqual(JSON.parse(decodeURIComponent(link.slice(link.indexOf('?') + 1, -1))), ['a)b](command:evil']);
  });
  it('cuts abstracts at a word', () => {
    assert.equal(excerpt('one two three four', 10), 'one two…');
    assert.equal(excerpt('One two. Three four five', 11), 'One two…');
    assert.equal(excerpt('  short\n text ', 100), 'short text');
  });
  it('measures edit distance with a cap', () => {
    assert.equal(editDistance('zhao2025absolut', 'zhao2025absolute'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('a', 'abcdefghijklmnop', 3), 4);
    assert.equal(keyToQuery('zhao2025absolute'), 'zhao 2025 absolute');
  });
  it('ranks key prefixes first, then search hits, never an excluded key', () => {
    const other: Paper = { ...AZR, id: 'wei2022chain', title: 'Chain of Thought', 'original-date': { 'date-parts': [[2022]] } };
    const lib = { papers: [other, AZR], search: (q: string) => q.includes('absolute') || q === 'abs' ? [{ paper: AZR, score: 1 }] : [{ paper: other, score: 1 }, { paper: AZR, score: 0.5 }] };
    assert.deepEqual(rankPapers(lib, 'zhao').map(p => p.id), ['zhao2025absolute', 'wei2022chain']);
    assert.deepEqual(rankPapers(lib, 'abs').map(p => p.id), ['zhao2025absolute']);
    assert.deepEqual(rankPapers(lib, 'zhao', { exclude: new Set(['zhao2025absolute']) }).map(p => p.id), ['wei2022chain']);
    assert.deepEqual(rankPapers(lib, '').map(p => p.id), ['zhao2025absolute', 'wei2022chain'], 'newest first when nothing is typed');
  });
  it('puts a key first when the query ends one of its words, after the search hits when it only begins one', () => {
    // Anthology keys: `glove` begins Glover's key; the search ranks GloVe's title first.
    const glover: Paper = { ...AZR, id: 'glover-1982-session', title: 'Session 7: Terminology on the Market', author: [{ family: 'Glover', given: 'Wendy' }] };
    const glove: Paper = { ...AZR, id: 'pennington-etal-2014-glove', title: 'GloVe: Global Vectors for Word Representation', author: [{ family: 'Pennington', given: 'Jeffrey' }] };
    const lib = { papers: [glover, glove], search: () => [{ paper: glove, score: 2 }] };
    assert.deepEqual(rankPapers(lib, 'glove').map(p => p.id), ['pennington-etal-2014-glove', 'glover-1982-session']);
    assert.deepEqual(rankPapers(lib, 'glover').map(p => p.id), ['glover-1982-session', 'pennington-etal-2014-glove']);
    assert.deepEqual(rankPapers(lib, 'glover-19').map(p => p.id), ['glover-1982-session', 'pennington-etal-2014-glove']);
    assert.deepEqual(rankPapers(lib, 'glove', { limit: 1 }).map(p => p.id), ['pennington-etal-2014-glove']);
    for (const [key, q, first] of [
      ['zhao2025absolute', 'zhao', true], ['zhao2025absolute', 'zhao2025abs', true], ['Devlin2019BERT', 'devlin', true],
      ['devlinBERT', 'devlin', true], ['devlin-etal-2019-bert', 'devlin-etal', true], ['glover-1982-session', 'glove', false],
      ['BERT2019', 'ber', false], ['josé2020', 'jos', false], ['Glover', 'glover', true],
      ['müller2020', 'müll', false], ['müller2020', 'müller', true],
    ] as const) assert.equal(endsKeyWord(key, q), first, `${q} of ${key}`);
  });
});
