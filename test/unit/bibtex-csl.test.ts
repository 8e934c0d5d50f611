import { strict as assert } from 'node:assert';
import type { Paper } from '../../src/core/model';
import { formatReference, toRis } from '../../src/core/csl';

const zero: Paper = {
  id: 'zhao2025absolute', type: 'paper-conference',
  title: 'Absolute Zero: Reinforced Self-play Reasoning with Zero Data',
  author: [{ family: 'Zhao', given: 'Andrew' }, { family: 'Žídek', given: 'Augustin' }],
  issued: { 'date-parts': [[2025, 5, 6]] }, 'container-title': 'NeurIPS 2025', DOI: '10.48550/arXiv.2505.03335',
  custom: { arxiv: '2505.03335', bibtex: '@misc{ignored}' },
};

describe('csl: formatted references and RIS', () => {
  it('formats APA, Vancouver and Harvard as plain text', () => {
    assert.equal(formatReference(zero, 'apa'), 'Zhao, A., & Žídek, A. (2025, May 6). Absolute Zero: Reinforced Self-play Reasoning with Zero Data. NeurIPS 2025. https://doi.org/10.48550/arXiv.2505.03335');
    assert.match(formatReference(zero, 'vancouver'), /^1\. +Zhao A, Žídek A\. Absolute Zero: Reinforced Self-play Reasoning with Zero Data\. In: NeurIPS 2025 \[Internet\]\. 2025\. Available from: https:\/\/arxiv\.org\/abs\/2505\.03335$/);
    assert.match(formatReference(zero, 'harvard1'), /^Zhao, A\. and Žídek, A\. \(2025\) “Absolute Zero: Reinforced Self-play Reasoning with Zero Data,”/);
  });

  it('shows a truncated author list as truncated ("et al."), in text and HTML; RIS lists only the known names', () => {
    const cut: Paper = { ...zero, custom: { ...zero.custom, authorsTruncated: true } };
    assert.match(formatReference(cut, 'apa'), /^Zhao, A\., Žídek, A\., et al\. \(2025, May 6\)\. Absolute Zero/);
    assert.match(formatReference(cut, 'apa', 'html'), /Zhao, A\., Žídek, A\., et al\. \(2025, May 6\)/);
    assert.match(formatReference(cut, 'vancouver'), /^1\. +Zhao A, Žídek A, et al\. Absolute Zero/);
    assert.match(formatReference(cut, 'harvard1'), /^Zhao, A\., Žídek, A\. et al\. \(2025\) “Absolute Zero/);
    assert.match(formatReference({ ...cut, author: [zero.author![0]!] }, 'apa'), /^Zhao, A\., et al\. \(2025/);
    assert.doesNotMatch(formatReference(zero, 'apa'), /et al/, 'a complete list stays complete');
    const ris = toRis([zero, cut]);
    assert.doesNotMatch(ris, /PaperCite|et al/);
  });

  it('escapes markup in HTML output', () => {
    const html = formatReference({ ...zero, title: '<script>alert(1)</script> & <img src=x onerror=alert(1)>' }, 'apa', 'html');
    assert.ok(!/<script|<img/.test(html), html);
    assert.match(html, /&#60;script&#62;alert\(1\)&#60;\/script&#62; &#38;/);
  });

  it('gives an arXiv preprint its abs URL when it has none', () => {
    const p: Paper = { id: 'p', type: 'article', title: 'A preprint', author: [{ family: 'Doe', given: 'J' }], issued: { 'date-parts': [[2024]] }, custom: { arxiv: '2401.00001' } };
    assert.match(formatReference(p, 'apa'), /https:\/\/arxiv\.org\/abs\/2401\.00001/);
  });

  it('writes RIS records with authors, title, year, DOI and id', () => {
    const ris = toRis([zero, { id: 'b', type: 'book', title: 'A Book', custom: {} }]);
    assert.equal((ris.match(/^TY {2}- /gm) ?? []).length, 2);
    assert.match(ris, /^TY {2}- CONF$/m);
    assert.match(ris, /^AU {2}- Žídek, Augustin$/m);
    assert.match(ris, /^TI {2}- Absolute Zero: Reinforced Self-play Reasoning with Zero Data$/m);
    assert.match(ris, /^DO {2}- 10\.48550\/arXiv\.2505\.03335$/m);
    assert.match(ris, /^ID {2}- zhao2025absolute$/m);
    assert.equal(toRis([]), '');
  });
});
