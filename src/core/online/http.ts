// The Node HTTP client for the online providers (global fetch): a time-out, the caller's abort signal,
// redirects followed. Node only (no vscode); the core takes any `HttpGet`.
import type { HttpGet, HttpResponse } from './types';

/** The largest body read; a longer answer is cut (no provider sends that much for one page). */
export const MAX_BODY = 8 * 1024 * 1024;

/** Thrown for a request that got no answer: `kind` says whether it timed out or the host is unreachable. */
export class HttpError extends Error {
  constructor(readonly kind: 'timeout' | 'offline' | 'aborted', message: string) {
    super(message);
    this.name = kind === 'aborted' ? 'AbortError' : 'HttpError';
  }
}

export function nodeHttpGet(userAgent = 'PaperCite'): HttpGet {
  return async (url, init) => {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), init.timeoutMs ?? 15_000);
    const onAbort = () => timeout.abort();
    init.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (init.signal?.aborted) throw new HttpError('aborted', 'cancelled');
      const res = await fetch(url, { headers: { 'user-agent': userAgent, ...init.headers }, signal: timeout.signal, redirect: 'follow' });
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => { headers[k.toLowerCase()] = v; });
      return { status: res.status, headers, body: await readCapped(res) } satisfies HttpResponse;
    } catch (err) {
      if (err instanceof HttpError) throw err;
      if (init.signal?.aborted) throw new HttpError('aborted', 'cancelled');
      if (timeout.signal.aborted) throw new HttpError('timeout', `no answer within ${Math.round((init.timeoutMs ?? 15_000) / 1000)} s`);
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new HttpError('offline', cause ? `unreachable (${cause})` : `unreachable (${(err as Error).message})`);
    } finally {
      clearTimeout(timer);
      init.signal?.removeEventListener('abort', onAbort);
    }
  };
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > MAX_BODY) {
      chunks.push(value.subarray(0, MAX_BODY - size));
      await reader.cancel();
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
}
