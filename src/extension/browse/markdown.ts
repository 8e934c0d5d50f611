// Corpus text in tooltips: a MarkdownString that is untrusted, renders no HTML and no theme icons;
// text goes in through core/markdown.ts (escaped, code spans fenced), so `<script>`, `[x](command:…)`,
// `$(icon)`, autolinks, entities and blank lines all show as typed.
import * as vscode from 'vscode';

export { escapeMarkdown, markdownCode } from '../../core/markdown';

export function untrustedMarkdown(): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.supportThemeIcons = false;
  return md;
}
