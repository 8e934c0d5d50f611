// The one-time offer to let PaperCite alone complete citations where LaTeX Workshop is installed
// (it also answers inside \cite{…}, from the same .bib files): when to ask and what each answer
// does. Pure; src/extension/cite/latexWorkshop.ts reads the facts and applies the outcome.

export const LATEX_WORKSHOP_ID = 'james-yu.latex-workshop';

/**
 * LaTeX Workshop 10.x has no switch for its citation completion alone (`intellisense.citation.type:
 * "browser"` would open its own picker on every `\cite{` instead). It reads no `.bib` whose size is
 * at or above `bibtex.maxFileSize` MB: at 0 its citation list keeps only `\bibitem` keys, and its
 * citation hover and `.bib` outline go too (the offer says so).
 */
export const LW_SECTION = 'latex-workshop';
export const LW_SETTING = 'bibtex.maxFileSize';
export const LW_OFF_VALUE = 0;

/** globalState key of the remembered answer. */
export const OFFER_STATE_KEY = 'papercite.latexWorkshopOffer';

/** A notification shows no detail line: what "Use PaperCite" changes is said in the message itself. */
export const OFFER_MESSAGE = `LaTeX Workshop also completes citations; let PaperCite handle \\cite completion? ("Use PaperCite" sets LaTeX Workshop's ${LW_SECTION}.${LW_SETTING} to ${LW_OFF_VALUE}: it then reads no .bib, for its completion, hover and outline alike.)`;

export type OfferAnswer = 'use' | 'keep' | 'never';
export const OFFER_CHOICES: readonly { answer: OfferAnswer; label: string }[] = [
  { answer: 'use', label: 'Use PaperCite' },
  { answer: 'keep', label: 'Keep both' },
  { answer: 'never', label: "Don't ask again" },
];

const LATEX_LANGUAGES = new Set(['latex', 'tex', 'latex-expl3']);

export interface OfferFacts {
  /** LaTeX Workshop is installed (enabled). */
  latexWorkshop: boolean;
  /** Language of the document just shown. */
  languageId: string;
  /** What globalState holds under OFFER_STATE_KEY (anything: it is user data). */
  remembered: unknown;
  /** Asked already in this window (the message was dismissed without an answer). */
  askedThisSession: boolean;
  /** LaTeX Workshop's setting as it stands (effective value). */
  lwValue: unknown;
}

export function isAnswer(v: unknown): v is OfferAnswer {
  return v === 'use' || v === 'keep' || v === 'never';
}

/** Ask once: LaTeX Workshop installed, a LaTeX document, no answer yet, not already handed over. */
export function shouldOffer(f: OfferFacts): boolean {
  if (!f.latexWorkshop || f.askedThisSession || isAnswer(f.remembered)) return false;
  if (!LATEX_LANGUAGES.has(f.languageId)) return false;
  return f.lwValue !== LW_OFF_VALUE;
}

/** The answer behind a clicked label; undefined when the message was closed. */
export function answerFor(label: string | undefined): OfferAnswer | undefined {
  return OFFER_CHOICES.find(c => c.label === label)?.answer;
}

/** Where "Use PaperCite" writes: the workspace's settings when a folder is open, else the user's. */
export function settingTarget(workspaceFolders: number): 'workspace' | 'global' {
  return workspaceFolders > 0 ? 'workspace' : 'global';
}
