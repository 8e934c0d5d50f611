// The provider modules by name.
import { arxiv } from './arxiv';
import { crossref } from './crossref';
import { dblp } from './dblp';
import { openAlex } from './openalex';
import type { Provider } from './provider';
import { semanticScholar } from './semanticScholar';
import type { ProviderName } from './types';

export const PROVIDER_MODULES: Record<ProviderName, Provider> = { arxiv, dblp, crossref, semanticscholar: semanticScholar, openalex: openAlex };
