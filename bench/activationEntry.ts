// One "activation" in a fresh process, on the extension's own code path without VS Code (bundled
// and run by bench/activation.ts): the bundled corpus read with its prebuilt index, and, given a
// library file, that library read through the parse worker and its cache, until the first
// completion list for a query is made. Prints one JSON line.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCorpusIndex } from '../src/core/corpusIndex';
import { corpusSource, Library, PreparedSource } from '../src/core/library';
import { SourceParser } from '../src/core/sources/workerClient';
import { rankPapers } from '../src/extension/cite/rank';

const t0 = performance.now();
const [root = '.', library, cacheDir, query = 'zhao'] = process.argv.slice(2);
const since = () => Math.round((performance.now() - t0) * 10) / 10;

// As the extension does: the parse worker starts at activation, while the corpus is read and the
// workspace searched.
const parser = library ? new SourceParser({ workerFile: path.join(root, 'dist/worker.js'), cacheDir: cacheDir! }) : undefined;
parser?.warmUp();
const text = fs.readFileSync(path.join(root, 'corpus/papers.json'), 'utf8');
const indexData = readCorpusIndex(text, path.join(root, 'dist/corpus.index'));
async function main(): Promise<void> {
  const lib = new Library();
  await lib.add(corpusSource(JSON.parse(text), 0, indexData));
  const corpusSearchableMs = since();
  const corpusFirstList = rankPapers(lib, query, { limit: 50 });
  const corpusFirstListMs = since();
  const out: Record<string, unknown> = { prebuiltIndex: !!indexData, corpusSearchableMs, corpusFirstListMs, corpusFirstHit: corpusFirstList[0]?.id };

  if (!library || !parser) {
    console.log(JSON.stringify(out));
  } else {
    let answered = false;
    const answer = (how: string) => {
      if (answered) return;
      answered = true;
      out.librarySearchableMs = since();
      // What the process had done by then: page faults (memory touched for the first time, 4 KB
      // each) and CPU time in the kernel and in JavaScript, all threads.
      const ru = process.resourceUsage();
      out.pageFaults = ru.minorPageFault + ru.majorPageFault;
      out.kernelMs = Math.round(ru.systemCPUTime / 1000);
      out.userMs = Math.round(ru.userCPUTime / 1000);
      const list = rankPapers(lib, query, { limit: 50 });
      out.libraryFirstListMs = since();
      out.libraryFirstHit = list[0]?.id;
      out.how = how;
    };
    const tRequest = since();
    out.libraryRequestedMs = tRequest;
    void parser.parse(library, undefined, undefined, s => {
      lib.put(PreparedSource.searchable(s));
      if (s.part) {
        // A cold read: the first part of the file, searchable while the rest is parsed.
        if (out.firstPartMs === undefined) {
          out.firstPartMs = since();
          out.firstPartSinceRequestMs = Math.round(s.sinceRequestMs * 10) / 10;
          out.firstPartEntries = s.rows.length;
          // A paper from the middle of the part, asked for by its key's words as a user would type them.
          const p = s.rows.at(Math.floor(s.rows.length / 2))!;
          const query = p.id.split(/[^A-Za-z0-9]+/).filter(Boolean).join(' ');
          out.firstPartFound = rankPapers(lib, query, { limit: 5 }).some(x => x.id === p.id);
        }
        return;
      }
      answer('searchable before decoded');
    }).then(parsed => {
      lib.put(parsed);
      answer('decoded');
      out.libraryEntries = parsed.papers.length;
      out.fromCache = !!parsed.fromCache;
      out.libraryDecodedMs = since();
      console.log(JSON.stringify(out));
      parser.dispose();
    });
  }
}

void main();
