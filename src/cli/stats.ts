import type { Library, LibraryStats, SourceStatus } from '../core/library';
import type { Paper } from '../core/model';

export interface CorpusStats {
  /** Publication pages the corpus papers were read from. */
  pages: number;
  /** Entries on those pages (before merging). */
  rawEntries: number;
  papers: number;
  /** Page entries folded into another entry of the same paper. */
  merges: number;
  /** Distinct author names. */
  authors: number;
}

/** Counts of the bundled corpus, from the papers themselves (`custom.sources` lists page entries). */
export function corpusStats(papers: readonly Paper[]): CorpusStats {
  const pages = new Set<string>();
  let rawEntries = 0;
  const authors = new Set<string>();
  for (const p of papers) {
    const src = p.custom?.sources ?? [];
    for (const s of src) pages.add(s.page);
    rawEntries += src.length || 1;
    for (const a of p.author ?? []) {
      const name = (a.literal ?? `${a.family ?? ''}, ${a.given ?? ''}`).normalize('NFKC').toLowerCase().replace(/[\s.]+/g, ' ').trim();
      if (name) authors.add(name);
    }
  }
  return { pages: pages.size, rawEntries, papers: papers.length, merges: rawEntries - papers.length, authors: authors.size };
}

export interface FullStats {
  corpus?: CorpusStats;
  library: LibraryStats & { authors: number };
  sources: SourceStatus[];
}

export function libraryStats(lib: Library, corpus: readonly Paper[] | undefined): FullStats {
  const out: FullStats = { library: { ...lib.stats, authors: corpusStats(lib.papers).authors }, sources: lib.sources };
  if (corpus) out.corpus = corpusStats(corpus);
  return out;
}
