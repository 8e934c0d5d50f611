import * as assert from 'node:assert/strict';
import { cpuMs } from '../support/cpuTime';
import { detectIdentifier } from '../../src/core/online/identifiers';
import type { Identifier } from '../../src/core/online/types';

// Real-world forms, as people paste them.
const CASES: [string, Identifier | undefined][] = [
  // DOIs
  ['10.1126/science.169.3946.635', { kind: 'doi', id: '10.1126/science.169.3946.635' }],
  ['doi:10.1109/32.588534', { kind: 'doi', id: '10.1109/32.588534' }],
  ['DOI: 10.1145/2736348', { kind: 'doi', id: '10.1145/2736348' }],
  ['https://doi.org/10.1038/s42256-024-00832-8', { kind: 'doi', id: '10.1038/s42256-024-00832-8' }],
  ['http://dx.doi.org/10.1126/science.169.3946.635', { kind: 'doi', id: '10.1126/science.169.3946.635' }],
  ['https://doi.org/10.1126%2Fscience.169.3946.635', { kind: 'doi', id: '10.1126/science.169.3946.635' }],
  ['doi.org/10.1007/978-3-031-16400-2', { kind: 'doi', id: '10.1007/978-3-031-16400-2' }],
  ['10.1016/S0014-5793(01)03313-0', { kind: 'doi', id: '10.1016/S0014-5793(01)03313-0' }],
  ['(10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0)', undefined], // spaces-free but wrapped: see next
  ['10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0', { kind: 'doi', id: '10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0' }],
  ['10.1145/3290605.3300857.', { kind: 'doi', id: '10.1145/3290605.3300857' }],
  ['<https://doi.org/10.18653/v1/P19-1001>', { kind: 'doi', id: '10.18653/v1/P19-1001' }],
  // arXiv's DOIs are arXiv ids
  ['10.48550/arXiv.2304.05376', { kind: 'arxiv', id: '2304.05376' }],
  ['https://doi.org/10.48550/arxiv.2312.07559', { kind: 'arxiv', id: '2312.07559' }],
  // arXiv
  ['2304.05376', { kind: 'arxiv', id: '2304.05376' }],
  ['2304.05376v2', { kind: 'arxiv', id: '2304.05376v2' }],
  ['arXiv:1707.08567', { kind: 'arxiv', id: '1707.08567' }],
  ['0808.0539', { kind: 'arxiv', id: '0808.0539' }],
  ['hep-th/9901001', { kind: 'arxiv', id: 'hep-th/9901001' }],
  ['quant-ph/0201082v1', { kind: 'arxiv', id: 'quant-ph/0201082v1' }],
  ['math.GT/0309136', { kind: 'arxiv', id: 'math.GT/0309136' }],
  ['https://arxiv.org/abs/2304.05376', { kind: 'arxiv', id: '2304.05376' }],
  ['https://arxiv.org/abs/2304.05376v3', { kind: 'arxiv', id: '2304.05376v3' }],
  ['https://arxiv.org/pdf/2304.05376.pdf', { kind: 'arxiv', id: '2304.05376' }],
  ['https://arxiv.org/pdf/2304.05376v1', { kind: 'arxiv', id: '2304.05376v1' }],
  ['http://export.arxiv.org/abs/hep-th/9901001', { kind: 'arxiv', id: 'hep-th/9901001' }],
  ['arxiv.org/abs/1706.03762', { kind: 'arxiv', id: '1706.03762' }],
  // DBLP
  ['https://dblp.org/rec/conf/acl/DevlinCLT19', { kind: 'dblp', id: 'conf/acl/DevlinCLT19' }],
  ['https://dblp.org/rec/conf/naacl/DevlinCLT19.html', { kind: 'dblp', id: 'conf/naacl/DevlinCLT19' }],
  ['https://dblp.org/rec/series/sci/2023-1062.bib', { kind: 'dblp', id: 'series/sci/2023-1062' }],
  ['http://dblp.uni-trier.de/rec/bib2/journals/cacm/Lamport15', { kind: 'dblp', id: 'journals/cacm/Lamport15' }],
  ['DBLP:journals/cacm/Lamport15', { kind: 'dblp', id: 'journals/cacm/Lamport15' }],
  // ACL Anthology
  ['https://aclanthology.org/P19-1001/', { kind: 'acl', id: 'P19-1001' }],
  ['https://aclanthology.org/2020.acl-main.1.pdf', { kind: 'acl', id: '2020.acl-main.1' }],
  ['2020.acl-main.1', { kind: 'acl', id: '2020.acl-main.1' }],
  ['2021.findings-emnlp.100', { kind: 'acl', id: '2021.findings-emnlp.100' }],
  ['P19-1001', { kind: 'acl', id: 'P19-1001' }],
  ['https://www.aclweb.org/anthology/N19-1423', { kind: 'acl', id: 'N19-1423' }],
  // Semantic Scholar
  ['https://www.semanticscholar.org/paper/PaperQA%3A-Retrieval-Augmented-Generative-Agent-for-L%C3%A1la-Lin/7e55d8701785818776323b4147cb13354c820469', { kind: 's2', id: '7e55d8701785818776323b4147cb13354c820469' }],
  ['https://www.semanticscholar.org/paper/2d5673caa9e6af3a7b82a43f19ee920992db07ad', { kind: 's2', id: '2d5673caa9e6af3a7b82a43f19ee920992db07ad' }],
  // OpenAlex
  ['https://openalex.org/W4234567890', { kind: 'openalex', id: 'W4234567890' }],
  ['https://api.openalex.org/works/W4396723768', { kind: 'openalex', id: 'W4396723768' }],
  ['W4365597205', { kind: 'openalex', id: 'W4365597205' }],
  ['openalex:w4365597205', { kind: 'openalex', id: 'W4365597205' }],
  // not identifiers
  ['attention is all you need', undefined],
  ['transformers', undefined],
  ['2020', undefined],
  ['1999.', undefined],
  ['2313.05376', undefined], // no 13th month
  ['12.34', undefined],
  ['10.5', undefined],
  ['someone@example.org', undefined],
  ['mailto:someone@example.org', undefined],
  ['https://example.org/abs/2304.05376', undefined],
  ['https://arxiv.org/list/cs.CL/recent', undefined],
  ['https://dblp.org/pid/l/LeslieLamport.html', undefined],
  ['https://aclanthology.org/events/acl-2020/', undefined],
  ['https://www.semanticscholar.org/author/Andrew-White/144474282', undefined],
  ['W12', undefined],
  ['', undefined],
  ['   ', undefined],
];

describe('online: identifier detection', () => {
  for (const [text, want] of CASES) {
    it(`${JSON.stringify(text)} → ${want ? `${want.kind} ${want.id}` : 'none'}`, () => {
      assert.deepEqual(detectIdentifier(text), want);
    });
  }

  it('looks at a bounded prefix of a huge paste', () => {
    const a = `10.1234/${'a'.repeat(5_000_000)}`;
    const b = `https://arxiv.org/abs/${'1'.repeat(1_000_000)}`;
    const ms = cpuMs(() => {
      assert.equal(detectIdentifier(a), undefined);
      assert.equal(detectIdentifier(b), undefined);
    });
    assert.ok(ms < 500, `${ms.toFixed(0)} ms of CPU`);
  });
});
