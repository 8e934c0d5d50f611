// LaTeX ⇄ Unicode for BibTeX values. `latexToUnicode` is for display (accents, symbols, case braces
// removed); `unicodeToLatex` is for export: pure ASCII with LaTeX commands, so the .bib compiles with
// pdflatex+bibtex (whose 8-bit name handling can cut a UTF-8 character in half) and with biber.

/** Combining marks for the accent commands. */
const ACCENTS: Record<string, string> = {
  "'": '\u0301', '`': '\u0300', '^': '\u0302', '"': '\u0308', '~': '\u0303', '=': '\u0304',
  '.': '\u0307', u: '\u0306', v: '\u030c', H: '\u030b', c: '\u0327', k: '\u0328', r: '\u030a',
  d: '\u0323', b: '\u0331', t: '\u0361', G: '\u030f', U: '\u030e',
};

/** Commands that stand for one character (text mode, and the common math ones). */
const SYMBOLS: Record<string, string> = {
  ss: 'ß', SS: 'SS', o: 'ø', O: 'Ø', ae: 'æ', AE: 'Æ', oe: 'œ', OE: 'Œ', aa: 'å', AA: 'Å', l: 'ł', L: 'Ł',
  i: 'ı', j: 'ȷ', dh: 'ð', DH: 'Ð', th: 'þ', TH: 'Þ', ng: 'ŋ', NG: 'Ŋ', dj: 'đ', DJ: 'Đ',
  '&': '&', '%': '%', $: '$', '#': '#', _: '_', '{': '{', '}': '}', ' ': ' ', ',': ' ', ';': ' ', ':': ' ',
  '!': '', '-': '', '/': '', '@': '', '\\': ' ', quad: ' ', qquad: ' ', space: ' ', enspace: ' ', thinspace: ' ',
  textbackslash: '\\', textasciitilde: '~', textasciicircum: '^', textasciigrave: '`', textunderscore: '_', textbar: '|',
  textless: '<', textgreater: '>', textbraceleft: '{', textbraceright: '}', textdollar: '$',
  ldots: '…', dots: '…', textellipsis: '…', textendash: '–', textemdash: '—', textquoteleft: '‘',
  textquoteright: '’', textquotedblleft: '“', textquotedblright: '”', quotedblbase: '„', quotesinglbase: '‚',
  guillemotleft: '«', guillemotright: '»', guillemetleft: '«', guillemetright: '»', flqq: '«', frqq: '»',
  textquotedbl: '"', textquotesingle: "'", textexclamdown: '¡', textquestiondown: '¿',
  copyright: '©', textcopyright: '©', textregistered: '®', texttrademark: '™', S: '§', P: '¶',
  textsection: '§', textparagraph: '¶', pounds: '£', textsterling: '£', euro: '€', texteuro: '€',
  textyen: '¥', textcent: '¢', textdegree: '°', textmu: 'µ', textperthousand: '‰', textbullet: '•',
  textdagger: '†', textdaggerdbl: '‡', dag: '†', ddag: '‡', textperiodcentered: '·', textonehalf: '½',
  textonequarter: '¼', textthreequarters: '¾', texttimes: '×', textdiv: '÷', textpm: '±', textminus: '−',
  textordfeminine: 'ª', textordmasculine: 'º', LaTeX: 'LaTeX', TeX: 'TeX', LaTeXe: 'LaTeX2ε',
  BibTeX: 'BibTeX', XeTeX: 'XeTeX', today: '', relax: '', noindent: '', par: ' ', newline: ' ', linebreak: ' ',
  // math (also accepted outside $…$, as bib files often do)
  alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', epsilon: 'ϵ', varepsilon: 'ε', zeta: 'ζ', eta: 'η',
  theta: 'θ', vartheta: 'ϑ', iota: 'ι', kappa: 'κ', lambda: 'λ', mu: 'μ', nu: 'ν', xi: 'ξ', pi: 'π',
  varpi: 'ϖ', rho: 'ρ', varrho: 'ϱ', sigma: 'σ', varsigma: 'ς', tau: 'τ', upsilon: 'υ', phi: 'ϕ',
  varphi: 'φ', chi: 'χ', psi: 'ψ', omega: 'ω', Gamma: 'Γ', Delta: 'Δ', Theta: 'Θ', Lambda: 'Λ',
  Xi: 'Ξ', Pi: 'Π', Sigma: 'Σ', Upsilon: 'Υ', Phi: 'Φ', Psi: 'Ψ', Omega: 'Ω',
  times: '×', cdot: '·', cdots: '⋯', pm: '±', mp: '∓', leq: '≤', le: '≤', geq: '≥', ge: '≥', neq: '≠',
  ne: '≠', approx: '≈', sim: '∼', simeq: '≃', equiv: '≡', propto: '∝', infty: '∞', partial: '∂',
  nabla: '∇', sum: '∑', prod: '∏', int: '∫', sqrt: '√', in: '∈', notin: '∉', subset: '⊂', subseteq: '⊆',
  supset: '⊃', cup: '∪', cap: '∩', emptyset: '∅', forall: '∀', exists: '∃', neg: '¬', land: '∧',
  lor: '∨', to: '→', rightarrow: '→', leftarrow: '←', leftrightarrow: '↔', Rightarrow: '⇒',
  Leftarrow: '⇐', Leftrightarrow: '⇔', mapsto: '↦', uparrow: '↑', downarrow: '↓', ell: 'ℓ',
  langle: '⟨', rangle: '⟩', lbrace: '{', rbrace: '}', vert: '|', mid: '|', circ: '∘', star: '⋆',
  ast: '∗', prime: '′', degree: '°', hbar: 'ℏ', top: '⊤', bot: '⊥', vdash: '⊢', models: '⊨',
  cdotp: '·', colon: ':', ldotp: '.', lfloor: '⌊', rfloor: '⌋', lceil: '⌈', rceil: '⌉',
};

/** Commands whose (first) braced argument is their text: formatting, which display drops. */
const WRAPPERS = new Set([
  'emph', 'textit', 'textbf', 'textsc', 'texttt', 'textrm', 'textsf', 'textsl', 'textup', 'textmd',
  'textnormal', 'mbox', 'hbox', 'text', 'textsubscript', 'textsuperscript', 'uppercase', 'lowercase',
  'MakeUppercase', 'MakeLowercase', 'mathrm', 'mathit', 'mathbf', 'mathsf', 'mathtt', 'mathcal',
  'mathbb', 'mathfrak', 'mathscr', 'mathnormal', 'boldsymbol', 'bm', 'operatorname', 'underline',
  'ensuremath', 'NoCaseChange', 'nocase', 'enquote', 'foreignlanguage', 'hyphenation', 'url', 'path',
  'detokenize', 'protect', 'textcolor', 'acronym', 'acs', 'ac', 'acl', 'acf',
]);
/** Commands that take two arguments and show the second (`\href{url}{text}`, `\textcolor{red}{x}`). */
const SECOND_ARG = new Set(['href', 'textcolor', 'foreignlanguage']);
/** Font switches (`{\em x}`, `{\bf x}`): dropped. */
const SWITCHES = new Set([
  'em', 'it', 'bf', 'sc', 'tt', 'rm', 'sf', 'sl', 'up', 'md', 'itshape', 'bfseries', 'scshape',
  'ttfamily', 'rmfamily', 'sffamily', 'upshape', 'slshape', 'mdseries', 'normalfont', 'small',
  'footnotesize', 'scriptsize', 'tiny', 'large', 'Large', 'LARGE', 'huge', 'Huge', 'normalsize',
  'displaystyle', 'textstyle', 'scriptstyle', 'boldmath', 'unboldmath', 'selectlanguage', 'left', 'right',
  'big', 'Big', 'bigg', 'Bigg', 'bigl', 'bigr', 'Bigl', 'Bigr', 'noopsort', 'sortnoop',
]);

const SUPERSCRIPTS: Record<string, string> = { 1: '¹', 2: '²', 3: '³' };

/**
 * What makes a string need the decoder: `\ { } ~ $` backtick, control characters, the Unicode
 * spaces, and `--`, `''` or two spaces. A regular expression's search runs as native code, faster
 * than a loop over the characters in JavaScript (most values of a large library, the 30 MB of
 * abstracts among them, have nothing to decode and are only scanned).
 */
const SPECIAL = /[\x00-\x1f\x7f\\{}~$`\u00a0\u2000-\u200a\u3000\ufeff]|--|''|  /;

/** Index of the first character that needs the decoder, or -1. */
function firstSpecial(s: string): number {
  return s.search(SPECIAL);
}

/**
 * Whether `s` has nothing to decode: `latexToUnicode(s)` is then `s` itself, or `s.trim()` when it
 * starts or ends with a space.
 */
export function isPlainLatex(s: string): boolean {
  return firstSpecial(s) < 0;
}

/** Characters the decoder's loop passes over (everything printable but `\ { } ~ $ - \` ' ^ _` and space). */
const PLAIN = new Uint8Array(128);
for (let c = 33; c < 127; c++) PLAIN[c] = 1;
for (const ch of '\\{}~$-`\'^_') PLAIN[ch.charCodeAt(0)] = 0;

export interface DecodeOptions {
  /** Keep `$…$` math verbatim (abstracts, which the panel renders with KaTeX); default: to Unicode. */
  keepMath?: boolean;
}

/**
 * LaTeX (as found in BibTeX values) to plain Unicode text for display: accents composed (`{\'e}`,
 * `\'{e}`, `\c{s}`, `{\v Z}`, `{\'\i}` → é é ş Ž í), symbol commands replaced (`\ss`, `\&`), `--`/`---`
 * to dashes, `~` to a space, case-protecting braces and formatting commands removed, whitespace
 * collapsed. Never throws; unknown commands keep their argument or vanish.
 */
export function latexToUnicode(s: string, opts: DecodeOptions = {}): string {
  const first = firstSpecial(s);
  if (first < 0) return s.length > 0 && (s.charCodeAt(0) === 32 || s.charCodeAt(s.length - 1) === 32) ? s.trim() : s;
  const d = new Decoder(s, opts.keepMath === true);
  d.i = first; // the plain prefix is copied in one piece
  let out: string;
  try {
    out = d.seq(-1, false, 0);
  } catch (err) {
    if (err !== TOO_DEEP) throw err;
    return flatten(s);
  }
  // Spaces may have doubled (a removed command, `~`, a line break): collapse only then.
  out = d.ws ? collapse(out) : out.length > 0 && (out.charCodeAt(0) === 32 || out.charCodeAt(out.length - 1) === 32) ? out.trim() : out;
  return d.combining ? out.normalize('NFC') : out;
}

/** Groups and commands nested deeper than this are not decoded one by one (no recursion on input depth). */
export const MAX_LATEX_NESTING = 100;
const TOO_DEEP = new Error('LaTeX nested too deep');

/** Text nested too deep to decode: commands, braces and `$` dropped in one linear pass. */
function flatten(s: string): string {
  return collapse(s.replace(/\\[A-Za-z]+ *|\\[^A-Za-z]|[{}$]/g, '').replace(/[\t\n\r]/g, ' '));
}

class Decoder {
  i = 0;
  /** How deep seq/command calls are nested now. */
  private level = 0;
  combining = false;
  /** Whitespace may need collapsing. */
  ws = false;
  constructor(private readonly s: string, private readonly keepMath: boolean) {}

  /**
   * Decode until the closing brace of the current group (`depth >= 0`) or the end. `math`: inside
   * `$…$`, where `^`/`_` scripts lose their markup. `runStart`: where plain text began.
   */
  seq(depth: number, math: boolean, runStart = this.i): string {
    if (++this.level > MAX_LATEX_NESTING) throw TOO_DEEP;
    try { return this.seqAt(depth, math, runStart); } finally { this.level--; }
  }

  private seqAt(depth: number, math: boolean, runStart: number): string {
    const s = this.s, n = s.length;
    let out = '';
    let run = runStart; // start of a run of plain characters
    let i = this.i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c > 126 || PLAIN[c] === 1) { i++; continue; }
      switch (c) {
        case 32:
          if (s.charCodeAt(i + 1) === 32) this.ws = true;
          i++;
          continue;
        case 92: { // backslash
          out += s.slice(run, i);
          this.i = i;
          out = this.join(out, this.command(math));
          i = run = this.i;
          continue;
        }
        case 123: { // {
          out += s.slice(run, i);
          this.i = i + 1;
          out = this.join(out, this.seq(depth + 1, math));
          i = run = this.i;
          continue;
        }
        case 125: { // }
          out += s.slice(run, i);
          i++;
          if (depth >= 0) { this.i = i; return out; }
          run = i; // a stray closer: dropped
          this.ws = true;
          continue;
        }
        case 126: // ~
          out += s.slice(run, i) + (math ? '' : ' ');
          this.ws = true;
          i++; run = i;
          continue;
        case 36: { // $
          out += s.slice(run, i);
          if (math) { this.i = i; return out; }
          this.i = i;
          out += this.math();
          this.ws = true;
          i = run = this.i;
          continue;
        }
        case 45: // -
          if (!math && s.charCodeAt(i + 1) === 45) {
            out += s.slice(run, i);
            if (s.charCodeAt(i + 2) === 45) { out += '—'; i += 3; } else { out += '–'; i += 2; }
            run = i;
            continue;
          }
          i++;
          continue;
        case 96: // `
          out += s.slice(run, i);
          if (s.charCodeAt(i + 1) === 96) { out += '“'; i += 2; } else { out += '‘'; i++; }
          run = i;
          continue;
        case 39: // '
          if (s.charCodeAt(i + 1) === 39) { out += s.slice(run, i) + '”'; i += 2; run = i; continue; }
          i++;
          continue;
        case 94: case 95: // ^ _ (scripts: keep the text, drop the markup)
          if (math) { out += s.slice(run, i); i++; run = i; continue; }
          i++;
          continue;
        default: // control characters: line breaks and tabs become spaces, the others go
          out += s.slice(run, i) + (c === 9 || c === 10 || c === 13 ? ' ' : '');
          this.ws = true;
          i++; run = i;
      }
    }
    this.i = i;
    return out + s.slice(run, i);
  }

  /**
   * `out` + a decoded piece (a group, a command), noting when spaces may have doubled where they
   * meet: at the join, or between the piece and the text after it.
   */
  private join(out: string, piece: string): string {
    const n = piece.length;
    if (n === 0) { this.ws = true; return out; }
    const s = this.s;
    if ((piece.charCodeAt(0) === 32 && (out.length === 0 || out.charCodeAt(out.length - 1) === 32)) ||
        (piece.charCodeAt(n - 1) === 32 && (this.i >= s.length || s.charCodeAt(this.i) === 32 || s.charCodeAt(this.i) === 125))) {
      this.ws = true;
    }
    return out + piece;
  }

  /** `$…$` (or `$$…$$`): verbatim when keeping math, else its symbols in Unicode. */
  private math(): string {
    const s = this.s;
    const start = this.i;
    const dbl = s.charCodeAt(start + 1) === 36;
    this.i += dbl ? 2 : 1;
    if (this.keepMath) {
      const end = s.indexOf(dbl ? '$$' : '$', this.i);
      if (end < 0) { this.i = s.length; return s.slice(start); }
      this.i = end + (dbl ? 2 : 1);
      return s.slice(start, this.i);
    }
    const inner = this.seq(0, true);
    if (s.charCodeAt(this.i) === 36) this.i += dbl && s.charCodeAt(this.i + 1) === 36 ? 2 : 1;
    return inner;
  }

  /** At a backslash: a command and its argument, decoded. */
  private command(math: boolean): string {
    if (++this.level > MAX_LATEX_NESTING) throw TOO_DEEP;
    try { return this.commandAt(math); } finally { this.level--; }
  }

  private commandAt(math: boolean): string {
    const s = this.s, n = s.length;
    const start = ++this.i; // after the backslash
    if (start >= n) return '';
    const c = s.charCodeAt(start);
    const isLetter = (x: number) => (x >= 65 && x <= 90) || (x >= 97 && x <= 122);
    let name: string;
    if (isLetter(c)) {
      let e = start + 1;
      while (e < n && isLetter(s.charCodeAt(e))) e++;
      name = s.slice(start, e);
      this.i = e;
    } else {
      name = s[start]!;
      this.i = start + 1;
    }
    const accent = ACCENTS[name];
    if (accent !== undefined && (name.length === 1)) {
      // `\'e`, `\'{e}`, `\v Z`, `\c{s}`, `\'\i`; letter accents need a space or brace after them.
      this.skipSpaces(); // `\v Z`, and TeX skips spaces before `\^`'s argument too
      const base = this.argument(math);
      if (base === '') return accent === '\u0303' && name === '~' ? '~' : '';
      this.combining = true;
      // The mark goes on the first character of the argument.
      const first = String.fromCodePoint(base.codePointAt(0)!);
      // `\'\i`: the accent goes on a plain i (ı + ◌́ has no composed form).
      const letter = first === 'ı' ? 'i' : first === 'ȷ' ? 'j' : first;
      return letter + accent + base.slice(first.length);
    }
    if (isLetter(c)) {
      // Letter commands swallow the spaces after them (`\ss x` is "ßx"), unless followed by `{}`.
      const sym = SYMBOLS[name];
      if (sym !== undefined) {
        this.skipSpaces();
        if (s.charCodeAt(this.i) === 123 && s.charCodeAt(this.i + 1) === 125) this.i += 2;
        return sym;
      }
      if (SECOND_ARG.has(name)) {
        this.skipSpaces();
        if (s.charCodeAt(this.i) === 123) { this.argument(math); this.skipSpaces(); }
        return this.argument(math);
      }
      if (WRAPPERS.has(name)) {
        this.skipSpaces();
        if (name === 'textsuperscript' && s.charCodeAt(this.i) === 123) {
          const arg = this.argument(math);
          return /^[123]$/.test(arg) ? SUPERSCRIPTS[arg]! : arg;
        }
        if (name === 'url' || name === 'path') return this.verbatimArgument();
        return s.charCodeAt(this.i) === 123 ? this.argument(math) : '';
      }
      if (SWITCHES.has(name)) { this.skipSpaces(); return ''; }
      // Unknown: its braced argument (if any) is its text; without one, it vanishes.
      this.skipSpaces();
      if (s.charCodeAt(this.i) === 123) return this.argument(math);
      return '';
    }
    const sym = SYMBOLS[name];
    if (sym !== undefined) return sym;
    return c <= 32 ? ' ' : name; // `\` before a line break is a space; `\*` and the like: the character
  }

  private skipSpaces(): void {
    const s = this.s;
    while (this.i < s.length && (s.charCodeAt(this.i) === 32 || s.charCodeAt(this.i) === 10 || s.charCodeAt(this.i) === 9 || s.charCodeAt(this.i) === 13)) this.i++;
  }

  /** One argument: a braced group (decoded), a command (`\i`), or one character. */
  private argument(math: boolean): string {
    const s = this.s;
    if (this.i >= s.length) return '';
    const c = s.charCodeAt(this.i);
    if (c === 123) { this.i++; return this.seq(0, math); }
    if (c === 92) return this.command(math);
    if (c === 125 || c === 36) return '';
    const cp = s.codePointAt(this.i)!;
    const ch = String.fromCodePoint(cp);
    this.i += ch.length;
    return ch;
  }

  /** `\url{…}`: the text as is. */
  private verbatimArgument(): string {
    const s = this.s;
    if (s.charCodeAt(this.i) !== 123) return '';
    let depth = 0;
    const start = this.i + 1;
    for (let k = this.i; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c === 123) depth++;
      else if (c === 125 && --depth === 0) { this.i = k + 1; return s.slice(start, k); }
    }
    this.i = s.length;
    return s.slice(start);
  }
}

const SPACE_RUN = /\s\s|[\t\n\r\u00a0\u2000-\u200a\u2028\u2029\u3000\ufeff]/;

/** Spaces collapsed and trimmed (newlines and tabs are spaces already). */
function collapse(s: string): string {
  const n = s.length;
  if (n === 0) return s;
  if (!SPACE_RUN.test(s)) {
    return s.charCodeAt(0) === 32 || s.charCodeAt(n - 1) === 32 ? s.trim() : s;
  }
  return s.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// Export: Unicode text → ASCII LaTeX.

/** Characters with a text-mode command, the inverse of the decoder's table (ASCII specials apart). */
const TO_LATEX: Record<string, string> = {
  'ß': '{\\ss}', 'ø': '{\\o}', 'Ø': '{\\O}', 'æ': '{\\ae}', 'Æ': '{\\AE}', 'œ': '{\\oe}', 'Œ': '{\\OE}',
  'å': '{\\aa}', 'Å': '{\\AA}', 'ł': '{\\l}', 'Ł': '{\\L}', 'ı': '{\\i}', 'ȷ': '{\\j}',
  // ð þ ŋ đ have commands only in T1 fonts (\dh \th \ng \dj): they stay UTF-8, which pdflatex
  // with T1 sets and xelatex/lualatex always, rather than becoming other letters.
  '…': '{\\ldots}', '–': '--', '—': '---', '‘': '`', '’': "'", '“': '``', '”': "''", '„': ',,',
  '‚': ',', '«': '{$\\ll$}', '»': '{$\\gg$}', '¡': '{\\textexclamdown}',
  '¿': '{\\textquestiondown}', '©': '{\\textcopyright}', '®': '{\\textregistered}', '™': '{\\texttrademark}',
  '§': '{\\S}', '¶': '{\\P}', '£': '{\\pounds}', '€': '{\\texteuro}', '°': '{\\textdegree}',
  'µ': '{\\textmu}', '‰': '{\\textperthousand}', '•': '{\\textbullet}', '†': '{\\dag}', '‡': '{\\ddag}',
  '·': '{\\textperiodcentered}', '½': '{\\textonehalf}', '¼': '{\\textonequarter}', '¾': '{\\textthreequarters}',
  '×': '{$\\times$}', '÷': '{$\\div$}', '±': '{$\\pm$}', '−': '{$-$}', 'ª': '{\\textordfeminine}',
  'º': '{\\textordmasculine}', '¹': '{\\textsuperscript{1}}', '²': '{\\textsuperscript{2}}', '³': '{\\textsuperscript{3}}', '¥': '{\\textyen}', '¢': '{\\textcent}', '\u00a0': '~', '\u2009': '\\,',
  '\u2002': ' ', '\u2003': ' ', '\u200b': '', '\u00ad': '\\-', '′': "'", '″': "''", '‐': '-', '‑': '-',
  '‒': '--', '―': '---', '⋯': '{$\\cdots$}', '→': '{$\\rightarrow$}', '←': '{$\\leftarrow$}',
  '↔': '{$\\leftrightarrow$}', '⇒': '{$\\Rightarrow$}', '≤': '{$\\leq$}', '≥': '{$\\geq$}', '≠': '{$\\neq$}',
  '≈': '{$\\approx$}', '∼': '{$\\sim$}', '∞': '{$\\infty$}', '∈': '{$\\in$}', '∑': '{$\\sum$}',
  '∏': '{$\\prod$}', '∫': '{$\\int$}', '√': '{$\\surd$}', '∂': '{$\\partial$}', '∇': '{$\\nabla$}',
  '∀': '{$\\forall$}', '∃': '{$\\exists$}', '∅': '{$\\emptyset$}', '∪': '{$\\cup$}', '∩': '{$\\cap$}',
  '⊂': '{$\\subset$}', '⊆': '{$\\subseteq$}', '≡': '{$\\equiv$}', 'ℓ': '{$\\ell$}', '∘': '{$\\circ$}',
  '⟨': '{$\\langle$}', '⟩': '{$\\rangle$}', '⋆': '{$\\star$}', '∗': '{$\\ast$}', 'ℏ': '{$\\hbar$}',
  '⊤': '{$\\top$}', '⊥': '{$\\bot$}', '∝': '{$\\propto$}', '¬': '{$\\neg$}', '∧': '{$\\wedge$}', '∨': '{$\\vee$}',
  'ε': '{$\\varepsilon$}', 'ϵ': '{$\\epsilon$}', 'φ': '{$\\varphi$}', 'ϕ': '{$\\phi$}', 'ϑ': '{$\\vartheta$}',
  'ϖ': '{$\\varpi$}', 'ϱ': '{$\\varrho$}', 'ς': '{$\\varsigma$}',
};
// Greek letters to math commands.
for (const [name, ch] of Object.entries(SYMBOLS)) {
  if (/^[A-Za-z]+$/.test(name) && /^[\u0370-\u03ff]$/.test(ch) && TO_LATEX[ch] === undefined) TO_LATEX[ch] = `{$\\${name}$}`;
}
// Uppercase Greek letters that look Latin (Α, Β, Ε…) and omicron have no command: they stay UTF-8
// rather than become Latin letters.
TO_LATEX['Υ'] ??= '{$\\Upsilon$}';

/** Combining mark → accent command (the inverse of ACCENTS), for the accents every font encoding has. */
const MARK_TO_ACCENT: Record<string, string> = {};
for (const [cmd, mark] of Object.entries(ACCENTS)) if (cmd !== 'k' && cmd !== 'G' && cmd !== 'U') MARK_TO_ACCENT[mark] = cmd;

/** ASCII LaTeX specials and their text-mode forms. */
const SPECIALS: Record<string, string> = {
  // Braces as commands: BibTeX counts the brace in `\\{` too, so `\\{` alone would unbalance the value.
  '&': '\\&', '%': '\\%', $: '\\$', '#': '\\#', _: '\\_', '{': '{\\textbraceleft}', '}': '{\\textbraceright}',
  '~': '{\\textasciitilde}', '^': '{\\textasciicircum}', '\\': '{\\textbackslash}',
  '<': '{\\textless}', '>': '{\\textgreater}', '|': '{\\textbar}', '`': '{\\textasciigrave}',
};

/**
 * Plain text (Unicode) to LaTeX safe in a braced BibTeX value: specials escaped
 * (`& % $ # _ { } ~ ^ \`), accented letters as `{\'e}`, symbols as commands. A character LaTeX has no
 * ASCII form for (CJK, emoji, other scripts) stays as it is (UTF-8) and is added to `kept`: nothing
 * is replaced or dropped. `@` is kept: inside a braced value it is harmless.
 */
export function unicodeToLatex(text: string, kept?: Set<string>): string {
  let out = '';
  const s = text.normalize('NFC');
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 32) { out += s[i]; continue; }
      if (c < 32 || c === 127) { out += c === 9 || c === 10 || c === 13 ? ' ' : ''; continue; }
      // `--`, `''` and a backtick are ligatures in LaTeX (dashes, curly quotes): break them up so
      // the text reads back as typed.
      if ((c === 45 || c === 39) && s.charCodeAt(i + 1) === c) { out += s[i] + '{}'; continue; }
      const sp = SPECIALS[s[i]!];
      out += sp ?? s[i];
      continue;
    }
    if (isGreek(c)) {
      // A Greek word is math letters only when each of its letters is one (`α-β`, `ΔΣ`); one with a
      // letter that has none (`Περί`: ί) stays UTF-8 whole, not half math italic.
      let end = i;
      while (end < s.length && isGreek(s.charCodeAt(end))) end++;
      let math: string | undefined = '';
      for (let j = i; j < end; j++) {
        const m = TO_LATEX[s[j]!];
        if (m === undefined) { math = undefined; break; }
        math += m;
      }
      if (math === undefined) for (let j = i; j < end; j++) kept?.add(s[j]!);
      out += math ?? s.slice(i, end);
      i = end - 1;
      continue;
    }
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (ch.length === 2) i++;
    const l = charToLatex(ch);
    if (l === undefined) kept?.add(ch);
    out += l ?? ch;
  }
  return out;
}

/** Greek and Coptic, and Greek Extended (polytonic): one UTF-16 unit each. */
function isGreek(c: number): boolean {
  return (c >= 0x370 && c <= 0x3ff) || (c >= 0x1f00 && c <= 0x1fff);
}

/**
 * Plain text to a braced BibTeX value in UTF-8: only the ASCII specials and control characters are
 * rewritten (as in `unicodeToLatex`); every other character stays as it is.
 */
export function unicodeToLatexUtf8(text: string): string {
  let out = '';
  const s = text.normalize('NFC');
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 32) continue;
    out += s.slice(from, i);
    from = i + 1;
    if (c < 32 || c === 127) { out += c === 9 || c === 10 || c === 13 ? ' ' : ''; continue; }
    if ((c === 45 || c === 39) && s.charCodeAt(i + 1) === c) { out += s[i] + '{}'; continue; }
    out += SPECIALS[s[i]!] ?? s[i];
  }
  return out + s.slice(from);
}

/**
 * biber writes accented letters into the .bbl as Unicode, and pdflatex's utf8 input knows only some:
 * Latin-1 and Latin Extended-A (U+00C0–U+017F) work in T1 and OT1 (measured with TeX Live 2022,
 * biber 2.18); others (ḍ, ṣ, ǘ, ȧ) stop the document. Only these get an accent command; the rest
 * stay UTF-8 (xelatex and lualatex set them; pdflatex needs a font that has them).
 */
function BIBER_SAFE(composed: string): boolean {
  if (composed.length !== 1) return false;
  const c = composed.charCodeAt(0);
  return c >= 0xc0 && c <= 0x17f;
}

/** The character's LaTeX form, or undefined when LaTeX has none that pdflatex and biber both keep. */
function charToLatex(ch: string): string | undefined {
  const direct = TO_LATEX[ch];
  if (direct !== undefined) return direct;
  // Accented letter: base + marks, e.g. é → {\'e}, ş → {\c{s}}.
  const nfd = ch.normalize('NFD');
  if (nfd.length > 1) {
    const base = nfd[0]!;
    // `{\'i}`, not `{\'\i}`: biber turns the latter into ı + U+0301, which pdflatex cannot set.
    let inner = TO_LATEX[base] ?? (base.charCodeAt(0) < 128 ? base : '');
    if (inner === '') return undefined;
    // biber turns `{\'H}` back into H + U+0301, which pdflatex cannot typeset: keep only marks that
    // compose with the (Latin) base into one precomposed character.
    // The base as a Latin letter (Greek Eta is written H); other bases (ø, α) keep their marks as UTF-8.
    const latinBase = /^[A-Za-z]$/.test(inner) ? inner : '';
    let composed = latinBase;
    for (const mark of nfd.slice(1)) {
      const cmd = MARK_TO_ACCENT[mark];
      // A mark pdflatex has no command for, or one biber would write back decomposed: the letter
      // stays UTF-8 rather than losing its mark.
      if (cmd === undefined || !latinBase || !BIBER_SAFE((composed + mark).normalize('NFC'))) return undefined;
      composed += mark;
      const letter = /[a-zA-Z]/.test(cmd);
      inner = inner.startsWith('{') && inner.endsWith('}') ? inner.slice(1, -1) : inner;
      inner = letter ? `\\${cmd}{${inner}}` : `\\${cmd}${inner.length === 1 ? inner : `{${inner}}`}`;
      inner = `{${inner}}`;
    }
    return inner;
  }
  // Compatibility forms (ligatures ﬁ, full-width letters, superscripts) to their ASCII base.
  const nfkd = ch.normalize('NFKD');
  if (nfkd !== ch && /^[\x20-\x7e]+$/.test(nfkd)) return unicodeToLatex(nfkd);
  return undefined;
}

/**
 * A title written in TeX (arXiv's, a service's BibTeX): accents and commands outside `$…$` become
 * Unicode (`Schr\"odinger` → Schrödinger), math stays as typed (the BibTeX export keeps it as
 * math). One pass.
 */
export function latexOutsideMath(t: string): string {
  if (!/[\\{}~]|--/.test(t)) return t;
  let out = '', from = 0;
  for (let i = 0, open = -1; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 92) { i++; continue; } // `\$` and `\\` are not delimiters
    if (c !== 36) continue;
    if (open < 0) { open = i; continue; }
    out += textPart(t.slice(from, open)) + t.slice(open, i + 1);
    from = i + 1;
    open = -1;
  }
  return out + textPart(t.slice(from));
}

/** TeX text to Unicode, its spaces at either end kept (they separate it from the math beside it). */
function textPart(s: string): string {
  if (!s) return s;
  const lead = /^\s/.test(s) ? ' ' : '', trail = /\s$/.test(s) && s.trim() ? ' ' : '';
  const d = latexToUnicode(s);
  return d ? lead + d + trail : lead;
}
