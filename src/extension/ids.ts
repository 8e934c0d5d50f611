// Every command, view, setting and context key id in one place (they must match package.json).
export const Commands = {
  insertCitation: 'papercite.insertCitation',
  searchPapers: 'papercite.searchPapers',
  openPaper: 'papercite.openPaper',
  insertPaper: 'papercite.insertPaper',
  copyKey: 'papercite.copyKey',
  copyBibtex: 'papercite.copyBibtex',
  copyReference: 'papercite.copyReference',
  revealInTree: 'papercite.revealInTree',
  filterTree: 'papercite.filterTree',
  clearTreeFilter: 'papercite.clearTreeFilter',
  groupByAuthor: 'papercite.groupByAuthor',
  groupByOwner: 'papercite.groupByOwner',
  groupByYear: 'papercite.groupByYear',
  groupByCategory: 'papercite.groupByCategory',
  reloadLibrary: 'papercite.reloadLibrary',
  addLibrary: 'papercite.addLibrary',
  showLog: 'papercite.showLog',
  addBibEntry: 'papercite.addBibEntry',
  openSourceProblem: 'papercite.openSourceProblem',
  enableOnlineSearch: 'papercite.enableOnlineSearch',
  setOnlineApiKey: 'papercite.setOnlineApiKey',
  // Internal, hidden from the palette: the session's state as JSON (tests and benchmarks read it).
  getState: 'papercite.getState',
  // Run by code actions and accepted completions only (not in package.json).
  findPublishedVersion: 'papercite.online.findPublished',
  replacePreprint: 'papercite.online.replacePreprint',
  completionAccepted: 'papercite.cite.completionAccepted',
} as const;

export type CommandId = typeof Commands[keyof typeof Commands];

export const Views = {
  container: 'papercite',
  papers: 'papercite.papers',
  sources: 'papercite.sources',
  panel: 'papercite.paperPanel',
} as const;

export const ContextKeys = {
  libraryState: 'papercite.libraryState',
  treeFiltered: 'papercite.treeFiltered',
} as const;

export const SECTION = 'papercite';
