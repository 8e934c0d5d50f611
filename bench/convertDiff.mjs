// The BibTeX reader and the entry → paper conversion of this work tree against those of a git
// revision: the same entries, problems and papers (JSON of each) for the whole Anthology, the
// shared .bib files and the test fixtures, the same decoding of random LaTeX and name lists; then
// the CPU time of both on the Anthology, each in its own processes, alternating.
//
//   node bench/convertDiff.mjs [rev=main] [--rounds N] [--no-time]
//
// Both versions are bundled with esbuild into the temp folder; the Anthology is unpacked as
// `npm run bench` does. Exits 1 on any difference.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import { createRequire } from 'node:module';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = path.resolve(ROOT, '../shared/testdata/bib');
const args = process.argv.slice(2);
const rev = args.find(a => !a.startsWith('--') && !/^\d+$/.test(a)) ?? 'main';
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 3;
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-convert-'));
const require = createRequire(import.meta.url);

async function bundle(srcDir, out) {
  const entry = path.join(TMP, `${path.basename(out, '.js')}-entry.ts`);
  fs.writeFileSync(entry, [
    `export { parseBibtex } from ${JSON.stringify(`${srcDir}/core/bibtex/parse`)};`,
    `export { bibEntryToPaper, parseNames } from ${JSON.stringify(`${srcDir}/core/bibtex/toCsl`)};`,
    `export { latexToUnicode } from ${JSON.stringify(`${srcDir}/core/bibtex/latex`)};`,
  ].join('\n'));
  await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'error' });
  return out;
}

const oldSrc = path.join(TMP, 'old');
fs.mkdirSync(oldSrc);
execFileSync('sh', ['-c', `git -C ${JSON.stringify(ROOT)} archive ${rev} src | tar -x -C ${JSON.stringify(oldSrc)}`]);
const oldJs = await bundle(path.join(oldSrc, 'src'), path.join(TMP, 'old.js'));
const newJs = await bundle(path.join(ROOT, 'src'), path.join(TMP, 'new.js'));
const A = require(oldJs), B = require(newJs);

const anthology = path.join(os.tmpdir(), 'papercite-bench', 'anthology+abstracts.bib');
if (!fs.existsSync(anthology) && fs.existsSync(`${path.join(SHARED, 'anthology+abstracts.bib.gz')}`)) {
  fs.mkdirSync(path.dirname(anthology), { recursive: true });
  fs.writeFileSync(anthology, zlib.gunzipSync(fs.readFileSync(path.join(SHARED, 'anthology+abstracts.bib.gz'))));
}

// 1. Files: entries, problems and papers.
const files = [];
const walk = d => { if (fs.existsSync(d)) for (const f of fs.readdirSync(d)) { const p = path.join(d, f); if (fs.statSync(p).isDirectory()) walk(p); else if (/\.bib(\.gz)?$/.test(f)) files.push(p); } };
walk(SHARED);
walk(path.join(ROOT, 'test/fixtures'));
let bad = 0, compared = 0;
const report = (what, a, b) => { if (bad++ < 10) console.log(`DIFF ${what}\n  ${rev}: ${a.slice(0, 400)}\n  here: ${b.slice(0, 400)}`); };
for (const f of files) {
  const text = f.endsWith('.gz') ? zlib.gunzipSync(fs.readFileSync(f)).toString('utf8') : fs.readFileSync(f, 'utf8');
  const ra = A.parseBibtex(text, f), rb = B.parseBibtex(text, f);
  const ma = JSON.stringify({ ...ra, entries: ra.entries.length }), mb = JSON.stringify({ ...rb, entries: rb.entries.length });
  if (ma !== mb) { report(`${f}: problems, strings or preambles`, ma, mb); continue; }
  for (let i = 0; i < ra.entries.length; i++) {
    compared++;
    const ea = JSON.stringify(ra.entries[i]), eb = JSON.stringify(rb.entries[i]);
    if (ea !== eb) report(`${f}: entry ${i}`, ea, eb);
    const pa = JSON.stringify(A.bibEntryToPaper(ra.entries[i], f)), pb = JSON.stringify(B.bibEntryToPaper(rb.entries[i], f));
    if (pa !== pb) report(`${f}: paper ${i}`, pa, pb);
  }
}
console.log(`${files.length} files, ${compared} entries and papers compared`);

// 2. Random strings from the characters the decoder and the name reader treat specially.
let seed = 12345;
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = xs => xs[Math.floor(rnd() * xs.length)];
const atoms = ['a', 'b', 'Z', 'é', 'ł', ' ', '  ', '-', '--', '---', "'", "''", '`', '``', '~', '\\', '{', '}', '$', '$$', '^', '_',
  '\t', '\n', '\r', '\u00a0', '\u2009', '\u3000', '\ufeff', '\u2028', '\u1680', '\u202f', '\u0301', 'and', ' and ', ' AND ', ',', ', ',
  'others', 'et al.', 'van', 'der', 'Jr.', "\\'", '\\"', '\\v', '\\c', '\\ss', '\\i', '\\emph', '\\url', '\\href', '\\textsuperscript',
  '\\&', '\\%', '\\ ', '\\\\', '\\alpha', '\\x', '{\\em ', '\\~', 'ı', '😀', '\x00', '\x7f', '\x0b', '.', '1', '2'];
const plainNames = ['Smith, John', ' Doe, J. ', 'John Smith', 'van Berg, Jan', 'Ab, ', ', Cd', 'A, B, C', 'others', 'et al', ' ', 'Müller, Jörg', 'a,b'];
const N = 200_000;
for (let k = 0; k < N; k++) {
  let s = '';
  for (let j = 1 + Math.floor(rnd() * 12); j > 0; j--) s += pick(atoms);
  for (const keepMath of [false, true]) {
    const a = A.latexToUnicode(s, { keepMath }), b = B.latexToUnicode(s, { keepMath });
    if (a !== b) report(`latexToUnicode(${JSON.stringify(s)}, keepMath ${keepMath})`, JSON.stringify(a), JSON.stringify(b));
  }
  const parts = [];
  for (let j = 1 + Math.floor(rnd() * 5); j > 0; j--) parts.push(pick(plainNames));
  for (const v of [s, parts.join(pick([' and ', '  and ', ' AND ', ' and', 'and ']))]) {
    const a = JSON.stringify(A.parseNames(v)), b = JSON.stringify(B.parseNames(v));
    if (a !== b) report(`parseNames(${JSON.stringify(v)})`, a, b);
  }
}
console.log(`${N} random strings compared`);
console.log(bad ? `FAIL: ${bad} differences` : 'OK: the same output');
if (bad) process.exit(1);

// 3. CPU time on the Anthology (process.cpuUsage, all threads), processes alternating.
if (args.includes('--no-time') || !fs.existsSync(anthology)) process.exit(0);
const timer = path.join(TMP, 'time.js');
fs.writeFileSync(timer, `
const m = require(process.argv[2]);
const text = require('fs').readFileSync(${JSON.stringify(anthology)}, 'utf8');
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const P = [], C = [];
for (let r = 0; r < 3; r++) {
  let t = cpu(); let res = m.parseBibtex(text, 'a.bib'); P.push(cpu() - t);
  t = cpu(); let papers = res.entries.map(e => m.bibEntryToPaper(e, 'a.bib')); C.push(cpu() - t);
  res = papers = undefined;
}
console.log(JSON.stringify({ P, C }));`);
const runs = { [rev]: { P: [], C: [], first: [] }, here: { P: [], C: [], first: [] } };
for (let r = 0; r < rounds; r++) {
  for (const [name, js] of [[rev, oldJs], ['here', newJs]]) {
    const { P, C } = JSON.parse(execFileSync(process.execPath, [timer, js], { encoding: 'utf8' }));
    runs[name].P.push(...P); runs[name].C.push(...C); runs[name].first.push(C[0]);
  }
}
const min = xs => Math.min(...xs).toFixed(0);
console.log(`CPU ms, min of ${rounds * 3} runs (${rounds} processes × 3; "first": the first conversion in a process, min over processes)`);
for (const [name, r] of Object.entries(runs)) console.log(`  ${name.padEnd(10)} parse ${min(r.P).padStart(5)}   entries → papers ${min(r.C).padStart(5)} (first ${min(r.first)})`);
fs.rmSync(TMP, { recursive: true, force: true });
