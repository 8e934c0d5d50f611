// PaperCite abstract panel (webview page). Every corpus string is set with textContent; math goes
// through KaTeX with trust off; links and actions are messages to the extension, which decides.
// Message shapes: ./protocol.ts. Bundled by esbuild into dist/webview/panel.js (one IIFE).
import type { RichText } from '../core/render';
import type { HostToPage, PageToHost, PanelAction, PanelState, PaperView } from './protocol';

const vscode = acquireVsCodeApi<PageToHost, PanelState>();
const app = document.getElementById('app') as HTMLElement;
const katex = window.katex;

type Kid = Node | string | null | undefined;

function el(tag: string, attrs?: Record<string, string>, kids?: Kid[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const k of kids || []) if (k !== null && k !== undefined) e.append(typeof k === 'string' ? document.createTextNode(k) : k);
  return e;
}

function icon(name: string): HTMLElement {
  return el('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

function post(msg: PageToHost): void { vscode.postMessage(msg); }

/** A button running an action on this paper. */
function actionButton(label: string, iconName: string, action: PanelAction, key: string): HTMLElement {
  const b = el('button', { type: 'button', class: 'action', title: label }, [icon(iconName), el('span', {}, [label])]);
  b.addEventListener('click', () => post({ type: 'action', action, key }));
  return b;
}

/** A link that asks the extension to open an http(s) URL (it checks the URL again). */
function link(text: string, url: string, extra?: string): HTMLElement {
  const a = el('a', { href: url, class: extra || '' }, [text]);
  a.addEventListener('click', e => { e.preventDefault(); post({ type: 'openExternal', url }); });
  return a;
}

/** One math run: KaTeX into a span; on any failure the TeX source shows as text. */
function math(tex: string, display: boolean): HTMLElement {
  const span = el('span', { class: display ? 'math display' : 'math' });
  if (!katex) { span.textContent = display ? `$$${tex}$$` : `$${tex}$`; return span; }
  try {
    katex.render(tex, span, { throwOnError: false, trust: false, strict: 'ignore', displayMode: !!display, maxSize: 20, maxExpand: 200, output: 'htmlAndMathml' });
  } catch {
    span.textContent = `$${tex}$`;
  }
  return span;
}

/** Paragraphs of runs (RichText) into nodes. */
function rich(paragraphs: RichText, tag?: string): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const runs of paragraphs) {
    const p = el(tag || 'p');
    for (const r of runs) {
      if (r.kind === 'text') {
        let n: Node = document.createTextNode(r.text);
        if (r.em) n = el('em', {}, [n]);
        if (r.strong) n = el('strong', {}, [n]);
        p.append(n);
      } else if (r.kind === 'math') {
        p.append(math(r.tex, r.display));
      } else if (r.kind === 'link') {
        p.append(link(r.text, r.href));
      }
    }
    out.push(p);
  }
  return out;
}

function row(label: string, ...values: Kid[]): [HTMLElement, HTMLElement] | null {
  const vs = values.filter(v => v !== null && v !== undefined && v !== '');
  if (!vs.length) return null;
  return [el('dt', {}, [label]), el('dd', {}, vs)];
}

function showPaper(p: PaperView): void {
  vscode.setState({ key: p.key });
  document.title = p.titleText;
  const h1 = el('h1', { id: 'title' });
  for (const para of rich(p.title, 'span')) h1.append(...para.childNodes);

  const authors = el('ul', { class: 'authors', 'aria-label': 'Authors' });
  p.authors.forEach(name => {
    const b = el('button', { type: 'button', class: 'author', title: `Show ${name} in the Papers tree` }, [name]);
    b.addEventListener('click', () => post({ type: 'revealAuthor', name }));
    authors.append(el('li', {}, [b]));
  });
  if (p.authorsTruncated) authors.append(el('li', { class: 'etal' }, ['et al.']));
  if (!p.authors.length) authors.append(el('li', { class: 'muted' }, ['Unknown authors']));

  const actions = el('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Paper actions' }, [
    actionButton('Insert citation', 'quote', 'insert', p.key),
    actionButton('Copy key', 'key', 'copyKey', p.key),
    actionButton('Copy BibTeX', 'copy', 'copyBibtex', p.key),
    actionButton('Copy reference', 'note', 'copyReference', p.key),
    actionButton('Reveal in tree', 'list-tree', 'reveal', p.key),
  ]);

  const meta = el('dl', { class: 'meta' });
  const rows = [
    row('Key', el('code', {}, [p.key])),
    row('First appeared', p.firstDate),
    row('Venue', [p.venue, p.venueDate].filter(Boolean).join(', ')),
    row('Category', p.category),
    row('Score', typeof p.score === 'number' ? String(p.score) : ''),
    row('Code', p.codeUrl ? link(p.codeUrl, p.codeUrl) : null),
    row('Links', ...p.links.flatMap((l, i) => [i ? ' · ' : '', link(l.label, l.url)])),
    row('Listed on the page of', p.owners.join(', ')),
    row('Pages', p.pages.join(', ')),
    row('From', p.origins.join(', ')),
  ];
  for (const r of rows) if (r) meta.append(...r);

  const abstract = el('section', { class: 'abstract', 'aria-labelledby': 'abstract-h' }, [el('h2', { id: 'abstract-h' }, ['Abstract'])]);
  if (p.abstract.length) abstract.append(...rich(p.abstract));
  else abstract.append(el('p', { class: 'muted' }, ['No abstract.']));

  const related = el('section', { class: 'related', 'aria-labelledby': 'related-h' }, [el('h2', { id: 'related-h' }, ['Related papers'])]);
  if (p.related.length) {
    const ul = el('ul');
    for (const r of p.related) {
      const b = el('button', { type: 'button', class: 'linklike', title: `Open “${r.title}” (similarity ${r.score})` }, [r.title]);
      b.addEventListener('click', () => post({ type: 'openPaper', key: r.key }));
      ul.append(el('li', {}, [b, el('span', { class: 'muted' }, [[r.authors, r.year].filter(Boolean).join(', ')])]));
    }
    related.append(ul);
  } else related.append(el('p', { class: 'muted' }, ['No similar paper in the library.']));

  const bib = el('section', { class: 'bibtex', 'aria-labelledby': 'bibtex-h' }, [el('h2', { id: 'bibtex-h' }, ['BibTeX'])]);
  if (p.bibtexError) bib.append(el('p', { class: 'error' }, [`No BibTeX: ${p.bibtexError}`]));
  else bib.append(el('pre', { tabindex: '0', 'aria-label': 'BibTeX entry' }, [el('code', {}, [p.bibtex])]));

  app.replaceChildren(el('article', { 'aria-labelledby': 'title' }, [h1, authors, actions, meta, abstract, related, bib]));
  window.scrollTo(0, 0);
}

window.addEventListener('message', (e: MessageEvent<HostToPage | null>) => {
  const m = e.data;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'showPaper' && m.paper) showPaper(m.paper);
  else if (m.type === 'missing') {
    app.replaceChildren(el('p', { class: 'muted' }, [`The paper “${String(m.key)}” is not in the library any more.`]));
  }
});

// Anything the CSP blocks is reported to the PaperCite log.
document.addEventListener('securitypolicyviolation', e => {
  post({ type: 'cspViolation', directive: String(e.violatedDirective || ''), blocked: String(e.blockedURI || '') });
});

// The host waits for this before it sends the paper.
post({ type: 'ready' });
