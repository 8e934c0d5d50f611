// The little of markdown-it (a dependency of @vscode/vsce, the renderer VS Code's own Markdown
// preview uses) that the Markdown properties need.
declare module 'markdown-it' {
  interface Token { type: string; content: string; children: Token[] | null }
  class MarkdownIt {
    constructor(opts?: { html?: boolean; linkify?: boolean });
    parse(src: string, env: object): Token[];
    parseInline(src: string, env: object): Token[];
    render(src: string): string;
  }
  export = MarkdownIt;
}
