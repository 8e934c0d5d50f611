// citation-js (BibTeX export, formatted references, RIS), loaded on first use. Its code is 1.7 of
// the 2.1 MB a bundle would hold and takes about 140 ms to run: activation and a `papercite search`
// would pay some 200 ms for it. The bundles load it from dist/citation-js.js (src/citationJsBundle.ts).
import type * as CitationJs from '@citation-js/core';

/** Set by the bundler: running from dist/, beside citation-js.js. */
declare const PAPERCITE_BUNDLE: boolean | undefined;

let loaded: typeof CitationJs | undefined;

/** citation-js's core with the BibTeX, CSL and RIS plugins registered. */
export function citationJs(): typeof CitationJs {
  if (loaded) return loaded;
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (typeof PAPERCITE_BUNDLE !== 'undefined' && PAPERCITE_BUNDLE) {
    loaded = require('./citation-js.js') as typeof CitationJs;
  } else {
    // From the sources (tests, tsx): the packages themselves.
    require('@citation-js/plugin-bibtex');
    require('@citation-js/plugin-csl');
    require('@citation-js/plugin-ris');
    loaded = require('@citation-js/core') as typeof CitationJs;
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  return loaded;
}
