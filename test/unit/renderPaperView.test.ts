import { strict as assert } from 'node:assert';
import type { Paper } from '../../src/core/model';
import { allowedUrls, buildPaperView, formatDate } from '../../src/extension/browse/paperView';
import { parsePageMessage } from '../../src/extension/browse/protocol';

const az: Paper = {
  id: 'zhao2025absolute', type: 'article-journal', title: 'Absolute Zero: Reinforced Self-play Reasoning with Zero Data',
  author: [{ given: 'Andrew', family: 'Zhao' }, { given: 'Yang', family: 'Yue' }, { given: 'Yang', family: 'Yue' }],
  issued: { 'date-parts': [[2025, 12]] }, 'original-date': { 'date-parts': [[2025, 5, 6]] },
  abstract: 'We propose $\\alpha$-AZR. Code: \\href{https://github.com/LeapLabTHU/Absolute-Zero-Reasoner}{repo} and \\href{javascript:alert(1)}{bad}.',
  DOI: '10.5555/xyz', URL: 'javascript:alert(2)',
  custom: { arxiv: '2505.03335', venue: 'NeurIPS 2025', category: 'cs.LG', score: 54, hasCode: true, codeUrl: 'https://github.com/LeapLabTHU/Absolute-Zero-Reasoner',
    profiles: ['Yang Yue'], sources: [{ page: '000_61405a7480b77c87.txt', index: 3 }], authorsTruncated: false },
};

describe('render: paper panel view', () => {
  it('formats first-appearance and venue dates', () => {
    assert.equal(formatDate({ 'date-parts': [[2025, 5, 6]] }), 'May 6, 2025');
    assert.equal(formatDate({ 'date-parts': [[2025, 13]] }), '2025');
    assert.equal(formatDate({ 'date-parts': [[2025, 6]] }), 'June 2025');
    assert.equal(formatDate(undefined), undefined);
    assert.equal(formatDate({ 'date-parts': [['x' as unknown as number]] }), undefined);
  });

  it('keeps repeated author names (two people may share one) and lists only http(s) links', () => {
    const v = buildPaperView(az, [], { text: '@article{zhao2025absolute,}' });
    assert.deepEqual(v.authors, ['Andrew Zhao', 'Yang Yue', 'Yang Yue']);
    assert.equal(v.firstDate, 'May 6, 2025');
    assert.equal(v.venueDate, 'December 2025');
    assert.equal(v.venue, 'NeurIPS 2025');
    assert.deepEqual(v.links.map(l => l.label), ['DOI', 'arXiv']); // the javascript: URL is dropped
    assert.deepEqual(v.pages, ['000_61405a7480b77c87.txt (entry 4)']);
    const urls = allowedUrls(v);
    assert.ok(urls.has('https://github.com/LeapLabTHU/Absolute-Zero-Reasoner'));
    assert.ok(urls.has('https://doi.org/10.5555/xyz'));
    assert.ok(![...urls].some(u => !/^https:/.test(u)));
    assert.ok(v.abstract.flat().some(r => r.kind === 'math' && r.tex === '\\alpha'));
  });

  it('does not repeat a venue year the venue name already says', () => {
    const v = buildPaperView({ ...az, issued: { 'date-parts': [[2026]] }, custom: { venue: 'ICLR 2026' } }, [], { text: '' });
    assert.equal(v.venue, 'ICLR 2026');
    assert.equal(v.venueDate, undefined);
    assert.equal(buildPaperView({ ...az, issued: { 'date-parts': [[2026]] }, custom: { venue: 'ICLR' } }, [], { text: '' }).venueDate, '2026');
  });

  it('carries a BibTeX failure as a message instead of throwing', () => {
    const v = buildPaperView({ id: 'k', type: 'article', custom: {} }, [], { error: 'no title' });
    assert.equal(v.bibtexError, 'no title');
    assert.equal(v.titleText, 'k');
    assert.deepEqual(v.abstract, []);
  });

  it('accepts only well-formed page messages', () => {
    assert.deepEqual(parsePageMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parsePageMessage({ type: 'action', action: 'copyBibtex', key: 'k' }), { type: 'action', action: 'copyBibtex', key: 'k' });
    assert.equal(parsePageMessage({ type: 'action', action: 'rm -rf', key: 'k' }), undefined);
    assert.equal(parsePageMessage({ type: 'openPaper', key: 42 }), undefined);
    assert.equal(parsePageMessage({ type: 'showPaper' }), undefined, 'the page cannot send host messages');
    assert.equal(parsePageMessage('ready'), undefined);
    assert.equal(parsePageMessage(null), undefined);
    assert.deepEqual(parsePageMessage({ type: 'cspViolation', directive: 'style-src-attr', blocked: 'x'.repeat(999) }),
      { type: 'cspViolation', directive: 'style-src-attr', blocked: 'x'.repeat(200) });
  });
});
