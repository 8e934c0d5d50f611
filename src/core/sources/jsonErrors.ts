// Node's JSON.parse often names no position ("Unexpected token '}' … is not valid JSON"); this
// small scanner finds where JSON text first goes wrong, so a problem can name the line.

export interface JsonSyntaxError {
  offset: number;
  line: number;
  column: number;
  message: string;
}

/** Line (1-based) of an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The first syntax error of `text` as JSON, or undefined when it is valid JSON. */
export function findJsonError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const n = text.length;
  const fail = (message: string, at = i): never => {
    throw Object.assign(new Error(message), { at });
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const describeAt = () => (i >= n ? 'the end of the file' : `'${text[i]}'`);
  // Objects and arrays open on a stack, not on the call stack: JSON nested a million deep is read too.
  const open: number[] = [];
  const key = () => {
    ws();
    if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describeAt()}`);
    string();
    ws();
    if (text[i] !== ':') fail(`expected ':' after a property name, found ${describeAt()}`);
    i++;
  };
  /** Reads one value; false when it opened a container whose first value comes next. */
  const scalarOrOpen = (): boolean => {
    ws();
    if (i >= n) fail('unexpected end of the file: a value is missing');
    const c = text[i];
    if (c === '{' || c === '[') {
      i++; ws();
      if (text[i] === (c === '{' ? '}' : ']')) { i++; return true; }
      open.push(c === '{' ? 123 : 91);
      if (c === '{') key();
      return false;
    }
    if (c === '"') {
      string();
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (!m) fail(`invalid number`);
      i += m![0].length;
    } else {
      const lit = ['true', 'false', 'null'].find(l => text.startsWith(l, i));
      if (!lit) fail(`unexpected ${describeAt()}`);
      i += lit!.length;
    }
    return true;
  };
  const value = (): void => {
    for (;;) {
      if (!scalarOrOpen()) continue;
      // A value ended: commas and closers until the next value, or the end of the outermost one.
      for (;;) {
        if (!open.length) return;
        ws();
        const obj = open[open.length - 1] === 123;
        if (text[i] === ',') { i++; if (obj) key(); break; }
        if (text[i] === (obj ? '}' : ']')) { i++; open.pop(); continue; }
        fail(obj ? `expected ',' or '}' after a property value, found ${describeAt()}` : `expected ',' or ']' after an array element, found ${describeAt()}`);
      }
    }
  };
  const string = () => {
    const start = i;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) { i++; return; }
      if (c === 92) { i += 2; continue; }
      if (c < 32) fail('unescaped control character (a line break?) inside a string');
      i++;
    }
    fail('unterminated string', start);
  };
  try {
    value();
    ws();
    if (i < n) fail(`unexpected ${describeAt()} after the end of the JSON value`);
    return undefined;
  } catch (err) {
    const at = Math.min((err as { at?: number }).at ?? i, n);
    const line = lineOf(text, at);
    const column = at - (text.lastIndexOf('\n', at - 1) + 1) + 1;
    return { offset: at, line, column, message: (err as Error).message };
  }
}

/**
 * Offsets of the elements of a top-level JSON array (the text must be valid JSON), as 1-based
 * lines, in one linear pass.
 */
export function arrayElementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectValue = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) { line++; continue; }
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (depth === 1 && expectValue && c !== 93 /* ] */) {
      lines.push(line);
      expectValue = false;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth++;
      if (depth === 1 && c === 91) expectValue = true;
    } else if (c === 93 || c === 125) depth--;
    else if (c === 44 && depth === 1) expectValue = true;
  }
  return lines;
}
