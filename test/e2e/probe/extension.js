// Test-only extension, loaded beside PaperCite by test/e2e/harness.ts: it runs commands in the
// extension host on the harness's request and writes their results back, so tests read state
// (through PaperCite's internal getState command) instead of log wording. Requests are files
// `<id>.req.json` ({command, args?, ifActive?}) in $PAPERCITE_E2E_PROBE_DIR; answers `<id>.res.json`.
'use strict';
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

exports.activate = function activate(context) {
  const dir = process.env.PAPERCITE_E2E_PROBE_DIR;
  if (!dir) return;
  const answer = (id, res) => {
    const tmp = path.join(dir, `${id}.res.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(res));
    fs.renameSync(tmp, path.join(dir, `${id}.res.json`));
  };
  const run = async (id, taken) => {
    let res;
    try {
      const req = JSON.parse(fs.readFileSync(taken, 'utf8'));
      // ifActive: do not activate that extension just by asking (activation is what tests measure).
      const ext = req.ifActive ? vscode.extensions.getExtension(req.ifActive) : undefined;
      if (req.ifActive && !(ext && ext.isActive)) res = { ok: true, inactive: true };
      else res = { ok: true, value: await vscode.commands.executeCommand(req.command, ...(req.args || [])) };
    } catch (err) {
      res = { ok: false, error: String((err && err.stack) || err) };
    }
    try { answer(id, res); } catch { /* the harness is gone */ }
    fs.rmSync(taken, { force: true });
  };
  const poll = () => {
    let names = [];
    try { names = fs.readdirSync(dir); } catch { return; }
    for (const name of names) {
      if (!name.endsWith('.req.json')) continue;
      const id = name.slice(0, -'.req.json'.length);
      const taken = path.join(dir, `${id}.taken`);
      // The rename claims the request: a window being reloaded and its successor never both run it.
      try { fs.renameSync(path.join(dir, name), taken); } catch { continue; }
      void run(id, taken);
    }
  };
  const timer = setInterval(poll, 40);
  context.subscriptions.push({ dispose: () => clearInterval(timer) });
};
