// Every command is registered one way (src/extension/registerCommand.ts) under an id from ids.ts,
// and package.json declares exactly the ids meant for menus and the palette.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Commands } from '../../src/extension/ids';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { commands: { command: string; category?: string }[]; menus: { commandPalette: { command: string; when: string }[] } };
};
/** Run by code actions and accepted completions only: not declared. */
const UNDECLARED = new Set<string>([Commands.findPublishedVersion, Commands.replacePreprint, Commands.completionAccepted]);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => e.isDirectory() ? sources(path.join(dir, e.name))
    : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

describe('command ids and registration', () => {
  it('package.json declares every id of ids.ts meant for menus, and no other, each in the PaperCite category', () => {
    const declared = pkg.contributes.commands.map(c => c.command).sort();
    const ids = Object.values(Commands).filter(id => !UNDECLARED.has(id)).sort();
    assert.deepEqual(declared, ids);
    for (const c of pkg.contributes.commands) assert.equal(c.category, 'PaperCite', c.command);
  });

  it('hides the internal state command from the command palette', () => {
    assert.ok(pkg.contributes.menus.commandPalette.some(m => m.command === Commands.getState && m.when === 'false'));
  });

  it('registers commands only through registerCommand, with ids from ids.ts', () => {
    const files = [path.join(ROOT, 'src/extension.ts'), ...sources(path.join(ROOT, 'src/extension'))];
    const direct = files.filter(f => !f.endsWith('registerCommand.ts') && /commands\.registerCommand\(/.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(direct.map(f => path.relative(ROOT, f)), [], 'vscode.commands.registerCommand outside registerCommand.ts');
    const literal = files.filter(f => /registerCommand\(\s*['"`]/.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(literal.map(f => path.relative(ROOT, f)), [], 'a command id written as a literal');
  });
});
