import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { bestCpuMs } from '../support/cpuTime';
import { backtrackingRisk, citeContextAt, citedKeyAt, citeCommandMatcher, citeSyntaxFor, completionFilterText, findCitations, CiteOptions } from '../../src/core/citeContext';

/** `|` marks the cursor. */
function at(marked: string, opts?: CiteOptions) {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'test text needs a | cursor');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { text, offset, ctx: citeContextAt(text, offset, opts) };
}
const latex: CiteOptions = { syntax: 'latex' };
const md: CiteOptions = { syntax: 'both' };

describe('citeContext: LaTeX', () => {
  it('finds the prefix in a plain \\cite', () => {
    const { ctx } = at('as shown by \\cite{abs|}', latex);
    assert.equal(ctx?.kind, 'latex');
    assert.equal(ctx?.command, 'cite');
    assert.equal(ctx?.prefix, 'abs');
    assert.deepEqual(ctx?.keys, []);
  });
  it('handles two optional arguments, one of them empty', () => {
    const { text, ctx } = at('\\citep[see][]{abs|', latex);
    assert.equal(ctx?.prefix, 'abs');
    assert.equal(text.slice(ctx!.start, ctx!.end), 'abs');
    assert.equal(ctx?.group?.closed, false);
  });
  it('handles optional arguments holding braces and tildes', () => {
    assert.equal(at('\\citep[see {[}1{]}][p.~3]{zhao|}', latex).ctx?.prefix, 'zhao');
    assert.equal(at('\\citep[{e.g.,}][chap.~2]{|}', latex).ctx?.prefix, '');
  });
  it('recognises natbib and biblatex families, capitalised and starred', () => {
    for (const cmd of ['cite', 'citet', 'citep', 'citealt', 'citealp', 'citeauthor', 'citeyear', 'citetitle', 'nocite',
      'parencite', 'textcite', 'autocite', 'footcite', 'fullcite', 'smartcite', 'supercite', 'Citet', 'Citep', 'Parencite',
      'Textcite', 'Autocite', 'citep*', 'citet*', 'Citeauthor*', 'citeyearpar', 'citenum', 'footfullcite', 'citeA', 'citeNP']) {
      const { ctx } = at(`Text \\${cmd}{a|}`, latex);
      assert.equal(ctx?.prefix, 'a', cmd);
      assert.equal(ctx?.command, cmd.replace('*', ''), cmd);
    }
  });
  it('ignores commands whose arguments are not keys', () => {
    for (const cmd of ['citestyle', 'citetext', 'section', 'ref', 'label', 'DeclareCiteCommand', 'input', 'url']) {
      assert.equal(at(`\\${cmd}{a|}`, latex).ctx, undefined, cmd);
    }
  });
  it('reports the keys already in the list and excludes the one under the cursor', () => {
    const { ctx } = at('\\citep{zhao2025absolute, wei2022chain,|}', latex);
    assert.equal(ctx?.prefix, '');
    assert.deepEqual(ctx?.keys, ['zhao2025absolute', 'wei2022chain']);
    const mid = at('\\cite{a,b|c,d}', latex).ctx;
    assert.equal(mid?.prefix, 'b');
    assert.equal(mid?.keyEnd, mid!.end + 1);
    assert.deepEqual(mid?.keys, ['a', 'd']);
  });
  it('spans line breaks and comments inside the key list', () => {
    const { ctx } = at('\\citep{\n  zhao2025absolute, % the AZR paper\n  wei2022chain,\n  ya|\n}', latex);
    assert.equal(ctx?.prefix, 'ya');
    assert.deepEqual(ctx?.keys, ['zhao2025absolute', 'wei2022chain']);
    assert.equal(at('\\citep[see][p.~3]\n  {ke|}', latex).ctx?.prefix, 'ke');
  });
  it('is silent in a comment, in an optional argument, and after the list closed', () => {
    assert.equal(at('% \\cite{ab|}', latex).ctx, undefined);
    assert.equal(at('\\cite{a,% co|mment\n b}', latex).ctx, undefined);
    assert.equal(at('\\citep[se|e]{a}', latex).ctx, undefined);
    assert.equal(at('\\cite{a} and |', latex).ctx, undefined);
    assert.equal(at('\\cite{a}|', latex).ctx, undefined);
    assert.equal(at('\\cite|{a}', latex).ctx, undefined);
  });
  it('treats an escaped percent as text and \\\\cite as a line break followed by text', () => {
    assert.equal(at('50\\% of \\cite{ab|}', latex).ctx?.prefix, 'ab');
    assert.equal(at('line\\\\cite{ab|}', latex).ctx, undefined);
  });
  it('handles multi-cite commands with pre/post notes per key', () => {
    const { ctx } = at('\\parencites(see)(and others)[p.~3][]{zhao2025absolute}[chap.~2]{wei|}', latex);
    assert.equal(ctx?.command, 'parencites');
    assert.equal(ctx?.prefix, 'wei');
    assert.deepEqual(ctx?.keys, ['zhao2025absolute']);
    assert.equal(at('\\textcites{a}{b}{c|}', latex).ctx?.prefix, 'c');
    assert.deepEqual(at('\\cites{a}{|}{b}', latex).ctx?.keys, ['a', 'b']);
  });
  it('skips the volume argument of \\volcite', () => {
    assert.equal(at('\\volcite{3|}{key}', latex).ctx, undefined);
    assert.equal(at('\\volcite[see]{3}[45]{ke|}', latex).ctx?.prefix, 'ke');
  });
  it('stops an unclosed list at the first non-key text so later prose is not a key', () => {
    const { ctx } = at('\\cite{ab|\nand then some prose.', latex);
    assert.equal(ctx?.prefix, 'ab');
    assert.equal(ctx?.group?.closed, false);
    assert.deepEqual(ctx?.keys, []);
  });
  it('accepts custom commands by name and by regular expression, and reports bad patterns', () => {
    assert.equal(at('\\mybib{a|}', latex).ctx, undefined);
    assert.equal(at('\\mybib{a|}', { ...latex, customCommands: ['mybib'] }).ctx?.prefix, 'a');
    assert.equal(at('\\refsee{a|}', { ...latex, customCommands: ['/^ref(see|also)$/'] }).ctx?.prefix, 'a');
    assert.equal(citeCommandMatcher(['/([/']).problems.length, 1);
    assert.equal(citeCommandMatcher(['not a name']).problems.length, 1);
  });
  it('looks back only a bounded window', () => {
    const long = '\\cite{' + 'a,'.repeat(5000) + 'b|}';
    assert.equal(at(long, { ...latex, window: 2000 }).ctx, undefined);
    assert.equal(at(long, { ...latex, window: 20000 }).ctx?.prefix, 'b');
  });
  it('keeps keys with colons, dashes, dots and slashes', () => {
    assert.equal(at('\\cite{arXiv:2505.03335|}', latex).ctx?.prefix, 'arXiv:2505.03335');
    assert.equal(at('\\cite{doi/10.1-x_y|}', latex).ctx?.prefix, 'doi/10.1-x_y');
  });
});

describe('citeContext: pandoc', () => {
  it('completes after [@', () => {
    const { ctx } = at('As shown [@|', md);
    assert.equal(ctx?.kind, 'pandoc');
    assert.equal(ctx?.prefix, '');
    assert.equal(at('As shown [@abs|]', md).ctx?.prefix, 'abs');
  });
  it('reads keys of a bracketed list with locators and prefixes', () => {
    const { ctx } = at('[see @doe99, pp. 33-35; also @smith04, chap. 1; @wei|]', md);
    assert.equal(ctx?.prefix, 'wei');
    assert.deepEqual(ctx?.keys, ['doe99', 'smith04']);
    assert.deepEqual(ctx?.group && { closed: ctx.group.closed }, { closed: true });
  });
  it('handles suppressed authors and in-text citations', () => {
    assert.equal(at('Smith says blah [-@smi|]', md).ctx?.prefix, 'smi');
    const inText = at('@smith04| says blah.', md).ctx;
    assert.equal(inText?.prefix, 'smith04');
    assert.equal(inText?.group, undefined);
  });
  it('drops trailing punctuation from the whole key but keeps internal punctuation', () => {
    const { text, offset } = at('as @do|e99. Then', md);
    assert.deepEqual(citedKeyAt(text, offset, md), { key: 'doe99', start: 4, end: 9, kind: 'pandoc' });
    assert.equal(at('@Foo_bar.baz:2|', md).ctx?.prefix, 'Foo_bar.baz:2');
  });
  it('does not take e-mail addresses or code for citations', () => {
    assert.equal(at('mail jane@exam|ple.org', md).ctx, undefined);
    assert.equal(at('use `[@ke|y]` literally', md).ctx, undefined);
    assert.equal(at('```\n[@ke|y]\n```', md).ctx, undefined);
    assert.equal(at('```\ncode\n```\n[@ke|y]', md).ctx?.prefix, 'ke');
  });
  it('reads braced keys', () => {
    assert.equal(at('[@{https://x.org/a|}]', md).ctx?.prefix, 'https://x.org/a');
  });
  it('sees LaTeX citations in Markdown too, but not pandoc in LaTeX', () => {
    assert.equal(at('R Markdown \\citep{ab|}', md).ctx?.kind, 'latex');
    assert.equal(at('[@ab|]', latex).ctx, undefined);
  });
});

describe('citeContext: citeSyntaxFor', () => {
  it('speaks LaTeX in LaTeX and plain-text .tex files, both syntaxes in Markdown', () => {
    assert.equal(citeSyntaxFor('latex', '/p/a.tex'), 'latex');
    assert.equal(citeSyntaxFor('plaintext', '/p/a.tex'), 'latex');
    assert.equal(citeSyntaxFor('plaintext', '/p/notes.txt'), 'latex');
    assert.equal(citeSyntaxFor('markdown', '/p/a.md'), 'both');
    assert.equal(citeSyntaxFor('plaintext', '/p/a.qmd'), 'both');
  });
});

describe('citeContext: findCitations', () => {
  it('lists every cited key of a LaTeX document with its range, skipping comments', () => {
    const text = '\\citep[see][]{zhao2025absolute,\n wei2022chain}\n% \\cite{commented}\n\\parencites{a}[p.~2]{b}\n\\cite{unfinished';
    const found = findCitations(text, latex);
    assert.deepEqual(found.map(f => f.key), ['zhao2025absolute', 'wei2022chain', 'a', 'b']);
    for (const f of found) assert.equal(text.slice(f.start, f.end), f.key);
  });
  it('lists pandoc keys outside code and front matter', () => {
    const text = '---\ntitle: x\nauthor: a@b.c @notakey\n---\nText [@a; @b] and `@c` and @d.\n```\n@e\n```\n';
    assert.deepEqual(findCitations(text, md).map(f => f.key), ['a', 'b', 'd']);
  });
});

describe('citeContext: phrases typed inside a citation', () => {
  const known = new Set(['knuth84', 'a', 'zhao2025absolute', 'doe99']);
  const isKey = (k: string) => known.has(k);
  it('takes everything typed since the list opened, spaces included', () => {
    const { text, ctx } = at('as in \\cite{global vect|', latex);
    assert.equal(ctx?.prefix, 'global vect');
    assert.equal(text.slice(ctx!.start, ctx!.end), 'global vect');
    assert.equal(ctx?.keyStart, text.indexOf('vect'));
    assert.equal(at('\\cite{ global vectors  |}', latex).ctx?.prefix, 'global vectors  ');
  });
  it('takes everything since the last comma and keeps the keys before it', () => {
    const { text, ctx } = at('\\cite{a, devlin bert|}', latex);
    assert.equal(ctx?.prefix, 'devlin bert');
    assert.deepEqual(ctx?.keys, ['a']);
    assert.equal(text.slice(ctx!.start, ctx!.keyEnd), 'devlin bert');
    assert.equal(at('\\cite{a,devlin bert|', latex).ctx?.prefix, 'devlin bert');
    assert.equal(at('\\citep[see][p.~3]{a, pennigton glove|}', latex).ctx?.prefix, 'pennigton glove');
    assert.equal(at('\\parencites[p.~3]{a}[chap.~2]{deep contextualized|}', latex).ctx?.prefix, 'deep contextualized');
  });
  it('replaces the whole phrase and the rest of the word under the cursor', () => {
    const { text, ctx } = at('\\cite{a, global vec|tors} and more', latex);
    assert.equal(ctx?.prefix, 'global vec');
    assert.equal(text.slice(ctx!.start, ctx!.keyEnd), 'global vectors');
  });
  it('reads a phrase on its own line after a separator that ends an earlier line', () => {
    const { ctx } = at('\\citep{\n  zhao2025absolute,\n  global vect|\n}', latex);
    assert.equal(ctx?.prefix, 'global vect');
    assert.deepEqual(ctx?.keys, ['zhao2025absolute']);
    assert.equal(at('\\citep{\n  deep contextual|', latex).ctx?.prefix, 'deep contextual');
  });
  it('keeps hyphens, underscores, plus signs and apostrophes inside the phrase', () => {
    assert.equal(at('\\cite{global-vectors|}', latex).ctx?.prefix, 'global-vectors');
    assert.equal(at('\\cite{devlin_bert|}', latex).ctx?.prefix, 'devlin_bert');
    assert.equal(at('\\cite{devlin+bert|}', latex).ctx?.prefix, 'devlin+bert');
    assert.equal(at("\\cite{o'neil deep|}", latex).ctx?.prefix, "o'neil deep");
  });
  it('after a complete known key, a space means the next key (LaTeX)', () => {
    const { text, ctx } = at('\\cite{knuth84 dev|}', { ...latex, isKey });
    assert.equal(ctx?.prefix, ' dev');
    assert.equal(ctx?.separator, ', ');
    assert.equal(text.slice(0, ctx!.start), '\\cite{knuth84');
    assert.deepEqual(ctx?.keys, ['knuth84']);
    assert.equal(at('\\cite{knuth84 |}', { ...latex, isKey }).ctx?.prefix, ' ');
    // Without a known key the words are one phrase.
    assert.equal(at('\\cite{knuth dev|}', { ...latex, isKey }).ctx?.separator, undefined);
    assert.equal(at('\\cite{knuth84 dev|}', latex).ctx?.prefix, 'knuth84 dev');
  });
  it('never reaches across a closed list, a comment, a blank line or a long run of prose', () => {
    assert.equal(at('\\cite{a} global vect|', latex).ctx, undefined);
    assert.equal(at('\\cite{a, % glob|', latex).ctx, undefined);
    assert.equal(at('\\cite{a,\n\n global vect|', latex).ctx, undefined);
    assert.equal(at('\\cite{ab\nand then some prose|', latex).ctx, undefined);
    assert.equal(at('\\cite{' + 'word '.repeat(12) + 'more|', latex).ctx, undefined);
    assert.equal(at('\\cite{a, b c, d|', latex).ctx, undefined);
  });
  it('hover and definition name the key under the cursor, not the phrase', () => {
    const { text, offset } = at('\\cite{x, knuth84 zh|ao}', latex);
    assert.equal(citedKeyAt(text, offset, latex)?.key, 'zhao');
  });
  it('takes a phrase after the @ of a bracketed pandoc citation', () => {
    const { text, ctx } = at('As shown [@devlin bert|]', md);
    assert.equal(ctx?.kind, 'pandoc');
    assert.equal(ctx?.prefix, 'devlin bert');
    assert.equal(text[ctx!.start - 1], '@');
    const list = at('[see @doe99, p. 3; @global vect|]', md).ctx;
    assert.equal(list?.prefix, 'global vect');
    assert.deepEqual(list?.keys, ['doe99']);
    assert.equal(at('Unclosed [@deep contextualized|', md).ctx?.prefix, 'deep contextualized');
    assert.equal(at('[-@subword units|]', md).ctx?.prefix, 'subword units');
  });
  it('after a complete key, a pandoc space starts a locator; in prose a space ends the key', () => {
    assert.equal(at('[@knuth84 p. 7|]', { ...md, isKey }).ctx, undefined);
    assert.equal(at('[@doe99, pp. 33-35|]', { ...md, isKey }).ctx, undefined);
    assert.equal(at('@devlin bert| says', md).ctx, undefined);
    assert.equal(at('`[@global vect|]`', md).ctx, undefined);
  });
});

describe('citeContext: hostile documents', function () {
  this.timeout(60_000);
  /** CPU time, best of three runs (ms): what other processes do adds nothing to it. */
  const time = (f: () => unknown) => bestCpuMs(f);
  const SIZE = 240_000;
  const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);
  const benignLatex = fill('As shown by \\citep[see][p.~3]{zhao2025absolute, wei2022chain} and more.\n');
  const benignMd = fill('As shown [see @zhao2025absolute, p. 3; @wei2022chain] and `code` here.\n');
  // Each hostile document is one class of input that used to cost time quadratic in its length.
  const hostile: [string, string, CiteOptions][] = [
    ['a long line of \\cite{a}', fill('\\cite{a} '), latex],
    ['a long line of unclosed \\cite[', fill('\\cite['), latex],
    ['unclosed \\cite[ across lines', fill('\\citep[see\n'), latex],
    ['a flood of code spans', fill('`a` @k '), md],
    ['a flood of fences', fill('```\n@k\n'), md],
    ['fences between backticks', fill('```\n@k\n```\n` @k '), md],
    ['unclosed braced keys', fill('@{'), md],
    ['one long backtick run', fill('`'), md],
    ['percent signs before commands', fill('%\\cite{a}'), latex],
  ];
  for (const [name, text, opts] of hostile) {
    it(`stays linear on ${name}`, () => {
      // Quadratic cost at this size is seconds. A flood of fences or code spans holds 17,000–30,000
      // citations and costs 30–80 ms of CPU where a benign document costs 4–14: 100 ms of slack.
      const benign = time(() => findCitations(opts === latex ? benignLatex : benignMd, opts));
      const bad = time(() => findCitations(text, opts));
      assert.ok(bad <= 10 * benign + 100, `${name}: ${bad.toFixed(0)} ms against ${benign.toFixed(0)} ms for a benign document of the same size`);
    });
  }
  it('answers completion in a bounded window whatever the document holds', () => {
    for (const [name, text, opts] of hostile) {
      // A keystroke's cost once the code is compiled (the editor calls it on every keystroke).
      for (let i = 0; i < 3; i++) { citeContextAt(benignLatex, benignLatex.length, opts); citeContextAt(text, text.length, opts); }
      const benign = time(() => citeContextAt(benignLatex, benignLatex.length, opts));
      const bad = time(() => citeContextAt(text, text.length, opts));
      assert.ok(bad <= 10 * benign + 20, `${name}: ${bad.toFixed(1)} ms against ${benign.toFixed(1)} ms`);
    }
  });
  it('refuses custom patterns that could backtrack exponentially, and says why', () => {
    for (const bad of ['(a+)+$', '(a|ab)*c', '^(x+x+)+y$', '(\\w+)\\1', '(?<n>a)\\k<n>', '((a)+)+', '(a*){2,}', 'x'.repeat(300)]) {
      assert.ok(backtrackingRisk(bad), bad);
      const { match, problems } = citeCommandMatcher([`/${bad}/`]);
      assert.equal(problems.length, 1, bad);
      assert.match(problems[0]!, /exponential time|longer than/);
      assert.equal(match('a'.repeat(40) + '!'), false);
    }
    for (const good of ['^my.*cite$', '^ref(see|also)$', '^(?:foo|bar)cite$', '^x[a-z]+(cite)?$', '\\w+cite']) {
      assert.equal(backtrackingRisk(good), undefined, good);
      assert.equal(citeCommandMatcher([`/${good}/`]).problems.length, 0, good);
    }
    assert.equal(citeCommandMatcher(['/^ref(see|also)$/']).match('refsee'), true);
  });
  it('tests a custom pattern once per command name, and never on absurdly long names', () => {
    let calls = 0;
    const { match } = citeCommandMatcher(['/^zz.*$/']);
    const orig = RegExp.prototype.test;
    RegExp.prototype.test = function (this: RegExp, s: string) { if (this.source === '^zz.*$') calls++; return orig.call(this, s); };
    try {
      for (let i = 0; i < 100; i++) assert.equal(match('zzcite2'), true);
      assert.equal(match('zz' + 'a'.repeat(100)), false);
    } finally { RegExp.prototype.test = orig; }
    assert.equal(calls, 1);
  });
});

describe('citeContext: properties', () => {
  const pieces = fc.constantFrom('\\cite', '\\citep', '\\parencites', '[', ']', '{', '}', '(', ')', '@', ',', ';', ' ', '\n', '%', '\\', '`', '```\n', 'ab', 'key:1', '-', '*', 'é', '\r\n');
  const doc = fc.array(fc.oneof(pieces, fc.string({ maxLength: 4 })), { maxLength: 60 }).map(a => a.join(''));
  it('never throws, keeps ranges inside the document, and the prefix is the text of its range', () => {
    fc.assert(fc.property(doc, fc.nat(), fc.constantFrom<CiteOptions>(latex, md, { syntax: 'pandoc' }), (text, n, opts) => {
      const offset = n % (text.length + 1);
      const ctx = citeContextAt(text, offset, opts);
      if (!ctx) return;
      assert.ok(ctx.start >= 0 && ctx.start <= ctx.end && ctx.end === offset && ctx.keyEnd >= ctx.end && ctx.keyEnd <= text.length);
      assert.equal(text.slice(ctx.start, ctx.end), ctx.prefix);
      assert.ok(!ctx.keys.some(k => k === '' ));
      if (ctx.group) assert.ok(ctx.group.start <= ctx.start && ctx.keyEnd <= ctx.group.end + 1);
    }), { numRuns: 3000 });
  });
  it('finds every key it writes: a generated \\citep with random keys', () => {
    const key = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9:_.-]{0,12}$/);
    fc.assert(fc.property(fc.array(key, { minLength: 1, maxLength: 5 }), fc.nat(), (keys, n) => {
      const text = `See \\citep[see][p.~3]{${keys.join(', ')}} for more.`;
      const found = findCitations(text, latex).map(f => f.key);
      assert.deepEqual(found, keys);
      const i = n % keys.length;
      const pos = text.indexOf('{' + keys.join(', ')) + 1 + keys.slice(0, i).reduce((s, k) => s + k.length + 2, 0) + keys[i]!.length;
      const ctx = citeContextAt(text, pos, latex);
      assert.equal(ctx?.prefix, keys[i]);
    }), { numRuns: 500 });
  });
  it('findCitations never throws and its ranges hold the keys', () => {
    fc.assert(fc.property(doc, text => {
      for (const f of findCitations(text, md)) assert.equal(text.slice(f.start, f.end), f.key);
    }), { numRuns: 2000 });
  });
  it('a phrase of words typed after a separator is the query, in LaTeX and pandoc', () => {
    const word = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{0,8}$/);
    fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), fc.array(word, { maxLength: 3 }), fc.boolean(), (words, before, closed) => {
      const phrase = words.join(' ');
      const latexHead = `\\citep[see]{${before.map(b => b + ', ').join('')}${phrase}`;
      assert.equal(citeContextAt(`${latexHead}${closed ? '}' : ''} more text`, latexHead.length, latex)?.prefix, phrase);
      const mdHead = `Text [${before.map(b => '@' + b + '; ').join('')}@${phrase}`;
      assert.equal(citeContextAt(`${mdHead}${closed ? ']' : ''} more text`, mdHead.length, md)?.prefix, phrase);
    }), { numRuns: 500 });
  });
});
describe('completionFilterText: answers that arrive after more keys were typed', () => {
  const glove = { id: 'pennington-etal-2014-glove', title: 'GloVe: Global Vectors for Word Representation', author: [{ family: 'Pennington' }, { family: 'Socher' }, { family: 'Manning' }] };
  /** Whether every character of `typed` occurs in `text` in order (what a fuzzy filter needs at least). */
  const inOrder = (typed: string, text: string) => {
    let i = 0;
    for (const ch of text.toLowerCase()) if (ch === typed[i]?.toLowerCase()) i++;
    return i === typed.length;
  };
  it('starts with the query (and a space where a space continues it), so answers in time tie and keep their order', () => {
    for (const q of ['', 'g', 'global vect', 'devlin-bert']) {
      assert.ok(completionFilterText(q, glove, true).startsWith(`${q} `), q);
      assert.ok(completionFilterText(q, glove, false).startsWith(q), q);
    }
  });
  it('goes on with the key, authors and title: later letters still match the paper', () => {
    const late = completionFilterText('glo', glove, true);
    for (const typed of ['global', 'global vectors', 'glo pennington', 'glove']) assert.ok(inOrder(typed, late), typed);
    assert.ok(!inOrder('glo devlin', late));
    assert.ok(inOrder('penni', completionFilterText('pen', glove, false)));
  });
  it('no space where a space ends the citation (pandoc @key, Typst @ref): typing one closes the list', () => {
    assert.ok(!completionFilterText('penn', glove, false).includes(' '));
  });
  it('at most 128 characters (what the editor reads) unless the query itself is longer; no runs of white space', () => {
    const long = { id: 'k', title: `A ${'very '.repeat(80)}long title`, author: [{ literal: 'The\n  Consortium' }] };
    assert.equal(completionFilterText('q', long, true).length, 128);
    assert.ok(!/\s\s|\n/.test(completionFilterText('q', long, true)));
    const q = 'x'.repeat(200);
    assert.ok(completionFilterText(q, long, true).startsWith(`${q} `));
  });
});
