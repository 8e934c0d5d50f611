import { strict as assert } from 'node:assert';
import { bestCpuMs } from '../support/cpuTime';
import fc from 'fast-check';
import { citeContextAt, findCitations } from '../../src/core/citeContext';

const rst = { syntax: 'rst' as const };
function at(marked: string) {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return citeContextAt(text, offset, rst);
}

describe('reStructuredText citations (sphinxcontrib-bibtex)', () => {
  it('completes in every cite role, with the other keys of the role known', () => {
    for (const role of ['cite:p', 'cite:t', 'cite:ps', 'cite:ts', 'cite', 'footcite', 'footcite:t']) {
      const ctx = at(`As :${role}:\`knuth84, do|\` shows`);
      assert.equal(ctx?.prefix, 'do', role);
      assert.equal(ctx?.command, role);
      assert.deepEqual(ctx?.keys, ['knuth84'], role);
    }
    assert.equal(at('see :cite:p:`|')?.prefix, '');
    assert.equal(at('see :cite:p:`a,global vect|')?.prefix, 'global vect');
  });
  it('finds several comma-separated keys, outside literal blocks, comments and inline literals', () => {
    const doc = [
      'Intro :cite:p:`knuth84, doe:2020` and :footcite:`x-1`.', '',
      'Example::', '', '    :cite:p:`inliteral`', '',
      '.. code-block:: rst', '', '   :cite:t:`incode`', '',
      '.. a comment :cite:p:`incomment`', '',
      'Text ``:cite:p:`ininline``` and :cite:t:`last`.', '',
    ].join('\n');
    assert.deepEqual(findCitations(doc, rst).map(c => c.key), ['knuth84', 'doe:2020', 'x-1', 'last']);
    assert.equal(at('Example::\n\n    :cite:p:`a|`\n'), undefined);
  });
  it('never throws and never offers inside a literal block (property)', () => {
    const piece = fc.constantFrom(':cite:p:`', ':footcite:`', '`', ',', ' ', '\n', '::', '\n\n    ', '.. ', '``', 'ab', 'k:1');
    const doc = fc.array(fc.oneof(piece, fc.string({ maxLength: 3 })), { maxLength: 60 }).map(a => a.join(''));
    fc.assert(fc.property(doc, fc.nat(), (text, n) => {
      const offset = n % (text.length + 1);
      const ctx = citeContextAt(text, offset, rst);
      if (ctx) assert.ok(ctx.start <= offset && ctx.keyEnd >= ctx.keyStart);
      for (const c of findCitations(text, rst)) assert.ok(c.key.length > 0 && c.end <= text.length);
    }), { numRuns: 1500 });
    fc.assert(fc.property(fc.stringMatching(/^[a-z,: ]{0,20}$/), fc.nat(), (body, n) => {
      const text = `Para::\n\n    :cite:p:\`${body}\`\n`;
      const offset = 16 + (n % (body.length + 1));
      assert.equal(citeContextAt(text, offset, rst), undefined);
      assert.deepEqual(findCitations(text, rst), []);
    }), { numRuns: 500 });
  });
  it('scans a hostile document in linear time', () => {
    for (const unit of [':cite:p:`', '::\n', '``', ':cite:`a,']) {
      const text = unit.repeat(200_000 / unit.length);
      // CPU time: a loaded machine stretches the wall clock, not the work.
      const ms = bestCpuMs(() => {
        findCitations(text, rst);
        citeContextAt(text, text.length, rst);
      }, 2);
      assert.ok(ms < 1500, `${unit}: ${ms.toFixed(0)} ms of CPU`);
    }
  });
});
