// dist/citation-js.js: citation-js's core with the BibTeX, CSL and RIS plugins registered, a
// bundle of its own that the extension and the CLI load on first use (core/citationJs.ts).
import '@citation-js/plugin-bibtex';
import '@citation-js/plugin-csl';
import '@citation-js/plugin-ris';
export * from '@citation-js/core';
