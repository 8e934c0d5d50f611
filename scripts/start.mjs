#!/usr/bin/env node
// `npm start`: builds PaperCite and opens it in a real VS Code (code-server) on the example paper.
//   npm start [-- --port 8080] [-- --fresh]
// The example project is copied to .demo/workspace on first start (your edits there survive later
// starts; --fresh starts over; PAPERCITE_DEMO_DIR moves it). Stop with Ctrl+C.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
const port = opt('--port', process.env.PAPERCITE_PORT || '8080');
const demo = path.resolve(process.env.PAPERCITE_DEMO_DIR || path.join(ROOT, '.demo'));
const ws = path.join(demo, 'workspace');
const t0 = Date.now();
const say = m => console.log(`[papercite start +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

function run(title, cmd, args, extra = {}) {
  say(title);
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...extra });
  if (r.status !== 0) { console.error(`papercite start: ${title} failed (exit ${r.status}).`); process.exit(1); }
}

run('building the extension', process.execPath, ['esbuild.config.mjs']);
run('installing the VS Code host (first time: about a minute; then instant)', 'bash', [path.join(ROOT, 'scripts/vscode-host/install.sh')]);

if (argv.includes('--fresh')) fs.rmSync(demo, { recursive: true, force: true });
if (!fs.existsSync(ws)) {
  fs.mkdirSync(demo, { recursive: true });
  fs.cpSync(path.join(ROOT, 'examples/paper'), ws, { recursive: true });
  say(`example project copied to ${path.relative(ROOT, ws)}`);
}
const settings = path.join(demo, 'settings.json');
fs.writeFileSync(settings, JSON.stringify({ 'workbench.colorTheme': 'Default Light Modern', 'security.workspace.trust.enabled': false }, null, 2));

say('starting VS Code');
const st = spawnSync('bash', [path.join(ROOT, 'scripts/vscode-host/start.sh'), '--workspace', ws, '--extension', ROOT,
  '--user-data-dir', path.join(demo, 'user-data'), '--port', port, '--settings', settings],
{ cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, VSCODE_HOST_EXT_MODE: 'link' } });
if (st.status !== 0) {
  console.error(`papercite start: VS Code did not start. Is port ${port} taken? Try: npm start -- --port 8081`);
  process.exit(1);
}
const host = Object.fromEntries(st.stdout.trim().split('\n').map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).replace(/^'|'$/g, '')]));
const stop = () => {
  spawnSync('bash', [path.join(ROOT, 'scripts/vscode-host/stop.sh'), host.VSCODE_HOST_PID, host.VSCODE_HOST_TMP], { stdio: 'inherit' });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

console.log(`
  PaperCite is running in VS Code at:

      ${host.VSCODE_HOST_URL}

  Open that address in a browser (from another machine: ssh -L ${port}:127.0.0.1:${port} …).
  The example paper is ${path.relative(ROOT, path.join(ws, 'main.tex'))}: type \\citep{abs, or press Ctrl+Alt+C.
  Log: ${host.VSCODE_HOST_LOG}
  Press Ctrl+C to stop.
`);
if (argv.includes('--exit')) stop(); // for scripted checks: start, print, stop
setInterval(() => {}, 1 << 30);
