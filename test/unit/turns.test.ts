import { strict as assert } from 'node:assert';
import { sortInTurns } from '../../src/core/turns';

/** A seeded generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('sortInTurns', () => {
  it('gives exactly the order of the built-in stable sort, ties kept in place, for sizes around its run and merge widths', async () => {
    const next = rng(7);
    for (const n of [0, 1, 2, 511, 512, 513, 1024, 1500, 4097, 20_000]) {
      // Few distinct keys: most comparisons are ties, which a stable sort must keep in input order.
      const items = Array.from({ length: n }, (_, i) => ({ k: Math.floor(next() * 50), i }));
      const cmp = (a: { k: number }, b: { k: number }) => b.k - a.k;
      const want = [...items].sort(cmp);
      const got = [...items];
      assert.equal(await sortInTurns(got, cmp, { sliceMs: 0 }), true);
      assert.deepEqual(got.map(x => x.i), want.map(x => x.i), `n = ${n}`);
    }
  });

  it('sorts names as an Intl.Collator does, accents and case included', async () => {
    const c = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
    const base = ['Émile Zola', 'emile zola', 'Zoë Li', 'Zoe Li', 'ángel', 'Angel', 'a10', 'a2', 'Łukasiewicz', 'Lukas', 'de Boer', 'De Vries', 'Dean'];
    const names = Array.from({ length: 3000 }, (_, i) => `${base[i % base.length]}${i % 7 ? '' : ` ${i}`}`);
    const want = [...names].sort(c.compare);
    assert.equal(await sortInTurns(names, c.compare, { sliceMs: 0 }), true);
    assert.deepEqual(names, want);
  });

  it('lets other work run while it sorts, and stops when cancelled', async () => {
    const items = Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 20_000);
    let turns = 0;
    let ticking = true;
    const tick = () => { if (ticking) { turns++; setImmediate(tick); } };
    setImmediate(tick);
    assert.equal(await sortInTurns(items, (a, b) => a - b, { sliceMs: 0 }), true);
    ticking = false;
    assert.ok(turns > 10, `other work ran ${turns} times`);
    assert.deepEqual(items.slice(0, 3), [0, 1, 2]);
    let asked = 0;
    assert.equal(await sortInTurns([...items].reverse(), (a, b) => a - b, { sliceMs: 0, cancelled: () => ++asked >= 3 }), false);
    assert.equal(asked, 3);
  });
});
