// Minimal types for the parts of citation-js 0.7 that PaperCite uses (the packages ship none).
declare module '@citation-js/core' {
  export class Cite {
    constructor(data: unknown, options?: { forceType?: string; generateGraph?: boolean });
    data: Record<string, unknown>[];
    format(format: string, options?: Record<string, unknown>): string | unknown[];
  }
  export const plugins: {
    config: { get(name: string): any };
    input: { chain(data: unknown, options?: Record<string, unknown>): unknown };
    output: { format(name: string, data: unknown, ...options: unknown[]): unknown };
  };
  export const logger: { setLogLevel?(level: string): void };
}
declare module '@citation-js/plugin-bibtex';
declare module '@citation-js/plugin-csl';
declare module '@citation-js/plugin-ris';
