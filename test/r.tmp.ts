import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readBibtex } from '../src/core/sources/bibtex';
import { exportBibtex } from '../src/core/bibtex/export';
import { typeset } from './unit/tex';
const files = process.argv.slice(2);
const dir = mkdtempSync(path.join(tmpdir(), 'rt-'));
const names = files.map((f, i) => { const n = `orig${i}`; copyFileSync(f, path.join(dir, n + '.bib')); return n; });
const text = files.map(f => readFileSync(f, 'utf8')).join('\n');
const r = readBibtex(text, 'all.bib');
console.log('problems', r.problems.length, r.problems.slice(0, 3));
const e = exportBibtex(r.papers);
writeFileSync(path.join(dir, 'exp.bib'), e.text);
for (const b of ['bibtex', 'biber'] as const) {
  const opt = { style: process.env.STYLE, biber: process.env.SAFE ? ['--output-safechars'] : [] };
  const o = typeset(dir, 'o' + b, names, b, opt);
  const x = typeset(dir, 'x' + b, ['exp'], b, opt);
  console.log(b, 'orig problems', o.bib.length, o.latex.length, 'export problems', x.bib.length, x.latex.length, 'same text', o.text === x.text, o.text.length);
  const newBib = x.bib.filter(l => !o.bib.includes(l)); if (newBib.length) console.log('new bib', newBib.slice(0, 5));
  if (o.text !== x.text) { let i = 0; while (o.text[i] === x.text[i]) i++; console.log('O:', o.text.slice(i - 100, i + 200)); console.log('X:', x.text.slice(i - 100, i + 200)); }
}
console.log(dir);
