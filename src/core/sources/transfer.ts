// How a parsed source crosses from the worker to the editor's thread and sits in the cache: as
// lines of JSON (a meta line, then chunks of papers), so the receiver parses one chunk per turn
// of the event loop instead of stalling on one 100 MB JSON.parse. Two things make the lines
// small and the receiver quick:
//  - a BibTeX entry's original text (`custom.bibtex`, half of a big library) is not sent: the
//    paper carries where it is in the file, and the text is read from there when first asked for;
//  - each paper's identity (DOI, arXiv id, normalized title…) is computed in the worker.
import * as fs from 'node:fs';
import type { Paper } from '../model';
import { identityOf, primeIdentity, titleYearKey, type PaperIdentity } from './identity';
import type { ParsedSource } from './types';

export const CHUNK_PAPERS = 2000;

interface Chunk {
  papers: Paper[];
  ids: PaperIdentity[];
  /** Byte spans of `custom.bibtex` in the file, per paper ([-1, -1]: sent inline). */
  spans?: number[];
}

type Meta = Omit<ParsedSource, 'papers' | 'charSpans' | 'byteSpans' | 'timing' | 'indexData'> & { chunks: number; lazyBibtex?: boolean };

/** The lines for a parsed source: meta first, then the chunks. */
export function encodeParsed(parsed: ParsedSource): string[] {
  const { papers, charSpans: _c, byteSpans, timing: _t, indexData: _i, ...rest } = parsed;
  void _c; void _t; void _i;
  const lazy = !!byteSpans && parsed.size !== undefined && parsed.mtimeMs !== undefined;
  const chunks: string[] = [];
  for (let i = 0; i < papers.length; i += CHUNK_PAPERS) {
    const slice = papers.slice(i, i + CHUNK_PAPERS);
    // titleYear is rebuilt from title and year on arrival: no need to send the title twice.
    const chunk: Chunk = { papers: slice, ids: slice.map(p => ({ ...identityOf(p), titleYear: undefined })) };
    if (lazy) {
      chunk.spans = byteSpans!.slice(2 * i, 2 * (i + slice.length));
      chunk.papers = slice.map((p, j) => {
        if (chunk.spans![2 * j]! < 0) return p;
        const { bibtex: _b, ...custom } = p.custom;
        void _b;
        return { ...p, custom };
      });
    }
    chunks.push(JSON.stringify(chunk));
  }
  const meta: Meta = { ...rest, chunks: chunks.length, ...(lazy ? { lazyBibtex: true } : {}) };
  return [JSON.stringify(meta), ...chunks];
}

/** Rebuilds a parsed source from its lines, one chunk at a time (`feed`), then `finish`. */
export class ParsedDecoder {
  private meta: Meta | undefined;
  private readonly papers: Paper[] = [];
  private reader: BibtexReader | undefined;

  feed(line: string): void {
    if (!this.meta) {
      this.meta = JSON.parse(line) as Meta;
      if (this.meta.lazyBibtex) this.reader = new BibtexReader(this.meta.path, this.meta.size!, this.meta.mtimeMs!);
      return;
    }
    const chunk = JSON.parse(line) as Chunk;
    chunk.papers.forEach((p, i) => {
      const id = chunk.ids[i]!;
      if (id.title) {
        const ty = titleYearKey(id.title, id.year);
        if (ty) id.titleYear = ty;
      }
      primeIdentity(p, id);
      const s = chunk.spans?.[2 * i];
      if (this.reader && s !== undefined && s >= 0) this.reader.attach(p, s, chunk.spans![2 * i + 1]!);
      this.papers.push(p);
    });
  }

  finish(fromCache: boolean): ParsedSource {
    if (!this.meta) throw new Error('no parsed source received');
    const { chunks: _n, lazyBibtex: _l, ...rest } = this.meta;
    void _n; void _l;
    const parsed: ParsedSource = { ...rest, papers: this.papers };
    if (fromCache) parsed.fromCache = true;
    return parsed;
  }
}

export function decodeParsed(lines: readonly string[], fromCache: boolean): ParsedSource {
  const d = new ParsedDecoder();
  for (const l of lines) if (l) d.feed(l);
  return d.finish(fromCache);
}

/**
 * Reads a paper's original BibTeX from its file when first asked for. The file must still be the
 * one parsed (same size and mtime); if it changed, the text is unknown until it is re-read (the
 * watcher does that), and export falls back to generating BibTeX from the fields.
 */
class BibtexReader {
  constructor(private readonly file: string, private readonly size: number, private readonly mtimeMs: number) {}

  attach(p: Paper, start: number, end: number): void {
    const reader = this;
    Object.defineProperty(p.custom, 'bibtex', {
      configurable: true,
      // Not enumerable: copying or serializing a paper must not read 73k entries from disk.
      enumerable: false,
      get(this: Paper['custom']) {
        const text = reader.read(start, end);
        if (text !== undefined) Object.defineProperty(this, 'bibtex', { value: text, writable: true, enumerable: false, configurable: true });
        return text;
      },
      set(this: Paper['custom'], v: unknown) {
        Object.defineProperty(this, 'bibtex', { value: v, writable: true, enumerable: true, configurable: true });
      },
    });
  }

  read(start: number, end: number): string | undefined {
    let fd: number | undefined;
    try {
      fd = fs.openSync(this.file, 'r');
      const st = fs.fstatSync(fd);
      if (st.size !== this.size || st.mtimeMs !== this.mtimeMs) return undefined;
      const buf = Buffer.alloc(end - start);
      fs.readSync(fd, buf, 0, buf.length, start);
      const text = buf.toString('utf8');
      return text.startsWith('@') ? text : undefined;
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
}
