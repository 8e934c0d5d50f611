// Where a bibliography a document names (`\addbibresource{…}`, `bibliography:`) may be read from.
// A workspace may come from anyone: untrusted, only files inside its folders are read (a document
// naming `/etc/passwd` or `../../.ssh/id_rsa` gets nothing). Trusted, the name resolves as TeX
// resolves it: beside the document, in the workspace folder, as an absolute path, then on the TeX
// search path (`BIBINPUTS`, `~/texmf/bibtex/bib`, `kpsewhich`), where many keep one global `.bib`.
import * as path from 'node:path';

export interface BibPathPolicy {
  /** Absolute paths of the workspace folders. */
  folders: readonly string[];
  trusted: boolean;
  exists: (p: string) => boolean;
  /** The real path of an existing file (symbolic links followed); the path itself if unknown. */
  realpath?: (p: string) => string;
  /** Trusted only: directories of `BIBINPUTS` and `~/texmf/bibtex/bib`, searched in order. */
  searchDirs?: readonly string[];
  /** Trusted only: `kpsewhich name` (undefined when absent or not found). */
  kpsewhich?: (name: string) => string | undefined;
}

export type BibResolution = { path: string } | { refused: string; path: string };

/** Is `p` inside one of `folders` (or one of them)? */
export function insideFolders(p: string, folders: readonly string[]): boolean {
  // URI paths (`/c:/x` included) are POSIX; file system paths are the platform's.
  const P = p.startsWith('/') ? path.posix : path;
  return folders.some(f => {
    const rel = P.relative(f, p);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

/** `BIBINPUTS` (path-list separated, `//` and empty entries ignored) and `~/texmf/bibtex/bib`. */
export function texSearchDirs(env: Record<string, string | undefined>, home: string): string[] {
  const dirs: string[] = [];
  for (const d of (env.BIBINPUTS ?? '').split(path.delimiter)) {
    const t = d.trim().replace(/\/\/+$/, '');
    if (t) dirs.push(t.replace(/^~(?=$|[\\/])/, home));
  }
  dirs.push(path.join(home, 'texmf', 'bibtex', 'bib'));
  return dirs;
}

/** The file a bibliography `name` in a document in `docDir` stands for, or why it is not read. */
export function resolveBibName(name: string, docDir: string, policy: BibPathPolicy): BibResolution {
  const n = name;
  const folder = policy.folders.find(f => insideFolders(docDir, [f]));
  const P = docDir.startsWith('/') ? path.posix : path;
  const local = [P.resolve(docDir, n), ...(folder ? [P.resolve(folder, n)] : [])];
  const found = local.find(c => policy.exists(c));
  if (!policy.trusted) {
    const p = found ?? local[0]!;
    const real = found && policy.realpath ? policy.realpath(found) : p;
    if (!insideFolders(p, policy.folders) || !insideFolders(real, policy.folders)) {
      return { path: p, refused: `${name} is outside the workspace folders, and this workspace is not trusted; trust the workspace to read it` };
    }
    return { path: p };
  }
  if (found) return { path: found };
  if (!path.isAbsolute(n) && !n.includes('..')) {
    for (const d of policy.searchDirs ?? []) {
      const c = path.resolve(d, n);
      if (policy.exists(c)) return { path: c };
    }
    const k = policy.kpsewhich?.(n);
    if (k && policy.exists(k)) return { path: k };
  }
  return { path: local[0]! };
}
