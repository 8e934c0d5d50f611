import { strict as assert } from 'node:assert';
import { cleanText, cleanTitle, comparable, foldAscii, splitName, squashed } from '../../src/core/normalize';

describe('normalize: text', () => {
  it('turns a LaTeX tie into a space and restores missing spaces (real excerpts, PaD on two pages)', () => {
    assert.equal(cleanText('outperform certain LLMs~(e.g., LLaMA-1 13B) in'), 'outperform certain LLMs (e.g., LLaMA-1 13B) in');
    assert.equal(cleanText('and general ability.Experimental results'), 'and general ability. Experimental results');
    assert.equal(cleanText('publicly available athttps://github.com/Xuekai-Zhu/pad.'), 'publicly available at https://github.com/Xuekai-Zhu/pad.');
  });

  it('collapses whitespace and stray spaces before punctuation', () => {
    assert.equal(cleanText('  Large  language\tmodels\u00a0(LLMs ) excel ,really ;  '), 'Large language models (LLMs) excel, really;');
  });

  it('keeps LaTeX in abstracts: \\href, math, escaped characters', () => {
    const href = 'The code is available at \\href{https://github.com/masa-ue/SVDD}{https://github.com/masa-ue/SVDD}.';
    assert.equal(cleanText(href), href);
    const math = "natural motion $\\alpha^2 \\sin{\\theta_t}$ by observing; our $π_0$ baseline; RoboTwin 1.0\\&2.0; GPT-$\\{n\\}$";
    assert.equal(cleanText(math), math);
  });

  it('leaves URLs alone: a tilde home directory, a dot before a capital', () => {
    assert.equal(cleanText('see https://www.cs.x.edu/~someone/Repo.Name now'), 'see https://www.cs.x.edu/~someone/Repo.Name now');
  });

  it('restores a sentence space as the look-behind rule did, in one pass over a word (URLs, Unicode, brackets)', () => {
    // The rule before it became a scan per word: a look-behind that rescanned the word at every dot.
    const reference = (s: string) => s.replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000]/g, ' ').replace(/(^|[^/\\])~(?![/\w]*\/)/g, '$1 ')
      .replace(/\s+/g, ' ').replace(/ +([,;])(?=[\p{L}\d])/gu, '$1 ').replace(/ +([,;:)\]])/g, '$1')
      .replace(/(?<!https?:\/\/\S*)([\p{Ll}\d)]{2})\.(\p{Lu}\p{Ll}{2,})/gu, '$1. $2').replace(/([\p{L}])(https?:\/\/)/gu, '$1 $2').trim();
    const parts = ['a', 'Ab', 'Abc', 'É', 'é', 'ß', '.', ' ', '\n', ')', '1', 'http://', 'https://', 'http', 's', ':', '/', '~', ',', ';', 'x.Yzz', '\u00a0'];
    let seed = 1;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let t = 0; t < 30_000; t++) {
      let s = '';
      for (let i = Math.floor(next() * 14); i >= 0; i--) s += parts[Math.floor(next() * parts.length)];
      assert.equal(cleanText(s), reference(s), JSON.stringify(s));
    }
    assert.equal(cleanText('it works.Then see https://x.org/A.Bcd and ahttps://y.org/c.Def'), 'it works. Then see https://x.org/A.Bcd and a https://y.org/c.Def');
  });

  it('drops a trailing full stop from titles but not an ellipsis or question mark', () => {
    assert.equal(cleanTitle('How to Synthesize Text Data without Model Collapse?'), 'How to Synthesize Text Data without Model Collapse?');
    assert.equal(cleanTitle('A  Title.'), 'A Title');
    assert.equal(cleanTitle('Wait...'), 'Wait...');
  });

  it('compares text on letters and digits only', () => {
    assert.equal(comparable('CRaSh: Clustering, Removing, and  Sharing'), 'crash clustering removing and sharing');
    assert.equal(squashed('LLMs~(e.g., LLaMA-1 13B)'), squashed('LLMs (e.g.,LLaMA-1 13B)'));
    assert.notEqual(squashed('Absolute Zero'), squashed('Absolute One'));
  });

  it('folds accents to ASCII', () => {
    assert.equal(foldAscii('Laurière Hütter Søren Łukasz'), 'Lauriere Hutter Soren Lukasz');
  });
});

describe('normalize: author names', () => {
  it('reads "Given Family", Chinese names included', () => {
    assert.deepEqual(splitName('Andrew Zhao'), { family: 'Zhao', given: 'Andrew' });
    assert.deepEqual(splitName('Yang Yue'), { family: 'Yue', given: 'Yang' });
    assert.deepEqual(splitName('Yue Yang'), { family: 'Yang', given: 'Yue' });
    assert.deepEqual(splitName('Wayne Xin Zhao'), { family: 'Zhao', given: 'Wayne Xin' });
    assert.deepEqual(splitName('Le Yu'), { family: 'Yu', given: 'Le' });
  });

  it('keeps multi-part names sensible', () => {
    assert.deepEqual(splitName('Nguyen Van Hoang'), { family: 'Nguyen', given: 'Van Hoang' });
    assert.deepEqual(splitName('Soeren Hougaard Mulvad'), { family: 'Mulvad', given: 'Soeren Hougaard' });
    assert.deepEqual(splitName('Edward De Brouwer'), { family: 'De Brouwer', given: 'Edward' });
    assert.deepEqual(splitName('Jan-Christian Hütter'), { family: 'Hütter', given: 'Jan-Christian' });
    assert.deepEqual(splitName('Zhao, Andrew'), { family: 'Zhao', given: 'Andrew' });
    assert.deepEqual(splitName('Plato'), { literal: 'Plato' });
  });
});
