// Beside LaTeX Workshop: asks once, when a LaTeX document is shown, whether PaperCite alone should
// complete citations, and changes LaTeX Workshop's setting only on "Use PaperCite" (the decision
// rules are in src/core/latexWorkshopOffer.ts).
import * as vscode from 'vscode';
import { answerFor, LATEX_WORKSHOP_ID, LW_OFF_VALUE, LW_SECTION, LW_SETTING, OFFER_CHOICES, OFFER_MESSAGE, OFFER_STATE_KEY, settingTarget, shouldOffer } from '../../core/latexWorkshopOffer';
import { log, reportError } from '../log';

export function registerLatexWorkshopOffer(context: vscode.ExtensionContext): vscode.Disposable {
  let asked = false;
  const check = async (doc: vscode.TextDocument | undefined): Promise<void> => {
    if (!doc) return;
    const facts = {
      latexWorkshop: !!vscode.extensions.getExtension(LATEX_WORKSHOP_ID),
      languageId: doc.languageId,
      remembered: context.globalState.get<unknown>(OFFER_STATE_KEY),
      askedThisSession: asked,
      lwValue: vscode.workspace.getConfiguration(LW_SECTION, doc.uri).get<unknown>(LW_SETTING),
    };
    if (!shouldOffer(facts)) return;
    asked = true;
    const label = await vscode.window.showInformationMessage(OFFER_MESSAGE, ...OFFER_CHOICES.map(c => c.label));
    const answer = answerFor(label);
    if (!answer) return; // closed: asked again in a later window
    await context.globalState.update(OFFER_STATE_KEY, answer);
    if (answer !== 'use') { log.info(`[cite] LaTeX Workshop beside PaperCite: ${label}`); return; }
    const where = settingTarget(vscode.workspace.workspaceFolders?.length ?? 0);
    await vscode.workspace.getConfiguration(LW_SECTION).update(LW_SETTING, LW_OFF_VALUE, where === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
    const place = where === 'workspace' ? "this workspace's settings" : 'your user settings';
    log.info(`[cite] LaTeX Workshop beside PaperCite: set ${LW_SECTION}.${LW_SETTING} to ${LW_OFF_VALUE} in ${place}`);
    void vscode.window.showInformationMessage(`PaperCite set ${LW_SECTION}.${LW_SETTING} to ${LW_OFF_VALUE} in ${place}; remove that setting to give LaTeX Workshop its citations back.`);
  };
  const run = (doc: vscode.TextDocument | undefined) => { check(doc).catch(err => reportError('The LaTeX Workshop offer failed', err)); };
  run(vscode.window.activeTextEditor?.document);
  return vscode.window.onDidChangeActiveTextEditor(e => run(e?.document));
}
