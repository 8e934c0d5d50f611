// The bundled corpus's search index, built with the extension (dist/corpus.index) so activation
// reads it instead of indexing the corpus on the editor's thread. Keyed by a hash of papers.json:
// an index built for other papers is never used.
import { createHash } from 'node:crypto';
import type { Paper } from './model';
import { buildIndexData, type SearchIndexData } from './search';
import { readIndexFile, writeIndexFile, type CacheKey, type OnDamage } from './sources/cache';
import { CORPUS_SOURCE_ID } from './sources/types';

function keyOf(papersJson: string): { key: CacheKey; tag: string } {
  return {
    key: { path: CORPUS_SOURCE_ID, size: Buffer.byteLength(papersJson), changedMs: 0 },
    tag: createHash('sha1').update(papersJson).digest('hex').slice(0, 16),
  };
}

/** Builds the index of papers.json's text and writes it to `file`; returns why not, if it failed. */
export function writeCorpusIndex(papersJson: string, file: string): string | undefined {
  const papers = JSON.parse(papersJson) as Paper[];
  const { key, tag } = keyOf(papersJson);
  return writeIndexFile(file, key, tag, buildIndexData(papers));
}

/** The prebuilt index for exactly this papers.json text, or undefined (missing, stale, damaged). */
export function readCorpusIndex(papersJson: string, file: string, onDamage?: OnDamage): SearchIndexData | undefined {
  const { key, tag } = keyOf(papersJson);
  return readIndexFile(file, key, tag, onDamage);
}
