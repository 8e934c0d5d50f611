import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { normalizeTitle, titleYearKey } from '../../src/core/sources/identity';

describe('identity: title + year key', () => {
  it('is made for titles of 16 characters and three words or more, as split(" ") counts words', () => {
    const reference = (t: string, y: number | undefined) => (y !== undefined && t.length >= 16 && t.split(' ').length >= 3 ? `${t}|${y}` : undefined);
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '1', 'é') , maxLength: 40 }), fc.option(fc.integer({ min: 1900, max: 2030 }), { nil: undefined }), (t, y) => {
      assert.equal(titleYearKey(t, y), reference(t, y));
    }), { numRuns: 2000 });
    assert.equal(titleYearKey(normalizeTitle('GloVe: Global Vectors for Word Representation'), 2014), 'glove global vectors for word representation|2014');
    assert.equal(titleYearKey('introduction to parsing', undefined), undefined);
    assert.equal(titleYearKey('invited talk abstract', 2020), 'invited talk abstract|2020');
    assert.equal(titleYearKey('supercalifragilistic', 2020), undefined, 'one long word');
  });
});
