import * as assert from 'node:assert/strict';
import { answerFor, isAnswer, LW_OFF_VALUE, OFFER_CHOICES, settingTarget, shouldOffer, type OfferFacts } from '../../src/core/latexWorkshopOffer';

const base: OfferFacts = { latexWorkshop: true, languageId: 'latex', remembered: undefined, askedThisSession: false, lwValue: 5 };

describe('LaTeX Workshop offer: when to ask', () => {
  it('asks on a LaTeX document when LaTeX Workshop is installed and nothing was answered', () => {
    assert.equal(shouldOffer(base), true);
    assert.equal(shouldOffer({ ...base, languageId: 'tex' }), true);
    assert.equal(shouldOffer({ ...base, lwValue: 100 }), true, 'a raised .bib limit is not a hand-over');
    assert.equal(shouldOffer({ ...base, lwValue: undefined }), true);
  });

  it('never asks without LaTeX Workshop, outside LaTeX, twice in a window, or after any answer', () => {
    assert.equal(shouldOffer({ ...base, latexWorkshop: false }), false);
    for (const languageId of ['markdown', 'bibtex', 'plaintext', 'typst']) assert.equal(shouldOffer({ ...base, languageId }), false, languageId);
    assert.equal(shouldOffer({ ...base, askedThisSession: true }), false);
    for (const remembered of ['use', 'keep', 'never'] as const) assert.equal(shouldOffer({ ...base, remembered }), false, remembered);
  });

  it('does not ask when LaTeX Workshop already leaves .bib files alone', () => {
    assert.equal(shouldOffer({ ...base, lwValue: LW_OFF_VALUE }), false);
  });

  it('treats whatever else globalState holds as no answer (it is user data)', () => {
    for (const remembered of [null, '', 'USE', 1, {}, ['use']]) {
      assert.equal(isAnswer(remembered), false);
      assert.equal(shouldOffer({ ...base, remembered }), true, JSON.stringify(remembered));
    }
  });
});

describe('LaTeX Workshop offer: answers', () => {
  it('maps the three buttons to their answers and a closed message to none', () => {
    assert.deepEqual(OFFER_CHOICES.map(c => answerFor(c.label)), ['use', 'keep', 'never']);
    assert.equal(answerFor(undefined), undefined);
    assert.equal(answerFor('use papercite'), undefined);
  });

  it('writes to the workspace when a folder is open, else to the user settings', () => {
    assert.equal(settingTarget(1), 'workspace');
    assert.equal(settingTarget(3), 'workspace');
    assert.equal(settingTarget(0), 'global');
  });
});
