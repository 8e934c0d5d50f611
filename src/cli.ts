// `papercite`: the command line (bundled to dist/cli.js). The bundled corpus sits beside dist/.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from './cli/run';

function version(): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

// A closed pipe (`papercite export | head`) is a normal end, not a crash.
process.stdout.on('error', err => {
  if ((err as NodeJS.ErrnoException).code === 'EPIPE') process.exit(0);
  throw err;
});

/** Names this build: parsed libraries cached by another build are parsed again. */
function buildTag(): string {
  try {
    return createHash('sha1').update(fs.readFileSync(__filename)).digest('hex').slice(0, 16);
  } catch {
    return 'dev';
  }
}

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }, {
  corpusPath: path.resolve(__dirname, '../corpus/papers.json'),
  corpusIndexPath: path.resolve(__dirname, 'corpus.index'),
  cacheTag: buildTag(),
  ...(version() ? { version: version()! } : {}),
}).then(
  code => { process.exitCode = code; },
  err => {
    process.stderr.write(`papercite: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 70;
  },
);
