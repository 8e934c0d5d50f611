// Citing a paper found online: a key in PaperCite's scheme that neither the library nor the
// project's .bib has, the provider's authoritative BibTeX entry under that key, appended to the
// .bib by the same safe writer as library entries. A paper the .bib already has keeps its key and
// is not added again.
import * as vscode from 'vscode';
import { paperToBibtex } from '../../core/bibtex/export';
import { citeKeyFor } from '../../core/citekey';
import { bibEntryToPaper } from '../../core/bibtex/toCsl';
import { mergeOnline } from '../../core/online/match';
import { PROVIDER_LABEL, type OnlineRecord } from '../../core/online/types';
import type { ProjectBib } from '../cite/projectBib';
import { describe, log } from '../log';
import type { Services } from '../services';

/**
 * Writes the record's entry to the .bib `docUri` cites from and returns the key to cite, or
 * undefined when nothing could be written (the user was told why).
 */
export async function citeOnline(services: Services, bib: ProjectBib, record: OnlineRecord, docUri: vscode.Uri): Promise<string | undefined> {
  const doc = vscode.workspace.textDocuments.find(d => d.uri.toString() === docUri.toString()) ?? await vscode.workspace.openTextDocument(docUri);
  const { entries } = await bib.index(doc);
  // The same work already in the .bib (an identifier, or title with an author or the year, as
  // `papercite add` decides): cite it under its key.
  const inBib = [...entries.values()].map(({ uri, entry }) => bibEntryToPaper(entry, uri.path));
  const same = mergeOnline(inBib, [record])[0]?.local;
  if (same) {
    log.info(`[online] ${same.id} in the .bib is the same paper as the ${PROVIDER_LABEL[record.provider]} record; citing it`);
    services.online.remember(record, same.id);
    return same.id;
  }
  // BibTeX takes keys that differ only in case for one.
  const taken = new Set([...entries.keys()].map(k => k.toLowerCase()));
  let key = citeKeyFor(record.paper, taken);
  while (services.library.byKey(key)) { taken.add(key); key = citeKeyFor(record.paper, taken); }

  const fallback = () => paperToBibtex({ ...record.paper, id: key });
  let text: string;
  try {
    text = await services.online.bibtex(record, key);
  } catch (err) {
    log.warn(`[online] no BibTeX entry from the provider for ${key}: ${describe(err)}; writing one from the record`);
    text = fallback();
  }
  let res = await bib.addEntryTexts([{ key, bibtex: text }], docUri);
  if (res.rejected?.includes(key)) {
    log.warn(`[online] the provider's BibTeX for ${key} was not one valid entry; writing one from the record`);
    res = await bib.addEntryTexts([{ key, bibtex: fallback() }], docUri);
  }
  if (res.refused || !(res.added.includes(key) || res.present.includes(key))) return undefined;
  services.online.remember(record, key);
  return key;
}
