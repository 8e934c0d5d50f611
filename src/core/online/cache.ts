// The answer cache: lookups by identifier kept 30 days, searches one day; in memory, and on disk when
// a directory is given. Each file carries a SHA-256 of its content: a damaged file is discarded.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HttpResponse } from './types';

export const LOOKUP_TTL_MS = 30 * 86_400_000;
export const SEARCH_TTL_MS = 86_400_000;
const MEMORY_MAX = 500;

interface Stored { key: string; time: number; res: HttpResponse }

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class AnswerCache {
  private readonly memory = new Map<string, Stored>();

  constructor(private readonly dir: string | undefined, private readonly now: () => number = Date.now) {}

  private file(key: string): string {
    return path.join(this.dir!, `${sha256(key).slice(0, 40)}.json`);
  }

  get(key: string, maxAgeMs: number): HttpResponse | undefined {
    let hit = this.memory.get(key);
    if (!hit && this.dir) {
      hit = this.readFile(key);
      if (hit) this.remember(hit);
    }
    if (!hit || this.now() - hit.time > maxAgeMs || hit.time > this.now() + 60_000) return undefined;
    return hit.res;
  }

  set(key: string, res: HttpResponse): void {
    const stored: Stored = { key, time: this.now(), res: { status: res.status, headers: pick(res.headers), body: res.body } };
    this.remember(stored);
    if (!this.dir) return;
    const payload = JSON.stringify(stored);
    const file = this.file(key);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(tmp, `${JSON.stringify({ sum: sha256(payload), payload })}\n`);
      fs.renameSync(tmp, file);
    } catch {
      // A cache that cannot be written only costs a request next time.
      try { fs.rmSync(tmp, { force: true }); } catch { /* nothing left to do */ }
    }
  }

  private remember(s: Stored): void {
    this.memory.delete(s.key);
    this.memory.set(s.key, s);
    if (this.memory.size > MEMORY_MAX) this.memory.delete(this.memory.keys().next().value!);
  }

  /** The stored answer, or undefined when absent, damaged (checksum) or for another key. */
  private readFile(key: string): Stored | undefined {
    const file = this.file(key);
    let text: string;
    try { text = fs.readFileSync(file, 'utf8'); } catch { return undefined; }
    try {
      const o = JSON.parse(text) as { sum?: unknown; payload?: unknown };
      if (typeof o.payload !== 'string' || o.sum !== sha256(o.payload)) throw new Error('checksum');
      const s = JSON.parse(o.payload) as Stored;
      if (s.key !== key || typeof s.time !== 'number' || typeof s.res?.body !== 'string' || typeof s.res.status !== 'number') throw new Error('shape');
      return s;
    } catch {
      try { fs.rmSync(file, { force: true }); } catch { /* read-only cache: ignore */ }
      return undefined;
    }
  }
}

/** Only the headers the parsers read. */
function pick(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['content-type', 'location']) if (h[k] !== undefined) out[k] = h[k]!;
  return out;
}
