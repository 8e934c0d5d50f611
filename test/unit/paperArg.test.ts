import { strict as assert } from 'node:assert';
import { keyOf } from '../../src/extension/paperArg';

describe('keyOf: the paper a command is given', () => {
  it('takes a key, a {key} (tree paper node), a {paper: {id}} (panel) and a Paper itself', () => {
    assert.equal(keyOf('li2024geometry'), 'li2024geometry');
    assert.equal(keyOf({ kind: 'paper', id: 'author:Xiner Li/li2024geometry', key: 'li2024geometry' }), 'li2024geometry');
    assert.equal(keyOf({ paper: { id: 'zhao2025absolute' } }), 'zhao2025absolute');
    assert.equal(keyOf({ id: 'wei2022chain', title: 'Chain of Thought' }), 'wei2022chain');
  });

  it('gives nothing for no paper: empty keys, a tree group, other values', () => {
    for (const arg of [undefined, null, '', 42, [], {}, { key: '' }, { key: 7 }, { paper: null }, { paper: { id: '' } }, { id: '' },
      { kind: 'group', id: 'author:Xiner Li', label: 'Xiner Li' }]) {
      assert.equal(keyOf(arg), undefined, JSON.stringify(arg));
    }
  });

  it('prefers the key over the node id a tree paper node also carries', () => {
    assert.equal(keyOf({ key: 'a2020x', id: 'year:2020/a2020x', paper: { id: 'b2021y' } }), 'a2020x');
  });
});
