// Library text on a terminal: titles, keys and messages come from files anyone can write, so
// control characters (ESC sequences that clear the screen, set the title or make OSC 8 links, a
// carriage return or backspace that overwrites what was printed) and bidirectional overrides are
// shown as visible escapes instead of being sent to the terminal. JSON output escapes them itself.

/** C0 except line feed, DEL, C1, and the bidi marks and embedding/override/isolate controls. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** The same, line feed included: for one field on one line. */
const UNSAFE_FIELD = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves raw but terminals obey: DEL, C1 and the bidi controls. */
const JSON_RAW = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function visible(c: string): string {
  const code = c.charCodeAt(0);
  if (code === 9) return ' ';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Text for the terminal: every control character but the line feed shown as `\xNN` (a tab as a space). */
export function terminalText(s: string): string {
  return s.replace(UNSAFE, visible);
}

/** One field on one line: line breaks shown as spaces, other controls as `\xNN`. */
export function terminalField(s: string): string {
  return s.replace(UNSAFE_FIELD, c => (c === '\n' || c === '\r' || c === '\t' ? ' ' : visible(c)));
}

/** A writer that passes everything through `terminalText`. */
export function safeWriter<W extends { write(s: string): unknown }>(w: W): W {
  return Object.assign(Object.create(w) as W, { write: (s: string) => w.write(terminalText(s)) });
}

/** JSON (indented when `indent`) with every character a terminal would obey escaped. */
export function safeJson(v: unknown, indent?: number): string {
  return JSON.stringify(v, null, indent).replace(JSON_RAW, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
