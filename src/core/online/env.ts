// Endpoints from environment variables (tests, mirrors, institutional proxies).
import type { OnlineSettings, ProviderName } from './types';

export const ENDPOINT_ENV: Record<ProviderName | 'doi', string> = {
  arxiv: 'PAPERCITE_ARXIV_URL', dblp: 'PAPERCITE_DBLP_URL', crossref: 'PAPERCITE_CROSSREF_URL',
  doi: 'PAPERCITE_DOI_URL', semanticscholar: 'PAPERCITE_S2_URL', openalex: 'PAPERCITE_OPENALEX_URL',
};

/** Base URLs set in `env` (only http(s) URLs; a trailing slash is dropped). */
export function endpointsFromEnv(env: NodeJS.ProcessEnv): OnlineSettings['endpoints'] {
  const out: NonNullable<OnlineSettings['endpoints']> = {};
  for (const [name, variable] of Object.entries(ENDPOINT_ENV) as [ProviderName | 'doi', string][]) {
    const v = env[variable]?.trim();
    if (v && /^https?:\/\/[^\s]+$/i.test(v)) out[name] = v.replace(/\/+$/, '');
  }
  return out;
}
