import { strict as assert } from 'node:assert';
import { paperYear, shortAuthors, Paper } from '../../src/core/model';

describe('model', () => {
  const p: Paper = {
    id: 'zhao2025absolute', type: 'article', title: 'Absolute Zero',
    author: [{ family: 'Zhao', given: 'Andrew' }, { family: 'Wu', given: 'Yiran' }],
    issued: { 'date-parts': [[2025, 12]] }, 'original-date': { 'date-parts': [[2025, 5, 6]] },
    custom: { authorsTruncated: true },
  };
  it('takes the year of first appearance over the venue year', () => {
    assert.equal(paperYear(p), 2025);
    assert.equal(paperYear({ ...p, 'original-date': { 'date-parts': [[2024]] } }), 2024);
    assert.equal(paperYear({ id: 'x', type: 'article', custom: {} }), undefined);
  });
  it('says "et al." when the page truncated the author list', () => {
    assert.equal(shortAuthors(p), 'Andrew Zhao, Yiran Wu et al.');
    assert.equal(shortAuthors({ ...p, custom: {} }), 'Andrew Zhao, Yiran Wu');
  });
});
