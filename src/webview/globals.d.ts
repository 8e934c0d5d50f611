// Globals the abstract panel's page finds at run time: VS Code's webview API, and KaTeX from
// dist/webview/katex.min.js (a <script> before the page's; if it did not load, math shows as TeX).
import type { KatexOptions } from 'katex';

declare global {
  interface VsCodeApi<Message, State> {
    postMessage(message: Message): void;
    getState(): State | undefined;
    setState<S extends State>(state: S): S;
  }
  /** Callable once per page. */
  function acquireVsCodeApi<Message = unknown, State = unknown>(): VsCodeApi<Message, State>;

  interface Window {
    katex?: { render(tex: string, element: HTMLElement, options?: KatexOptions): void };
  }
}
