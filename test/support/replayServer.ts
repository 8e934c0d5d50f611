// Replays the recorded API answers of ../shared/testdata/api on 127.0.0.1 (port 0) for tests: a request
// is matched by provider, path and its identifying query parameters to a recording, which is answered
// with its status, content type and body. Anything unrecorded gets a 404 JSON. Started and stopped by
// the tests themselves.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { ProviderName } from '../../src/core/online/types';

export const API_DIR = path.resolve(__dirname, '../../../shared/testdata/api');

type Prefix = ProviderName | 'doi';
const HOSTS: Record<string, Prefix> = {
  'export.arxiv.org': 'arxiv', 'arxiv.org': 'arxiv', 'dblp.org': 'dblp', 'dblp.uni-trier.de': 'dblp',
  'api.crossref.org': 'crossref', 'doi.org': 'doi', 'dx.doi.org': 'doi', 'api.semanticscholar.org': 'semanticscholar',
  'api.openalex.org': 'openalex',
};
const PREFIXES: Prefix[] = ['arxiv', 'dblp', 'crossref', 'doi', 'semanticscholar', 'openalex'];

/** Parameters that page, shape or authenticate a request without saying what it asks for. */
const NOT_IDENTIFYING = new Set(['mailto', 'api_key', 'rows', 'limit', 'per_page', 'page', 'fields', 'select', 'start', 'max_results', 'offset', 'f', 'h', 'c', 'format', 'sortby', 'sortorder']);

const TYPES: Record<string, string> = { '.xml': 'application/atom+xml; charset=utf-8', '.json': 'application/json', '.bib': 'application/x-bibtex; charset=utf-8', '.html': 'text/html; charset=utf-8', '.txt': 'text/plain' };

interface Recording { file: string; status: number; contentType: string; headers: Record<string, string>; params: string; }

function decode(s: string): string {
  try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return s; }
}

/** `prefix path?identifying params`, lower case; also the full-parameter form used to break ties. */
export function requestKey(prefix: string, rawPath: string): { key: string; params: string } {
  const q = rawPath.indexOf('?');
  const p = decode(q < 0 ? rawPath : rawPath.slice(0, q)).toLowerCase().replace(/\/+$/, '');
  const pairs = (q < 0 ? '' : rawPath.slice(q + 1)).split('&').filter(Boolean).map(kv => {
    const eq = kv.indexOf('=');
    return [decode(eq < 0 ? kv : kv.slice(0, eq)).toLowerCase(), decode(eq < 0 ? '' : kv.slice(eq + 1)).toLowerCase().replace(/\s+/g, ' ').trim()] as const;
  });
  const ident = pairs.filter(([k, v]) => v !== '' && !NOT_IDENTIFYING.has(k)).map(([k, v]) => `${k}=${v}`).sort();
  const all = pairs.filter(([, v]) => v !== '').map(([k, v]) => `${k}=${v}`).sort();
  return { key: `${prefix} ${p}?${ident.join('&')}`, params: all.join('&') };
}

function load(dir: string): Map<string, Recording[]> {
  const map = new Map<string, Recording[]>();
  for (const sub of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    const folder = path.join(dir, sub.name);
    const files = fs.readdirSync(folder);
    for (const metaName of files.filter(f => f.endsWith('.meta.json'))) {
      const stem = metaName.slice(0, -'.meta.json'.length);
      const body = files.find(f => f !== metaName && f.startsWith(`${stem}.`) && !f.endsWith('.meta.json'));
      if (!body) continue;
      const meta = JSON.parse(fs.readFileSync(path.join(folder, metaName), 'utf8')) as { url: string; status: number; content_type: string | null; response_headers?: Record<string, string> };
      const u = new URL(meta.url);
      const prefix = HOSTS[u.hostname];
      if (!prefix) continue;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(meta.response_headers ?? {})) if (/^(location|retry-after)$/i.test(k)) headers[k.toLowerCase()] = v;
      const { key, params } = requestKey(prefix, meta.url.slice(meta.url.indexOf(u.host) + u.host.length));
      const rec: Recording = { file: path.join(folder, body), status: meta.status, contentType: meta.content_type ?? TYPES[path.extname(body)] ?? 'application/octet-stream', headers, params };
      const list = map.get(key);
      if (list) list.push(rec); else map.set(key, [rec]);
    }
  }
  return map;
}

export interface ReplayServer {
  url: string;
  endpoints: Record<ProviderName | 'doi', string>;
  /** Paths (with query) of the requests seen, in order, e.g. `/arxiv/api/query?id_list=…`. */
  requests: string[];
  close(): Promise<void>;
}

export async function startReplayServer(dir = API_DIR): Promise<ReplayServer> {
  const recordings = load(dir);
  const requests: string[] = [];
  let base = '';
  const server = http.createServer((req, res) => {
    const raw = req.url ?? '/';
    requests.push(raw);
    const m = /^\/([a-z]+)(\/.*)?$/.exec(raw.split('?')[0]!);
    const prefix = m?.[1] as Prefix | undefined;
    const rest = raw.slice(1 + (prefix?.length ?? 0));
    const found = prefix && PREFIXES.includes(prefix) ? (() => {
      const { key, params } = requestKey(prefix, rest || '/');
      const list = recordings.get(key);
      return list?.find(r => r.params === params) ?? list?.find(r => r.status < 300) ?? list?.[0];
    })() : undefined;
    if (!found) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'not recorded', path: raw }));
      return;
    }
    const headers: Record<string, string> = { 'content-type': found.contentType };
    for (const [k, v] of Object.entries(found.headers)) {
      if (k !== 'location') { headers[k] = v; continue; }
      // A redirect to a recorded host stays on the replay server.
      try {
        const to = new URL(v);
        const p = HOSTS[to.hostname];
        headers.location = p ? `${base}/${p}${to.pathname}${to.search}` : v;
      } catch { headers.location = v; }
    }
    res.writeHead(found.status, headers);
    res.end(fs.readFileSync(found.file));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const endpoints = Object.fromEntries(PREFIXES.map(p => [p, `${base}/${p}`])) as Record<Prefix, string>;
  return {
    url: base,
    endpoints,
    requests,
    close: () => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
