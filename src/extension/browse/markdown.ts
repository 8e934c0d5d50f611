// Corpus text in tooltips: a MarkdownString that is untrusted, renders no HTML and no theme icons,
// with every ASCII punctuation character backslash-escaped (CommonMark), so `<script>`, `[x](command:…)`,
// `$(icon)`, autolinks and entities all show as typed.
import * as vscode from 'vscode';

export function escapeMarkdown(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

export function untrustedMarkdown(): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.supportThemeIcons = false;
  return md;
}
