import { strict as assert } from 'node:assert';
import { bibNamesIn, locateBib, texRootOf } from '../../src/core/bibLocate';

describe('bibLocate', () => {
  it('reads \\bibliography lists, adding .bib, and \\addbibresource names as written', () => {
    assert.deepEqual(bibNamesIn('\\bibliographystyle{plainnat}\n\\bibliography{refs, ../shared/more}\n'), ['refs.bib', '../shared/more.bib']);
    assert.deepEqual(bibNamesIn('\\addbibresource[datatype=bibtex]{lit.bib}\n\\addbibresource{extra.bib}'), ['lit.bib', 'extra.bib']);
  });
  it('ignores commented-out and remote bibliographies but keeps an escaped percent line', () => {
    assert.deepEqual(bibNamesIn('% \\bibliography{old}\n  %\\addbibresource{old2.bib}\n\\addbibresource[location=remote]{https://x.org/a.bib}'), []);
    assert.deepEqual(bibNamesIn('50\\% done \\bibliography{refs} % trailing'), ['refs.bib']);
  });
  it('reads pandoc front matter as a string, a flow list or a block list', () => {
    assert.deepEqual(bibNamesIn('---\ntitle: "T"\nbibliography: refs.bib\n---\n# x'), ['refs.bib']);
    assert.deepEqual(bibNamesIn('---\nbibliography: [a.bib, "b c.bib"]\n...\n'), ['a.bib', 'b c.bib']);
    assert.deepEqual(bibNamesIn('---\r\nbibliography:\r\n  - a.bib\r\n  - \'b.bib\'\r\nlink-citations: true\r\n---\r\n'), ['a.bib', 'b.bib']);
    assert.deepEqual(bibNamesIn('# no front matter\nbibliography: x.bib\n'), []);
  });
  it('finds the root named by a magic comment', () => {
    assert.equal(texRootOf('/p/chapters/intro.tex', '% !TEX root = ../main.tex\n\\section{Intro}'), '/p/main.tex');
    assert.equal(texRootOf('/p/chapters/intro.tex', '%!TeX root=main.tex'), '/p/chapters/main.tex');
    assert.equal(texRootOf('/p/a.tex', '\\section{x}'), undefined);
  });
  it('prefers the document, then its root, then the setting, then references.bib beside the document', () => {
    assert.deepEqual(locateBib({ docPath: '/p/paper.tex', docText: '\\bibliography{refs,b}' }), { path: '/p/refs.bib', all: ['/p/refs.bib', '/p/b.bib'], from: 'document' });
    assert.deepEqual(locateBib({ docPath: '/p/ch/intro.tex', docText: 'x', root: { path: '/p/main.tex', text: '\\addbibresource{bib/lit.bib}' } }),
      { path: '/p/bib/lit.bib', all: ['/p/bib/lit.bib'], from: 'root' });
    assert.equal(locateBib({ docPath: '/p/ch/intro.tex', docText: 'x', root: { path: '/p/main.tex', text: '' }, setting: 'refs/all.bib', workspaceFolder: '/p' }).path, '/p/refs/all.bib');
    assert.deepEqual(locateBib({ docPath: '/p/notes/a.md', docText: '# hi', setting: '' }), { path: '/p/notes/references.bib', all: ['/p/notes/references.bib'], from: 'default' });
    assert.equal(locateBib({ docPath: '/p/a.md', docText: '---\nbibliography: refs.bib\n---\n' }).from, 'front-matter');
  });
});
