import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { renderAbstract, richToPlain, safeHttpUrl, type Inline } from '../../src/core/render';

const flat = (s: string): Inline[] => renderAbstract(s).flat();
const kinds = (s: string) => flat(s).map(r => r.kind === 'text' ? `T:${r.text}` : r.kind === 'math' ? `M:${r.tex}` : `L:${r.href}|${r.text}`);

describe('render', () => {
  it('splits real abstracts into text and inline math runs', () => {
    // From the Xiner Li page: physics discovery with pendulum equations.
    const s = 'the discovery of ideal pendulum\'s natural motion $\\alpha^2 \\sin{\\theta_t}$ by observing pendulum dynamics in different environments, such as the damped environment $\\alpha^2 \\sin(\\theta_t) - \\rho \\omega_t$ and powered';
    assert.deepEqual(kinds(s), [
      'T:the discovery of ideal pendulum\'s natural motion ', 'M:\\alpha^2 \\sin{\\theta_t}',
      'T: by observing pendulum dynamics in different environments, such as the damped environment ',
      'M:\\alpha^2 \\sin(\\theta_t) - \\rho \\omega_t', 'T: and powered']);
    assert.deepEqual(kinds('SEMA performs an average $80.1\\%$ ASR@1 and Drive-$π_0$, GPT-$\\{n\\}$ models'),
      ['T:SEMA performs an average ', 'M:80.1\\%', 'T: ASR@1 and Drive-', 'M:π_0', 'T:, GPT-', 'M:\\{n\\}', 'T: models']);
  });

  it('reads every abstract of the bundled pages without losing text', () => {
    const dir = path.resolve(__dirname, '../../corpus/raw');
    let math = 0;
    for (const f of fs.readdirSync(dir)) {
      for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(l => l.length > 200)) {
        const rich = renderAbstract(line);
        math += rich.flat().filter(r => r.kind === 'math').length;
        // Letters survive (only markup characters may be consumed).
        const letters = (s: string) => s.replace(/[^\p{L}\p{N}]/gu, '');
        const shown = rich.flat().map(r => r.kind === 'link' ? r.text : r.kind === 'math' ? r.tex : r.text).join('');
        assert.ok(letters(shown).length >= letters(line).length * 0.9, `${f}: ${line.slice(0, 60)}`);
      }
    }
    assert.ok(math >= 8, `math runs: ${math}`);
  });

  it('turns \\href with an http(s) target into a link and keeps other targets as written text', () => {
    assert.deepEqual(kinds('Code: \\href{https://github.com/masa-ue/ProDifEvo-Refinement}{https://github.com/masa-ue/ProDifEvo-Refinement}.'),
      ['T:Code: ', 'L:https://github.com/masa-ue/ProDifEvo-Refinement|https://github.com/masa-ue/ProDifEvo-Refinement', 'T:.']);
    assert.deepEqual(kinds('\\href{javascript:alert(1)}{click me}'), ['T:\\href{javascript:alert(1)}{click me}']);
    assert.deepEqual(kinds('\\href{JaVaScRiPt:alert(1)}{x} \\href{data:text/html,<script>alert(1)</script>}{y}'),
      ['T:\\href{JaVaScRiPt:alert(1)}{x} \\href{data:text/html,<script>alert(1)</script>}{y}']);
    assert.deepEqual(kinds('\\url{https://x.org/a_b}'), ['L:https://x.org/a_b|https://x.org/a_b']);
    // A broken \href stays text; its bare URL is still a (safe) link.
    assert.deepEqual(kinds('\\href{https://a.org}{unclosed'), ['T:\\href{', 'L:https://a.org/|https://a.org', 'T:}{unclosed']);
  });

  it('links bare http(s) URLs without trailing punctuation, and only http(s) Markdown links', () => {
    assert.deepEqual(kinds('Project page: https://nzl-thu.github.io/the-flexibility-trap.'),
      ['T:Project page: ', 'L:https://nzl-thu.github.io/the-flexibility-trap|https://nzl-thu.github.io/the-flexibility-trap', 'T:.']);
    assert.deepEqual(kinds('[docs](https://example.org/d) [run](command:workbench.action.terminal.new) [x](javascript:alert(1))'),
      ['L:https://example.org/d|docs', 'T: [run](command:workbench.action.terminal.new) [x](javascript:alert(1))']);
    assert.deepEqual(kinds('xhttps://evil.org'), ['T:xhttps://evil.org']);
  });

  it('keeps HTML and quotes as plain text runs', () => {
    const s = '<script>alert("x")</script> <img src=x onerror=alert(1)> it\'s "quoted" & <b>bold</b>';
    assert.deepEqual(kinds(s), [`T:${s}`]);
  });

  it('treats unbalanced or spaced dollars as text and honours \\$', () => {
    assert.deepEqual(kinds('costs $5 and $10 today'), ['T:costs $5 and $10 today']);
    assert.deepEqual(kinds('a $ b $ c'), ['T:a $ b $ c']);
    assert.deepEqual(kinds('only one $x here'), ['T:only one $x here']);
    assert.deepEqual(kinds('price \\$3 and $x$'), ['T:price $3 and ', 'M:x']);
    assert.deepEqual(kinds('$$E=mc^2$$ and \\(a\\) and \\[b\\]'), ['M:E=mc^2', 'T: and ', 'M:a', 'T: and ', 'M:b']);
    assert.equal(flat('$$x$$')[0]!.kind === 'math' && (flat('$$x$$')[0] as { display: boolean }).display, true);
    assert.deepEqual(kinds('$$ unclosed'), ['T:$$ unclosed']);
    assert.deepEqual(kinds(`$${'x'.repeat(2000)}$`), [`T:$${'x'.repeat(2000)}$`]);
  });

  it('reads Markdown bold and emphasis from pages, and leaves lone stars alone', () => {
    const r = flat('we propose **Intuitive Fine-Tuning (IFT)** with *Preference Estimation* and a * b * c');
    assert.deepEqual(r, [
      { kind: 'text', text: 'we propose ' }, { kind: 'text', text: 'Intuitive Fine-Tuning (IFT)', strong: true },
      { kind: 'text', text: ' with ' }, { kind: 'text', text: 'Preference Estimation', em: true },
      { kind: 'text', text: ' and a * b * c' }]);
    assert.deepEqual(kinds('**unclosed bold'), ['T:**unclosed bold']);
  });

  it('decodes LaTeX text escapes and splits paragraphs', () => {
    const rich = renderAbstract('RoboTwin 1.0\\&2.0 gains 10\\%\r\n\r\nSecond   paragraph');
    assert.equal(rich.length, 2);
    assert.equal(richToPlain(rich), 'RoboTwin 1.0&2.0 gains 10%\n\nSecond   paragraph');
    assert.deepEqual(renderAbstract(undefined), []);
    assert.deepEqual(renderAbstract('  \n\n '), []);
  });

  it('spells out abbreviation macros and leaves other commands as written', () => {
    // From the FlowRL abstract on the Xuekai Zhu page.
    assert.deepEqual(kinds('reward-maximizing methods (\\eg, PPO and GRPO) \\ie. x \\emph{y} \\egg'),
      ['T:reward-maximizing methods (e.g., PPO and GRPO) i.e. x \\emph{y} \\egg']);
  });

  it('accepts only absolute http(s) URLs', () => {
    assert.equal(safeHttpUrl('https://a.org/x?y=1#z'), 'https://a.org/x?y=1#z');
    for (const bad of ['javascript:alert(1)', 'vbscript:x', 'file:///etc/passwd', 'command:x', '//a.org', 'https://a.org/ x', 'http://', 'https://a.org/"onmouseover=x', 'data:text/html,x'])
      assert.equal(safeHttpUrl(bad), undefined, bad);
  });

  it('never throws and every link is http(s), for any input', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('$', '\\', '{', '}', '*', '[', ']', '(', ')', 'h', 't', 'p', 's', ':', '/', 'a', ' ', '\n', 'href', 'url', 'javascript:', 'https://') , maxLength: 80 }), s => {
      for (const r of flat(s)) {
        if (r.kind === 'link') assert.match(r.href, /^https?:\/\//);
        if (r.kind === 'math') assert.ok(r.tex.length <= 1000);
      }
    }), { numRuns: 2000 });
  });
});
