#!/usr/bin/env node
// `npm test`: type check, unit tests (mocha), then end-to-end tests in a real VS Code (code-server
// driven by Chromium). Prints one closing line: "tests: N passed, N failed, N skipped".
//   node scripts/test.mjs [--only unit|e2e] [-- mocha args…]
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
const extra = argv.includes('--') ? argv.slice(argv.indexOf('--') + 1) : [];
const totals = { passed: 0, failed: 0, skipped: 0 };
const t0 = Date.now();
let ok = true;

function step(title, cmd, args, opts = {}) {
  console.log(`\n=== ${title}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.status !== 0) { console.error(`=== ${title} failed (exit ${r.status ?? r.signal})`); ok = false; }
  return r.status === 0;
}

/** Runs mocha, echoing its output, and adds its "N passing / N failing / N pending" to the totals. */
function mocha(title, args) {
  console.log(`\n=== ${title}: mocha ${args.join(' ')}`);
  return new Promise(resolve => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/mocha/bin/mocha.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', d => { process.stdout.write(d); out += d; });
    child.on('close', code => {
      const n = re => Number((out.match(re) || [])[1] || 0);
      const passed = n(/^\s*(\d+) passing/m), failed = n(/^\s*(\d+) failing/m), pending = n(/^\s*(\d+) pending/m);
      totals.passed += passed; totals.failed += failed; totals.skipped += pending;
      if (code !== 0) { ok = false; if (failed === 0) { totals.failed += 1; console.error(`=== ${title} exited ${code}`); } }
      resolve(code === 0);
    });
  });
}

if (!only || only === 'unit') {
  step('build', process.execPath, ['esbuild.config.mjs']);
  step('typecheck', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
  step('typecheck (webview page)', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'src/webview']);
  await mocha('unit tests', extra.some(a => a.endsWith('.ts')) ? extra : ['test/unit/**/*.test.ts', ...extra]);
}
if (!only || only === 'e2e') {
  if (!only) { /* build already done */ } else step('build', process.execPath, ['esbuild.config.mjs']);
  if (step('VS Code host', 'bash', [path.join(ROOT, 'scripts/vscode-host/install.sh')])) {
    await mocha('end-to-end tests (real VS Code)', ['--config', 'test/e2e/.mocharc.json', ...(extra.some(a => a.endsWith('.ts')) ? extra : ['test/e2e/**/*.e2e.ts', ...extra])]);
  } else totals.failed += 1;
}

console.log(`\nPaperCite ${only ?? 'all'} tests took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
