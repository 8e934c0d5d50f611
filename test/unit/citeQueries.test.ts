import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CITE_QUERIES } from '../../bench/citeQueries';
import { Library } from '../../src/core/library';
import { buildIndexData } from '../../src/core/search';
import { readSourceFile } from '../../src/core/sources/read';
import { rankPapers } from '../../src/extension/cite/rank';
import { sharedFile } from '../support/shared';

describe('cite queries on the ACL Anthology (../shared): phrases, hyphens and typos find the paper', function () {
  this.timeout(180_000);
  let lib: Library;
  before(function () {
    const gz = sharedFile(this, 'testdata/bib/anthology.bib.gz');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-anth-')), 'anthology.bib');
    fs.writeFileSync(file, gunzipSync(fs.readFileSync(gz)));
    const parsed = readSourceFile(file);
    // As the editor's parse worker does: one index over the whole source.
    parsed.indexData = buildIndexData(parsed.papers);
    lib = new Library();
    lib.put(parsed);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it('finds at least 22 of the 24 intended papers in the first five rows', () => {
    const rows = CITE_QUERIES.map(q => {
      const keys = rankPapers(lib, q.query, { limit: 5 }).map(p => p.id);
      return { ...q, rank: keys.indexOf(q.target) + 1 };
    });
    const misses = rows.filter(r => r.rank === 0);
    assert.ok(misses.length <= 2, `missed: ${misses.map(m => `${m.query} → ${m.target}`).join(', ')}`);
    // Both spellings of a query rank the same: a hyphen is a word break.
    for (const r of rows.filter(r => r.form === 'hyphens')) {
      assert.equal(r.rank, rows.find(s => s.form !== 'hyphens' && s.query === r.query.replace(/-/g, ' '))!.rank, r.query);
    }
  });

  it('puts the canonical paper first for its own title words', () => {
    assert.equal(rankPapers(lib, 'deep contextualized', { limit: 5 })[0]?.id, 'peters-etal-2018-deep');
    assert.equal(rankPapers(lib, 'global vectors', { limit: 5 })[0]?.id, 'pennington-etal-2014-glove');
    assert.equal(rankPapers(lib, 'devlin+bert', { limit: 5 })[0]?.id, 'devlin-etal-2019-bert');
    assert.equal(rankPapers(lib, 'devlin_bert', { limit: 5 })[0]?.id, 'devlin-etal-2019-bert');
  });

  it('ranks a word typed in full above the rarer words it begins (`glove` is not `Glover`, `bert` not `Bertil`)', () => {
    assert.equal(rankPapers(lib, 'glove', { limit: 5 })[0]?.id, 'pennington-etal-2014-glove');
    // Every one of the first ten has the word itself in its title (BERT-QE counts: a hyphen is a break).
    for (const q of ['bert', 'elmo', 'rouge']) {
      const top = rankPapers(lib, q, { limit: 10 });
      assert.equal(top.length, 10, q);
      for (const p of top) assert.ok((p.title ?? '').toLowerCase().split(/[^a-z0-9]+/).includes(q), `"${q}" lists ${p.id}: ${p.title}`);
    }
  });
});
