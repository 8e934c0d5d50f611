// Bundles the extension, the CLI, the corpus-parse worker and the abstract panel's page (for the
// browser), then builds the bundled corpus's search index (dist/corpus.index) with the code just bundled.
//   node esbuild.config.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  metafile: true,
  legalComments: 'none',
};

// The extension and the CLI leave citation-js to dist/citation-js.js, loaded on first use.
const withCitationJs = { define: { PAPERCITE_BUNDLE: 'true' }, external: ['./citation-js.js'] };

/** @type {esbuild.BuildOptions[]} */
const targets = [
  { ...common, ...withCitationJs, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', external: ['vscode', ...withCitationJs.external] },
  { ...common, ...withCitationJs, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  // citation-js, loaded by the two above on first use (src/core/citationJs.ts).
  { ...common, entryPoints: { 'citation-js': 'src/citationJsBundle.ts' }, outdir: 'dist' },
  { ...common, entryPoints: { worker: 'src/worker.ts' }, outdir: 'dist' },
  // The webview page: a classic script loaded with the panel's nonce, not a module.
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: { panel: 'src/webview/panel.ts' }, outdir: 'dist/webview' },
];

// Webview assets from npm packages, copied next to the bundle so a packaged .vsix (which ships
// no node_modules) has them: KaTeX (math in abstracts) and the codicon font.
function copyWebviewAssets() {
  const out = 'dist/webview';
  fs.mkdirSync(out, { recursive: true });
  fs.cpSync('node_modules/katex/dist/katex.min.js', `${out}/katex.min.js`);
  fs.cpSync('node_modules/katex/dist/katex.min.css', `${out}/katex.min.css`);
  fs.cpSync('node_modules/katex/dist/fonts', `${out}/fonts`, { recursive: true });
  fs.cpSync('node_modules/@vscode/codicons/dist/codicon.css', `${out}/codicon.css`);
  fs.cpSync('node_modules/@vscode/codicons/dist/codicon.ttf', `${out}/codicon.ttf`);
}

// Built with the bundled code, so it always matches the search that reads it. The bundle that
// writes it stays out of dist/ (and out of the .vsix).
async function buildCorpusIndex() {
  const script = 'node_modules/.cache/papercite/corpus-index.js';
  await esbuild.build({ ...common, entryPoints: ['src/build/writeCorpusIndex.ts'], outfile: script, sourcemap: false, metafile: false });
  execFileSync(process.execPath, [script, 'corpus/papers.json', 'dist/corpus.index'], { stdio: 'inherit' });
}

function report(result) {
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.map')) continue;
    console.log(`  ${file.padEnd(24)} ${(out.bytes / 1024).toFixed(0).padStart(6)} KiB`);
  }
}

copyWebviewAssets();
if (watch) {
  for (const t of targets) {
    const ctx = await esbuild.context({ ...t, plugins: [{ name: 'log', setup(b) { b.onEnd(r => { if (!r.errors.length) console.log(`[watch] built ${Object.keys(t.entryPoints)[0]}`); }); } }] });
    await ctx.watch();
  }
  console.log('[watch] watching src/ for changes');
} else {
  const t0 = Date.now();
  // Each bundle on its own: a broken one fails the build but does not hide the others' errors.
  const settled = await Promise.allSettled(targets.filter(t => fs.existsSync(Object.values(t.entryPoints)[0])).map(t => esbuild.build(t)));
  for (const s of settled) if (s.status === 'fulfilled') report(s.value);
  if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
  let failed = settled.filter(s => s.status === 'rejected').length;
  try {
    await buildCorpusIndex();
  } catch (err) {
    // The extension indexes the corpus itself when the file is missing.
    console.error(`corpus index: ${err.message}`);
    failed++;
  }
  console.log(`esbuild: ${production ? 'production' : 'development'} build in ${Date.now() - t0} ms${failed ? `, ${failed} bundle(s) failed` : ''}`);
  if (failed) process.exitCode = 1;
}
