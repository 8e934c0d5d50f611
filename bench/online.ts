// Latency to the first online row, against the replay server on 127.0.0.1 (network time aside): from
// `OnlineClient.search` being called to the first provider result with records, through Node's HTTP
// client, the courtesy queue, parsing and normalizing. Fresh client per run (no cache), then a warm
// one (answers from the memory cache). `npx tsx bench/online.ts [--runs N]`
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { OnlineClient } from '../src/core/online/client';
import { nodeHttpGet } from '../src/core/online/http';
import { PROVIDER_LABEL, type ProviderName } from '../src/core/online/types';
import { API_DIR, startReplayServer } from '../test/support/replayServer';
import { median } from './data';

const QUERY = 'attention mechanism'; // DBLP and OpenAlex have recorded answers for it

async function firstRow(c: OnlineClient): Promise<{ ms: number; provider: ProviderName | undefined; allMs: number }> {
  const t0 = performance.now();
  let first: { ms: number; provider: ProviderName } | undefined;
  await c.search(QUERY, { limit: 10, onResult: r => { if (!first && 'records' in r && r.records.length) first = { ms: performance.now() - t0, provider: r.provider }; } });
  return { ms: first?.ms ?? NaN, provider: first?.provider, allMs: performance.now() - t0 };
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--runs');
  const runs = i > 0 ? Number(process.argv[i + 1]) : 30;
  if (!fs.existsSync(API_DIR)) { console.log(`${API_DIR} is absent: nothing to replay`); return; }
  const server = await startReplayServer();
  try {
    const http = nodeHttpGet();
    await firstRow(new OnlineClient(http, { endpoints: server.endpoints })); // warm up JIT and sockets
    const cold: number[] = [], all: number[] = [], warm: number[] = [];
    const firsts = new Map<string, number>();
    for (let k = 0; k < runs; k++) {
      const r = await firstRow(new OnlineClient(http, { endpoints: server.endpoints }));
      cold.push(r.ms); all.push(r.allMs);
      firsts.set(PROVIDER_LABEL[r.provider!], (firsts.get(PROVIDER_LABEL[r.provider!]) ?? 0) + 1);
    }
    const cached = new OnlineClient(http, { endpoints: server.endpoints });
    await firstRow(cached);
    for (let k = 0; k < runs; k++) warm.push((await firstRow(cached)).ms);
    const disk = fs.mkdtempSync(path.join(os.tmpdir(), 'papercite-online-bench-'));
    await firstRow(new OnlineClient(http, { endpoints: server.endpoints, cacheDir: disk }));
    const fromDisk: number[] = [];
    for (let k = 0; k < runs; k++) fromDisk.push((await firstRow(new OnlineClient(http, { endpoints: server.endpoints, cacheDir: disk }))).ms);
    fs.rmSync(disk, { recursive: true, force: true });
    const f = (xs: number[]) => `${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`;
    console.log(`query "${QUERY}", five providers, ${runs} runs each, node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(2)}`);
    console.log(`first online row, fresh client:        ${f(cold)}  first: ${[...firsts].map(([p, n]) => `${p} ×${n}`).join(', ')}`);
    console.log(`all five providers done, fresh client: ${f(all)}`);
    console.log(`first online row, memory cache:        ${f(warm)}`);
    console.log(`first online row, disk cache only:     ${f(fromDisk)}`);
  } finally {
    await server.close();
  }
}

void main();
