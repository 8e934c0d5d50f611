// Temporary folders for tests: files written from texts, and the parse worker as shipped
// (dist/worker.js, bundled from today's sources into the folder).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { SourceParser, type SourceParserOptions } from '../../src/core/sources/workerClient';

const ROOT = path.resolve(__dirname, '../..');

/** A new folder holding `files` (name → text); `paths` in the order given. */
export function tmpFiles(prefix: string, files: Record<string, string> = {}): { dir: string; paths: string[]; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const paths = Object.entries(files).map(([name, text]) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  });
  return { dir, paths, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The parse worker bundled into a new folder, with a parser using it (cache in the folder). */
export function workerParser(prefix: string, opts: Partial<SourceParserOptions> = {}): { dir: string; workerFile: string; parser: SourceParser; dispose(): void } {
  const { dir, remove } = tmpFiles(prefix);
  const workerFile = path.join(dir, 'worker.js');
  buildSync({ entryPoints: [path.join(ROOT, 'src/worker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: workerFile, logLevel: 'error' });
  const parser = new SourceParser({ workerFile, cacheDir: path.join(dir, 'cache'), ...opts });
  return { dir, workerFile, parser, dispose: () => { parser.dispose(); remove(); } };
}
