/** Command-line arguments of `papercite`, parsed without dependencies. */
export interface CliArgs {
  command: string | undefined;
  positional: string[];
  libraries: string[];
  noCorpus: boolean;
  json: boolean;
  stdin: boolean;
  help: boolean;
  version: boolean;
  limit: number | undefined;
  format: string | undefined;
  output: string | undefined;
  encoding: string | undefined;
  progress: boolean | undefined;
  noCache: boolean;
  /** Say on stderr where each big library came from (parsed or the cache) and how long it took. */
  verbose: boolean;
  /** search: also ask the online providers. */
  online: boolean;
  /** --provider NAME (repeatable): only these online providers. */
  providers: string[];
  /** add: the .bib to append to. */
  bib: string | undefined;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const WITH_VALUE = new Set(['--library', '--limit', '--format', '--output', '--encoding', '--provider', '--bib']);
const FLAGS = new Set(['--online', '--json', '--stdin', '--no-corpus', '--no-cache', '--help', '--version', '--progress', '--no-progress', '--verbose']);
const SHORT: Record<string, string> = { '-h': '--help', '-l': '--library', '-n': '--limit', '-f': '--format', '-o': '--output', '-V': '--version' };

export function parseArgs(argv: readonly string[]): CliArgs {
  const a: CliArgs = { command: undefined, positional: [], libraries: [], noCorpus: false, json: false, stdin: false, help: false, version: false, limit: undefined, format: undefined, output: undefined, encoding: undefined, progress: undefined, noCache: false, verbose: false, online: false, providers: [], bib: undefined };
  let rest = false;
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    if (rest || arg === '-' || !arg.startsWith('-')) {
      if (a.command === undefined) a.command = arg;
      else a.positional.push(arg);
      continue;
    }
    if (arg === '--') { rest = true; continue; }
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    arg = SHORT[arg] ?? arg;
    if (WITH_VALUE.has(arg)) {
      if (value === undefined) {
        value = argv[++i];
        if (value === undefined) throw new UsageError(`${arg} needs a value`);
      }
      switch (arg) {
        case '--library': a.libraries.push(value); break;
        case '--format': a.format = value; break;
        case '--output': a.output = value; break;
        case '--provider': a.providers.push(value); break;
        case '--bib': a.bib = value; break;
        case '--encoding':
          if (!['auto', 'utf8', 'ascii'].includes(value)) throw new UsageError(`--encoding must be auto, utf8 or ascii, not "${value}"`);
          a.encoding = value;
          break;
        case '--limit': {
          const n = Number(value);
          if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit must be a positive whole number, not "${value}"`);
          a.limit = n;
          break;
        }
      }
      continue;
    }
    if (!FLAGS.has(arg)) throw new UsageError(`unknown option ${arg}`);
    if (value !== undefined) throw new UsageError(`${arg} takes no value`);
    switch (arg) {
      case '--json': a.json = true; break;
      case '--online': a.online = true; break;
      case '--stdin': a.stdin = true; break;
      case '--no-corpus': a.noCorpus = true; break;
      case '--no-cache': a.noCache = true; break;
      case '--verbose': a.verbose = true; break;
      case '--help': a.help = true; break;
      case '--version': a.version = true; break;
      case '--progress': a.progress = true; break;
      case '--no-progress': a.progress = false; break;
    }
  }
  return a;
}

export const HELP: Record<string, string> = {
  main: `papercite: search, show and export research papers (the bundled corpus and your libraries)

Usage:
  papercite search QUERY [--limit N] [--json]   search titles, authors, abstracts (typos welcome)
  papercite search --stdin [--limit N]          one JSON array per query line read from stdin
  papercite show KEY [--json]                   one paper in full
  papercite export [--format F] [KEY…]          bibtex (default), csl-json or ris; all papers without keys
  papercite stats [--json]                      corpus and library counts, per-source problems
  papercite search QUERY --online [--provider NAME]…   also search arXiv, DBLP, Crossref, Semantic Scholar, OpenAlex
  papercite lookup ID [--format F] [--json]     one paper by DOI, arXiv id or paper URL, from the online providers
  papercite add ID --bib FILE                   append that paper's BibTeX entry to FILE (never twice)

Options for every command:
  --library PATH   a library to read as well: .bib, CSL-JSON (.json) or a publication page (repeatable)
  --no-corpus      leave the bundled corpus out
  --no-cache       parse big libraries afresh and rewrite their cache (kept in $PAPERCITE_CACHE_DIR,
                   else $XDG_CACHE_HOME/papercite or ~/.cache/papercite)
  --verbose        say on standard error whether each big library and its search index were read
                   from the cache or parsed and built, and how long that took
  --help           help for a command, e.g. papercite search --help
  --version        print the version

Online commands send only the query or identifier to the providers (see the README's privacy
statement). Endpoints: PAPERCITE_ARXIV_URL, PAPERCITE_DBLP_URL, PAPERCITE_CROSSREF_URL,
PAPERCITE_DOI_URL, PAPERCITE_S2_URL, PAPERCITE_OPENALEX_URL; PAPERCITE_MAILTO (Crossref's polite
pool, OpenAlex), PAPERCITE_S2_KEY, PAPERCITE_OPENALEX_KEY.

Exit codes: 0 ok, 1 an error (unknown key, a library with errors: messages name file and line), 2 bad usage,
3 no online provider could answer (offline, unreachable, rate limited).`,
  search: `papercite search QUERY [--limit N] [--json] [--library PATH]… [--no-corpus]
papercite search --stdin [--limit N] [--library PATH]… [--no-corpus]

Searches titles and authors (ranked first), years and abstracts; tolerant of typos.
  --limit N   at most N results (default 10; per provider with --online)
  --online    also search the online providers; one section per provider, papers already in
              your libraries marked [in library]
  --provider NAME  only this provider (repeatable): arxiv, dblp, crossref, semanticscholar, openalex
  --json      print a JSON array of CSL-JSON items, best first
  --stdin     read one query per line from standard input and answer each with one line: a JSON
              array of CSL-JSON items. A line may also be a JSON object {"query": "…", "limit": 5}.
              Libraries are read once, so this serves other editors and scripts as a search service.`,
  show: `papercite show KEY [--json] [--library PATH]… [--no-corpus]

Prints one paper: title, authors, date, venue, identifiers, abstract and where it was read from.
  --json   print the CSL-JSON item`,
  export: `papercite export [--format bibtex|csl-json|ris] [--encoding auto|utf8|ascii] [--output FILE] [KEY…] [--library PATH]… [--no-corpus]

Exports the named papers, or all papers when no key is given.
  --format F      bibtex (default), csl-json or ris
  --encoding E    BibTeX text: utf8 (characters as they are, for biber, xelatex, lualatex), ascii
                  (LaTeX commands for accents and symbols; what has none stays UTF-8, with a note),
                  or auto (default: utf8 when a .tex in the current folder loads fontspec or names
                  xelatex/lualatex, or a latexmkrc there picks one; else ascii)
  --output FILE   write to FILE instead of standard output
Keys bibtex or biber would reject are replaced by PaperCite keys; the renames go to standard error.`,
  lookup: `papercite lookup ID [--format bibtex|csl-json|ris] [--json] [--provider NAME]…

Resolves a DOI (10.…, doi:…, https://doi.org/…), an arXiv id (2304.05376, hep-th/9901001, with or
without version) or an arXiv, DBLP, ACL Anthology, Semantic Scholar or OpenAlex URL.
  --format F  bibtex (the authoritative entry: DBLP or the publisher via Crossref for a published
              paper, arXiv's form for a preprint), csl-json or ris
  --json      the record as JSON: paper (CSL-JSON), provider, ids, url`,
  add: `papercite add ID --bib FILE [--provider NAME]…

Looks ID up (as papercite lookup) and appends its authoritative BibTeX entry to FILE with a key unique
in FILE. Nothing is written when FILE already holds the paper (same DOI, arXiv id, or title with
author or year); FILE is created when missing. A file that is not UTF-8, read-only, or ends in an
unclosed entry is refused, never rewritten.`,
  stats: `papercite stats [--json] [--library PATH]… [--no-corpus]

Counts: publication pages, raw page entries, papers, merged duplicates and authors of the bundled
corpus; with libraries, each source's entries, merges, parse time and problems.`,
};
