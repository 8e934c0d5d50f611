// The queries a user types inside `\cite{…}` to find one known ACL Anthology paper: title words with
// a space, author and title word, with a typo, and each of those joined by hyphens. Shared by the
// unit test (ranking through the completion's ranking) and `npm run bench:ui` (typed into the real
// editor). A hit is the target key among the first five rows.

export type CiteQueryForm = 'title words' | 'author + title' | 'typo' | 'hyphens';

export interface CiteQuery {
  form: CiteQueryForm;
  query: string;
  /** The intended paper's key in the Anthology. */
  target: string;
}

const SPACED: CiteQuery[] = [
  { form: 'title words', query: 'global vectors', target: 'pennington-etal-2014-glove' },
  { form: 'title words', query: 'deep contextualized', target: 'peters-etal-2018-deep' },
  { form: 'title words', query: 'subword units', target: 'sennrich-etal-2016-neural' },
  { form: 'title words', query: 'sentence embeddings siamese', target: 'reimers-gurevych-2019-sentence' },
  { form: 'author + title', query: 'devlin bert', target: 'devlin-etal-2019-bert' },
  { form: 'author + title', query: 'peters deep contextualized', target: 'peters-etal-2018-deep' },
  { form: 'author + title', query: 'sennrich subword', target: 'sennrich-etal-2016-neural' },
  { form: 'author + title', query: 'papineni bleu', target: 'papineni-etal-2002-bleu' },
  { form: 'typo', query: 'pennigton glove', target: 'pennington-etal-2014-glove' },
  { form: 'typo', query: 'deep contextualzied', target: 'peters-etal-2018-deep' },
  { form: 'typo', query: 'sennrich subwrod', target: 'sennrich-etal-2016-neural' },
  { form: 'typo', query: 'reimers sentense bert', target: 'reimers-gurevych-2019-sentence' },
];

export const CITE_QUERIES: readonly CiteQuery[] = [
  ...SPACED,
  ...SPACED.map(q => ({ form: 'hyphens' as const, query: q.query.replace(/ /g, '-'), target: q.target })),
];
