// Every recorded answer in ../shared/testdata/api read by its provider's parser (errors included), and
// the request builders checked against the recorded request URLs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { arxiv, arxivSearchQuery, parseArxivFeed } from '../../src/core/online/arxiv';
import { paperToBibtex } from '../../src/core/bibtex/export';
import { crossref, crossrefBibtexRequest, doiBibtexRequest, doiCslRequest, parseCrossrefSearch, parseCslAnswer } from '../../src/core/online/crossref';
import { dblp, dblpBibRequest, parseDblpBib, parseDblpSearch } from '../../src/core/online/dblp';
import { detectIdentifier } from '../../src/core/online/identifiers';
import { invertedAbstract, openAlex, parseOpenAlexSearch } from '../../src/core/online/openalex';
import { httpError, makeRecord, Malformed, type Provider } from '../../src/core/online/provider';
import { parseS2Match, parseS2Search, semanticScholar, s2MatchRequest } from '../../src/core/online/semanticScholar';
import type { HttpResponse, OnlineSettings, ProviderName } from '../../src/core/online/types';
import { MAX_DEPTH, parseXml, textOf, XmlError } from '../../src/core/online/xml';
import { assertRelative, bestCpuMs } from '../support/cpuTime';
import { requireTestdata } from '../support/shared';

let dir = '';
before(function () { dir = requireTestdata(this, 'api'); });

interface Meta { url: string; status: number; content_type: string | null }
function recorded(file: string): { body: string; meta: Meta; res: HttpResponse } {
  const body = fs.readFileSync(path.join(dir, file), 'utf8');
  const meta = JSON.parse(fs.readFileSync(path.join(dir, file.replace(/\.[a-z]+$/, '.meta.json')), 'utf8')) as Meta;
  return { body, meta, res: { status: meta.status, headers: meta.content_type ? { 'content-type': meta.content_type } : {}, body } };
}

/** Path (decoded) and the named parameters (decoded, `+` as space) of a URL. */
function shape(url: string, params: string[]): { path: string; params: Record<string, string> } {
  const u = new URL(url);
  const out: Record<string, string> = {};
  for (const p of params) { const v = u.searchParams.get(p); if (v !== null) out[p] = v; }
  return { path: decodeURIComponent(u.pathname).toLowerCase(), params: out };
}

/** Built and recorded requests ask the same: same path, same identifying parameters. */
function sameRequest(built: string, file: string, params: string[]): void {
  const rec = recorded(file).meta.url;
  assert.deepEqual(shape(built, params), shape(rec, params), `built ${built}\nrecorded ${rec}`);
}

/** Base URLs as the real services: builders must then produce the recorded host too. */
const REAL: OnlineSettings = {};

describe('online providers: every recorded answer', () => {
  describe('arXiv (Atom)', () => {
    it('reads a lookup by id: title, authors, date, abstract, primary category, no version in the id', () => {
      const [r, ...rest] = parseArxivFeed(recorded('arxiv/query_id_1707.08567.xml').body);
      assert.equal(rest.length, 0);
      assert.equal(r!.ids.arxiv, '1707.08567');
      assert.equal(r!.paper.title, 'Proceedings of Workshop AEW10: Concepts in Information Theory and Communications');
      assert.equal(r!.paper.custom.category, 'cs.IT');
      assert.deepEqual(r!.paper.issued, { 'date-parts': [[2017, 7, 27]] });
      assert.equal(r!.paper.author![0]!.family, 'Immink');
      assert.match(r!.paper.abstract!, /^The 10th Asia-Europe workshop/);
      assert.equal(r!.paper.id, 'immink2017proceedings');
      assert.deepEqual(r!.paper.custom.online, { provider: 'arxiv', ids: { arxiv: '1707.08567' }, url: 'https://arxiv.org/abs/1707.08567' });
    });

    it('reads an old-style id with version', () => {
      const [r] = parseArxivFeed(recorded('arxiv/query_id_quant-ph_0201082v1.xml').body);
      assert.equal(r!.ids.arxiv, 'quant-ph/0201082');
      assert.equal(r!.paper.custom.category, 'quant-ph');
      assert.equal(arxiv.parseLookup(recorded('arxiv/query_id_quant-ph_0201082v1.xml').res, { kind: 'arxiv', id: 'quant-ph/0201082v1' })?.ids.arxiv, 'quant-ph/0201082');
    });

    it('a well-formed id arXiv does not have: an empty feed, not found', () => {
      const { res } = recorded('arxiv/query_id_nonexistent_0808.05394.xml');
      assert.deepEqual(parseArxivFeed(res.body), []);
      assert.equal(arxiv.parseLookup(res, { kind: 'arxiv', id: '0808.05394' }), undefined);
    });

    it('a malformed id: HTTP 400 with arXiv\'s own message; the error entry is never a paper', () => {
      const { res } = recorded('arxiv/query_id_malformed_abc_400.xml');
      const e = httpError('arxiv', res);
      assert.equal(e.kind, 'http');
      assert.equal(e.message, 'HTTP 400: incorrect id format for abc');
      assert.throws(() => parseArxivFeed(res.body), (err: Error) => err instanceof Malformed && /incorrect id format for abc/.test(err.message));
    });

    it('reads searches: DOI and journal reference of published preprints, entities decoded', () => {
      const testing = parseArxivFeed(recorded('arxiv/query_search_testing_max10.xml').body);
      assert.equal(testing.length, 10);
      const first = testing[0]!;
      assert.equal(first.ids.arxiv, '2202.12139');
      assert.equal(first.ids.doi, '10.1109/ICSTW55395.2022.00035');
      assert.match(String(first.paper.custom.journalRef), /ICSTW/);
      assert.ok(testing.every(r => r.paper.title && r.paper.author?.length));
      assert.ok(testing.some(r => r.paper.author!.some(a => /Ramírez/.test(a.family ?? ''))));
      const three = parseArxivFeed(recorded('arxiv/query_search_attention_or_mechanism_max3.xml').body);
      assert.deepEqual(three.map(r => r.ids.arxiv), ['2002.00741', '1102.2017', '1112.2954']);
    });

    it('reads an arXiv title\'s TeX as Unicode, its math as typed (the recorded answer, one title as arXiv users write them)', () => {
      const body = recorded('arxiv/query_search_attention_or_mechanism_max3.xml').body
        .replace('<title>Déjà vu: A Contextualized', '<title>D\\\'ej\\`a vu: {A} Contextualized $\\mathcal{O}(n^2)$--time Schr\\"odinger');
      const [r] = parseArxivFeed(body);
      assert.equal(r!.paper.title, 'Déjà vu: A Contextualized $\\mathcal{O}(n^2)$–time Schrödinger Temporal Attention Mechanism for Sequential Recommendation');
      assert.match(paperToBibtex(r!.paper), /title = \{D\{\\'e\}j\{\\`a\} vu: A \{Contextualized\} \{\$\\mathcal\{O\}\(n\^2\)\$\}--time \{Schr\{\\"o\}dinger\} \{Temporal\}/);
      const [plain] = parseArxivFeed(recorded('arxiv/query_search_attention_or_mechanism_max3.xml').body);
      assert.equal(plain!.paper.title, 'Déjà vu: A Contextualized Temporal Attention Mechanism for Sequential Recommendation', 'a title without TeX is unchanged');
    });

    it('builds the recorded requests', () => {
      sameRequest(arxiv.lookupRequest({ kind: 'arxiv', id: '1707.08567' }, REAL)!.url, 'arxiv/query_id_1707.08567.xml', ['search_query', 'id_list']);
      sameRequest(arxiv.lookupRequest(detectIdentifier('quant-ph/0201082v1')!, REAL)!.url, 'arxiv/query_id_quant-ph_0201082v1.xml', ['search_query', 'id_list']);
      sameRequest(arxiv.searchRequest('all:attention OR all:mechanism', 3, REAL).url, 'arxiv/query_search_attention_or_mechanism_max3.xml', ['search_query', 'start', 'max_results']);
      sameRequest(arxiv.searchRequest('testing', 10, REAL).url.replace('all%3Atesting', 'testing'), 'arxiv/query_search_testing_max10.xml', ['search_query', 'sortBy', 'sortOrder', 'start', 'max_results']);
      assert.equal(arxivSearchQuery('attention mechanism'), 'all:attention AND all:mechanism');
      assert.equal(arxivSearchQuery('ti:"chemistry tools"'), 'ti:"chemistry tools"');
    });
  });

  describe('DBLP', () => {
    it('reads the search XML: authors without homonym numbers, venue, key, DOI', () => {
      const recs = parseDblpSearch(recorded('dblp/search_publ_attention_mechanism_h3_xml.xml').body);
      assert.equal(recs.length, 3);
      const r = recs[0]!;
      assert.equal(r.ids.dblp, 'journals/npl/WangSLZWWLL25');
      assert.match(r.ids.doi!, /^10\.1007\/S11063-/i);
      assert.equal(r.paper['container-title'], 'Neural Process. Lett.');
      assert.equal(r.paper.type, 'article-journal');
      assert.ok(!r.paper.title!.endsWith('.'));
      assert.ok(r.paper.author!.every(a => !/\d/.test(a.family ?? '')));
    });

    it('reads the legacy (2016) search XML', () => {
      const recs = parseDblpSearch(recorded('dblp/search_publ_author_lamport_xml_legacy2016.xml').body);
      assert.equal(recs.length, 30);
      assert.ok(recs.every(r => r.ids.dblp && r.paper.title));
      assert.ok(recs.some(r => r.paper.author!.some(a => a.family === 'Lamport')));
    });

    it('reads the search JSON form too', () => {
      const json = JSON.stringify({ result: { status: { '@code': '200', text: 'OK' }, hits: { '@total': '1', hit: [{ info: { authors: { author: { '@pid': '1', text: 'Leslie Lamport' } }, title: 'Who builds a house without drawing blueprints?', venue: 'Commun. ACM', year: '2015', type: 'Journal Articles', key: 'journals/cacm/Lamport15', doi: '10.1145/2736348' } }] } } });
      const [r] = parseDblpSearch(json);
      assert.equal(r!.ids.dblp, 'journals/cacm/Lamport15');
      assert.equal(r!.paper.author![0]!.family, 'Lamport');
    });

    it('a bot-check web page is a clear error, not zero results', () => {
      assert.throws(() => parseDblpSearch('<!DOCTYPE html><html><head><title>Checking your browser</title></head><body>…</body></html>'), /web page instead of data/);
    });

    it('reads per-record .bib (today\'s and the 2016 form)', () => {
      const r = parseDblpBib(recorded('dblp/rec_series_sci_2023-1062.bib').body)!;
      assert.equal(r.ids.dblp, 'series/sci/2023-1062');
      assert.equal(r.ids.doi, '10.1007/978-3-031-16400-2');
      assert.equal(r.paper.title, 'Banach Space Valued Neural Network - Ordinary and Fractional Approximation and Interpolation');
      const old = parseDblpBib(recorded('dblp/rec_bib2_journals_cacm_Lamport15_legacy2016.bib').body)!;
      assert.equal(old.ids.dblp, 'journals/cacm/Lamport15');
      assert.equal(old.paper['container-title'], 'Commun. ACM');
    });

    it('builds the recorded requests', () => {
      sameRequest(dblp.searchRequest('attention mechanism', 3, REAL).url, 'dblp/search_publ_attention_mechanism_h3_xml.xml', ['q', 'format', 'h', 'f']);
      sameRequest(dblpBibRequest('series/sci/2023-1062', REAL).url, 'dblp/rec_series_sci_2023-1062.bib', []);
    });
  });

  describe('Crossref and DOI content negotiation', () => {
    it('reads a work by DOI (a date without parts falls back to the print date)', () => {
      const r = crossref.parseLookup(recorded('crossref/works_doi_10.1109_icdcsw.2003.1203662.json').res, { kind: 'doi', id: '10.1109/icdcsw.2003.1203662' })!;
      assert.equal(r.paper.title, 'Accurate and explicit differentiation of wireless and congestion losses');
      assert.equal(r.paper.type, 'paper-conference');
      assert.deepEqual(r.paper.author!.map(a => a.family), ['Arya', 'Turletti']);
      assert.equal(r.paper['container-title'], '23rd International Conference on Distributed Computing Systems Workshops, 2003. Proceedings.');
      assert.equal(r.ids.doi, '10.1109/icdcsw.2003.1203662');
      assert.ok(r.paper.issued);
    });

    it('reads a search (reference entries included) and one without results', () => {
      const recs = parseCrossrefSearch(recorded('crossref/works_query_ecology_rows2.json').body);
      assert.deepEqual(recs.map(r => r.paper.title), ['Communicating Ecology', 'Chemical Ecology']);
      assert.equal(recs[0]!.paper.type, 'entry');
      assert.deepEqual(parseCrossrefSearch(recorded('crossref/works_query_title_no_results.json').body), []);
      // A suffix (Jr., III) is kept as CSL's own part (the recorded answer, one author given one).
      const jr = parseCrossrefSearch(recorded('crossref/works_query_ecology_rows2.json').body.replace('"family":"Kessler",', '"family":"Kessler","suffix":"Jr.",'));
      assert.deepEqual(jr.find(r => r.paper.author?.some(a => a.family === 'Kessler'))!.paper.author!.find(a => a.family === 'Kessler'), { family: 'Kessler', given: 'André', suffix: 'Jr.' });
    });

    it('reads the CSL-JSON transform, JATS abstract as plain text', () => {
      const r = parseCslAnswer(recorded('crossref/transform_citeproc_json_10.1126_science.169.3946.635.json').body, '10.1126/science.169.3946.635')!;
      assert.equal(r.paper.title, 'The Structure of Ordinary Water: New data and interpretations are yielding new insights into this fascinating substance');
      assert.equal(r.paper['container-title'], 'Science');
      assert.deepEqual(r.paper.issued, { 'date-parts': [[1970, 8, 14]] });
      assert.ok(!/[<>]/.test(r.paper.abstract ?? ''));
    });

    it('reads BibTeX from content negotiation (today\'s and 2019\'s)', () => {
      const a = parseCslAnswer(recorded('crossref/conneg_bibtex_10.1126_science.169.3946.635.bib').body, '10.1126/science.169.3946.635')!;
      assert.equal(a.paper.author![0]!.family, 'Frank');
      const b = parseCslAnswer(recorded('crossref/conneg_bibtex_legacy2019_10.1109_32.588534.bib').body, '10.1109/32.588534')!;
      assert.equal(b.paper['container-title'], 'IEEE Transactions on Software Engineering');
      assert.deepEqual(b.paper.author!.map(x => x.family), ['Kaufmann', 'Moore']);
    });

    it('errors: plain-text 404s, a DataCite DOI, a 400 with Crossref\'s validation message, an HTML 404, a redirect page', () => {
      for (const f of ['crossref/works_doi_notfound_404.txt', 'crossref/works_doi_arxiv_datacite_404.txt', 'crossref/transform_bibtex_arxiv_doi_404.txt']) {
        const e = httpError('crossref', recorded(f).res);
        assert.equal(e.kind, 'not-found');
        assert.equal(e.message, 'not found (HTTP 404): Resource not found.');
      }
      const bad = httpError('crossref', recorded('crossref/works_doi_with_query_400.json').res);
      assert.equal(bad.message, 'HTTP 400: This route does not support field query parameters');
      assert.equal(httpError('crossref', recorded('crossref/doi_org_conneg_404_10.1126_foo.html').res).message, 'not found (HTTP 404): Error: DOI Not Found');
      assert.throws(() => crossref.parseLookup(recorded('crossref/doi_org_conneg_302_10.1126_science.169.3946.635.html').res, { kind: 'doi', id: 'x' }), Malformed);
    });

    it('builds the recorded requests', () => {
      sameRequest(crossref.lookupRequest({ kind: 'doi', id: '10.1109/icdcsw.2003.1203662' }, REAL)!.url, 'crossref/works_doi_10.1109_icdcsw.2003.1203662.json', []);
      sameRequest(crossref.lookupRequest({ kind: 'doi', id: '10.48550/arxiv.2312.07559' }, { mailto: 'example@papercrow.ai' })!.url, 'crossref/works_doi_arxiv_datacite_404.txt', ['mailto']);
      sameRequest(crossref.searchRequest('ecology', 2, REAL).url, 'crossref/works_query_ecology_rows2.json', ['query', 'rows']);
      sameRequest(crossrefBibtexRequest('10.48550/arXiv.2304.05376', REAL).url, 'crossref/transform_bibtex_arxiv_doi_404.txt', []);
      sameRequest(doiCslRequest('10.1126/science.169.3946.635', REAL).url, 'crossref/doi_org_conneg_302_10.1126_science.169.3946.635.html', []);
      assert.equal(doiBibtexRequest('10.1126/foo', REAL).headers!.accept, 'application/x-bibtex');
      assert.equal(doiCslRequest('10.1126/foo', REAL).headers!.accept, 'application/vnd.citationstyles.csl+json');
    });
  });

  describe('Semantic Scholar', () => {
    it('reads a lookup by arXiv DOI: ids (arXiv, DBLP), preprint venue dropped', () => {
      const r = semanticScholar.parseLookup(recorded('semanticscholar/paper_doi_10.48550_arxiv.2312.07559.json').res, { kind: 'doi', id: '10.48550/arxiv.2312.07559' })!;
      assert.equal(r.paper.title, 'PaperQA: Retrieval-Augmented Generative Agent for Scientific Research');
      assert.deepEqual(r.ids, { s2: '7e55d8701785818776323b4147cb13354c820469', dblp: 'journals/corr/abs-2312-07559', arxiv: '2312.07559' });
      assert.equal(r.paper['container-title'], undefined);
      assert.equal(r.paper.custom.arxiv, '2312.07559');
    });

    it('reads a lookup that asked for the title only', () => {
      const r = semanticScholar.parseLookup(recorded('semanticscholar/paper_doi_10.1093_mind_lix.236.433_title.json').res, { kind: 'doi', id: '10.1093/mind/lix.236.433' })!;
      assert.equal(r.paper.title, 'Computing Machinery and Intelligence');
      assert.equal(r.paper.id, 'anonndcomputing');
    });

    it('reads searches: titles only, and an empty result without data', () => {
      const recs = parseS2Search(recorded('semanticscholar/paper_search_sublinear_edit_distance.json').body);
      assert.equal(recs.length, 89);
      assert.equal(recs[0]!.paper.title, 'Near-optimal sublinear time algorithms for Ulam distance');
      assert.deepEqual(parseS2Search(recorded('semanticscholar/paper_search_empty.json').body), []);
    });

    it('errors: 400 bad fields, 404 not found (two forms), 404 title match, 429 without Retry-After', () => {
      assert.equal(httpError('semanticscholar', recorded('semanticscholar/paper_bad_fields_400.json').res).message, 'HTTP 400: Unrecognized or unsupported fields: [unknown]');
      for (const f of ['semanticscholar/paper_doi_notfound_404.json', 'semanticscholar/paper_id_0_notfound_404.json', 'semanticscholar/paper_search_match_notfound_404.json']) {
        assert.equal(httpError('semanticscholar', recorded(f).res).kind, 'not-found');
      }
      assert.equal(parseS2Match(recorded('semanticscholar/paper_search_match_notfound_404.json').body), undefined);
      const limited = httpError('semanticscholar', recorded('semanticscholar/paper_search_rate_limited_429.json').res);
      assert.equal(limited.kind, 'rate-limited');
      assert.equal(limited.retryAfterMs, undefined);
      assert.match(limited.message, /Too Many Requests/);
    });

    it('builds the recorded requests (and sends the key as x-api-key)', () => {
      sameRequest(semanticScholar.lookupRequest({ kind: 'doi', id: '10.48550/arxiv.2312.07559' }, REAL)!.url, 'semanticscholar/paper_doi_10.48550_arxiv.2312.07559.json', []);
      sameRequest(semanticScholar.lookupRequest({ kind: 'doi', id: '10.1101/2024.04.01.587366' }, REAL)!.url, 'semanticscholar/paper_doi_notfound_404.json', []);
      sameRequest(semanticScholar.searchRequest('sublinear near optimal edit distance', 100, REAL).url, 'semanticscholar/paper_search_sublinear_edit_distance.json', ['query', 'limit']);
      sameRequest(semanticScholar.searchRequest('turing', 100, REAL).url, 'semanticscholar/paper_search_rate_limited_429.json', ['query', 'limit']);
      sameRequest(s2MatchRequest('askldjrq3rjaw938h', REAL).url, 'semanticscholar/paper_search_match_notfound_404.json', ['query']);
      assert.deepEqual(semanticScholar.searchRequest('x', 1, { semanticScholarKey: 'k' }).headers, { 'x-api-key': 'k' });
    });
  });

  describe('OpenAlex', () => {
    it('reads a work without a title (paratext) and the search results with rebuilt abstracts', () => {
      const w = openAlex.parseLookup(recorded('openalex/works_W4234567890.json').res, { kind: 'openalex', id: 'W4234567890' })!;
      assert.equal(w.ids.openalex, 'W4234567890');
      assert.equal(w.paper.title, undefined);
      const recs = parseOpenAlexSearch(recorded('openalex/works_search_attention_mechanism_per_page3.json').body);
      assert.deepEqual(recs.map(r => r.ids.openalex), ['W3146366485', 'W3212386989', 'W2023053047']);
      assert.equal(recs[0]!.ids.doi, '10.1016/j.neucom.2021.03.091');
      assert.match(recs[1]!.paper.abstract!, /^Humans can naturally and effectively find salient regions in complex scenes\./);
    });

    it('tells a preprint (arXiv DOI) from its published version', () => {
      const [pub, pre] = parseOpenAlexSearch(recorded('openalex/works_filter_title_search_llm_chemistry_tools.json').body);
      assert.equal(pub!.paper.title, 'Augmenting large language models with chemistry tools');
      assert.equal(pub!.ids.doi, '10.1038/s42256-024-00832-8');
      assert.ok(pub!.paper['container-title']);
      assert.equal(pre!.ids.arxiv, '2304.05376');
      assert.equal(pre!.paper['container-title'], undefined);
    });

    it('errors: 400 invalid filter, 401 invalid key, HTML 404', () => {
      assert.match(httpError('openalex', recorded('openalex/works_invalid_filter_400.json').res).message, /^HTTP 400: DOESNTEXIST is not a valid field/);
      assert.equal(httpError('openalex', recorded('openalex/rate_limit_invalid_api_key_401.json').res).message, 'HTTP 401 (check the API key): API key not found');
      const nf = httpError('openalex', recorded('openalex/works_doi_notfound_404.html').res);
      assert.equal(nf.kind, 'not-found');
      assert.equal(nf.message, 'not found (HTTP 404): 404 Not Found');
      assert.throws(() => parseOpenAlexSearch(recorded('openalex/works_doi_notfound_404.html').body), Malformed);
    });

    it('a hostile inverted index stays bounded', () => {
      assert.equal(invertedAbstract({ a: [0], b: [1e9], c: [-1, 2.5, 'x'], d: [1] }), 'a d');
      assert.equal(invertedAbstract({ x: 'nope' }), undefined);
    });

    it('builds the recorded requests (the key as api_key)', () => {
      sameRequest(openAlex.searchRequest('attention mechanism', 3, REAL).url, 'openalex/works_search_attention_mechanism_per_page3.json', ['search', 'per_page']);
      sameRequest(openAlex.lookupRequest({ kind: 'openalex', id: 'W4234567890' }, REAL)!.url, 'openalex/works_W4234567890.json', []);
      sameRequest(openAlex.lookupRequest({ kind: 'doi', id: '10.1046/j.1365-2699.2003.00795' }, REAL)!.url, 'openalex/works_doi_notfound_404.html', []);
      assert.equal(new URL(openAlex.searchRequest('x', 1, { openAlexKey: 'k', mailto: 'me@example.org' }).url).searchParams.get('api_key'), 'k');
    });
  });

  it('each recorded file is read by a test above', () => {
    const self = fs.readFileSync(__filename, 'utf8');
    for (const sub of fs.readdirSync(dir, { withFileTypes: true }).filter(d => d.isDirectory())) {
      for (const f of fs.readdirSync(path.join(dir, sub.name)).filter(x => !x.endsWith('.meta.json'))) {
        assert.ok(self.includes(`${sub.name}/${f}`), `${sub.name}/${f} has no test`);
      }
    }
  });
});

describe('online: records', () => {
  it('titles lose inline markup, keep its text', () => {
    const r = makeRecord('crossref', { type: 'article-journal', title: 'Synthesis of H<sub>2</sub>O in <i>E. coli</i>: a <scp>Study</scp>', ids: {} });
    assert.equal(r.paper.title, 'Synthesis of H2O in E. coli: a Study');
  });
});

describe('online: the XML reader', () => {
  it('decodes entities and CDATA, keeps descendants\' text, ignores a DTD\'s entities', () => {
    const d = parseXml('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "BOOM">]><r><t>a &amp; b &#233; &#x263A; <i>c</i><![CDATA[<d>]]> &x;</t></r>');
    assert.equal(textOf(d, d.nodes[d.root]!.children[0]), 'a & b é ☺ c<d> &x;');
  });

  it('reads attributes as the XML grammar has them: quoted values, names up to `=`, anything else passed over', () => {
    // The pattern the attribute scan replaced, as the reference for what a tag's attributes are.
    const reference = (s: string) => Object.fromEntries([...s.matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map(m => [m[1]!, m[2] ?? m[3] ?? '']));
    const parts = ['a', 'b', ' ', '\n', '\t', '=', '"', "'", 'x="y"', "k='v'", 'é', ':'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let compared = 0;
    for (let t = 0; t < 20_000; t++) {
      let s = ' ';
      for (let i = Math.floor(next() * 12); i >= 0; i--) s += parts[Math.floor(next() * parts.length)];
      const d = (() => { try { return parseXml(`<r${s}></r>`); } catch { return undefined; } })();
      if (!d) continue; // an unclosed quote swallows the tag's end: not a tag
      assert.deepEqual(d.nodes[0]!.attrs, reference(s), JSON.stringify(s));
      compared++;
    }
    assert.ok(compared > 10_000, `${compared} tags compared`);
    assert.deepEqual(parseXml('<r a = "1 &amp; 2" b=\'x"y\' c d="" e=f/>').nodes[0]!.attrs, { a: '1 & 2', b: 'x"y', d: '' });
  });

  it('skips a declaration without reading past its `>` for an internal subset', () => {
    const d = parseXml('<r><!x>a[b]<!DOCTYPE y [<!ENTITY z "q">]>c</r>');
    assert.equal(textOf(d, d.root), 'a[b]c');
  });

  it('stays flat on deep nesting and rejects a truncated document', () => {
    const deep = '<a>'.repeat(100_000) + 'x' + '</a>'.repeat(100_000);
    const d = parseXml(deep);
    assert.equal(d.nodes.length, MAX_DEPTH);
    assert.equal(textOf(d, d.root), 'x');
    assert.throws(() => parseXml('<feed><entry><title>cut'), XmlError);
  });
});

describe('online providers: answers built to make a reader start over at every character', () => {
  // Each hostile answer is a recorded one with one part grown to hundreds of KB (an answer may be
  // 8 MB); it must read in time linear with the same answer grown benignly, measured here, now.
  const linear = (hostile: string, benign: string, read: (body: string) => unknown, what: string, factor = 10) => {
    const tb = bestCpuMs(() => read(benign));
    const th = bestCpuMs(() => read(hostile));
    assertRelative(th, Math.max(tb, 1), factor, what);
  };
  const ids = (recs: { ids: { arxiv?: string; dblp?: string; s2?: string } }[]) => recs.map(r => r.ids.arxiv ?? r.ids.dblp ?? r.ids.s2);

  it('arXiv: a tag with a 300 KB run of attribute-name characters', () => {
    const body = recorded('arxiv/query_search_testing_max10.xml').body;
    const at = body.indexOf('<link href="https://arxiv.org/abs/');
    const grow = (s: string) => body.slice(0, at + 5) + s + body.slice(at + 5);
    const hostile = grow(` ${'h'.repeat(300_000)}`);
    assert.deepEqual(ids(parseArxivFeed(hostile)), ids(parseArxivFeed(body)));
    linear(hostile, grow(` x="${'h'.repeat(299_996)}"`), parseArxivFeed, 'attribute-name run');
  });

  it('arXiv: 400,000 declarations after the last `[` of the feed', () => {
    const body = recorded('arxiv/query_search_testing_max10.xml').body;
    const end = body.lastIndexOf('</feed>');
    const grow = (s: string) => body.slice(0, end) + s + body.slice(end);
    const hostile = grow('<!x>'.repeat(400_000));
    assert.deepEqual(ids(parseArxivFeed(hostile)), ids(parseArxivFeed(body)));
    linear(hostile, grow('<?x?>'.repeat(400_000)), parseArxivFeed, 'declarations', 5);
  });

  it('DBLP (JSON): an author name with 300,000 spaces before its last word', () => {
    const answer = (author: string) => JSON.stringify({ result: { status: { '@code': '200' }, hits: { hit: [{ info: { authors: { author: [{ text: author }, { text: 'Wei Liu 0001' }] }, title: 'Who builds a house without drawing blueprints?', year: '2015', type: 'Journal Articles', key: 'journals/cacm/Lamport15' } }] } } });
    const hostile = answer(`Leslie${' '.repeat(300_000)}Lamport`);
    assert.deepEqual(parseDblpSearch(hostile)[0]!.paper.author, [{ given: 'Leslie', family: 'Lamport' }, { given: 'Wei', family: 'Liu' }]);
    linear(hostile, answer(`Leslie${'y'.repeat(300_000)}Lamport`), parseDblpSearch, 'spaced name');
  });

  it('Semantic Scholar: a 300 KB title of glued sentences ("ab.Cde" repeated)', () => {
    const o = JSON.parse(recorded('semanticscholar/paper_search_sublinear_edit_distance.json').body) as { data: { title: string }[] };
    const grow = (title: string) => { o.data[0]!.title = title; return JSON.stringify(o); };
    const hostile = grow('ab.Cde'.repeat(50_000));
    assert.equal(parseS2Search(hostile)[0]!.paper.title!.slice(0, 26), 'ab. Cdeab.Cdeab. Cdeab.Cde');
    linear(hostile, grow('abcdef'.repeat(50_000)), parseS2Search, 'glued sentences');
  });
});

describe('online providers: values nested 40,000 levels deep', () => {
  // JSON.parse reads any depth; a reader that recursed into a value would exhaust the stack (at about
  // 15,000 levels here). Each value of the first item of a real answer (of lists, their first two
  // elements) is wrapped in 40,000 lists in turn, and each of its fields in 40,000 objects: the
  // reader must not throw (a Malformed answer is allowed) and must read the other items as before.
  const DEPTH = 40_000;
  const MARK = '\u0001deep\u0001';
  type Json = unknown;
  /** Paths to the scalar values under `root`, found without recursion. */
  const leaves = (root: Json): (string | number)[][] => {
    const out: (string | number)[][] = [];
    const stack: [Json, (string | number)[]][] = [[root, []]];
    while (stack.length) {
      const [v, at] = stack.pop()!;
      if (v !== null && typeof v === 'object') {
        for (const [k, c] of Object.entries(v)) if (!Array.isArray(v) || Number(k) < 2) stack.push([c, [...at, Array.isArray(v) ? Number(k) : k]]);
      } else out.push(at);
    }
    return out;
  };
  const nested = (body: string, itemPath: (string | number)[], leaf: (string | number)[], open: string, close: string): string => {
    const o = JSON.parse(body) as Json;
    let parent = o as Record<string | number, Json>;
    const full = [...itemPath, ...leaf];
    for (const k of full.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
    const last = full[full.length - 1]!;
    const value = parent[last];
    parent[last] = MARK;
    return JSON.stringify(o).replace(JSON.stringify(MARK), () => open.repeat(DEPTH) + JSON.stringify(value) + close.repeat(DEPTH));
  };
  const cases: [string, (body: string) => unknown, (string | number)[], string][] = [
    ['crossref/works_query_ecology_rows2.json', parseCrossrefSearch, ['message', 'items', 0], 'message.items'],
    ['openalex/works_search_attention_mechanism_per_page3.json', parseOpenAlexSearch, ['results', 0], 'results'],
    ['semanticscholar/paper_search_sublinear_edit_distance.json', parseS2Search, ['data', 0], 'data'],
    ['crossref/transform_citeproc_json_10.1126_science.169.3946.635.json', b => parseCslAnswer(b, '10.1126/science.169.3946.635'), [], ''],
    ['openalex/works_W4234567890.json', b => openAlex.parseLookup({ status: 200, headers: {}, body: b }, { kind: 'openalex', id: 'W4234567890' }), [], ''],
    ['semanticscholar/paper_doi_10.48550_arxiv.2312.07559.json', b => semanticScholar.parseLookup({ status: 200, headers: {}, body: b }, { kind: 'doi', id: '10.48550/arXiv.2312.07559' }), [], ''],
  ];
  for (const [file, read, itemPath, list] of cases) {
    it(`${file}: every value of ${list ? 'the first item' : 'the record'} in turn`, function () {
      this.timeout(120_000);
      const body = recorded(file).body;
      const root = JSON.parse(body) as Json;
      let item = root;
      for (const k of itemPath) item = (item as Record<string | number, Json>)[k];
      // The other items, read alone, are what the reader must still return after the first.
      let rest: unknown[] | undefined;
      if (list) {
        const o = JSON.parse(body) as Json;
        let l = o as Record<string | number, Json>;
        for (const k of itemPath.slice(0, -1)) l = l[k] as Record<string | number, Json>;
        (l as unknown as unknown[]).splice(0, 1);
        rest = read(JSON.stringify(o)) as unknown[];
        assert.ok(rest.length > 0, `${file} has more than one item`);
      }
      const paths = leaves(item);
      assert.ok(paths.length >= 2, `${file}: ${paths.length} values`);
      // Every value in lists; every field of the item in objects (deep objects are slower to make).
      const targets: [(string | number)[], string, string][] = [
        ...paths.map((leaf): [(string | number)[], string, string] => [leaf, '[', ']']),
        ...Object.keys(item as object).map((k): [(string | number)[], string, string] => [[k], '{"a":', '}']),
      ];
      for (const [leaf, open, close] of targets) {
        const hostile = nested(body, itemPath, leaf, open, close);
        let got: unknown;
        try {
          got = read(hostile);
        } catch (err) {
          assert.ok(err instanceof Malformed, `${file} ${leaf.join('.')} in ${open}…${close}: threw ${(err as Error).name}: ${(err as Error).message}`);
          continue;
        }
        if (rest) {
          const recs = got as unknown[];
          assert.ok(recs.length - rest.length === 0 || recs.length - rest.length === 1, `${file} ${leaf.join('.')}: ${recs.length} records`);
          assert.deepEqual(recs.slice(recs.length - rest.length), rest, `${file} ${leaf.join('.')}`);
        }
      }
    });
  }
});

const providers: Provider[] = [arxiv, dblp, crossref, semanticScholar, openAlex];
describe('online providers: hostile and empty answers', () => {
  for (const p of providers) {
    it(`${p.name}: garbage is Malformed, never a crash or a paper`, () => {
      for (const body of ['', 'null', '[]', '{"data": 5}', '<html><body>hi</body></html>', '\u0000\u0001', '{"results": [{"id": 5}]}']) {
        try {
          const recs = p.parseSearch({ status: 200, headers: {}, body });
          assert.ok(Array.isArray(recs) && recs.every(r => r.paper.title), `${p.name} on ${JSON.stringify(body)}`);
        } catch (err) {
          assert.ok(err instanceof Malformed, `${p.name} threw ${(err as Error).name} on ${JSON.stringify(body)}`);
        }
      }
    });
  }
  const names: ProviderName[] = providers.map(p => p.name);
  it('covers every provider', () => assert.deepEqual(names.sort(), ['arxiv', 'crossref', 'dblp', 'openalex', 'semanticscholar']));
});
