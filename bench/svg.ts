// A hand-written SVG line chart: per-keystroke p95 latency against library size, both axes
// logarithmic, one line per engine, the 16 ms frame budget dashed.

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number; label?: string }[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3));

export function latencySvg(series: Series[], opts: { title: string; budgetMs: number; xLabels: { x: number; label: string }[] }): string {
  const W = 760, H = 460, L = 80, R = 170, T = 50, B = 70;
  const all = series.flatMap(s => s.points).filter(p => p.y > 0 && p.x > 0);
  const xs = [...all.map(p => p.x), ...opts.xLabels.map(l => l.x)];
  const ys = [...all.map(p => p.y), opts.budgetMs];
  const lx0 = Math.floor(Math.log10(Math.min(...xs))), lx1 = Math.ceil(Math.log10(Math.max(...xs)));
  const ly0 = Math.floor(Math.log10(Math.min(...ys))), ly1 = Math.ceil(Math.log10(Math.max(...ys)));
  const px = (x: number) => L + ((Math.log10(x) - lx0) / Math.max(1, lx1 - lx0)) * (W - L - R);
  const py = (y: number) => H - B - ((Math.log10(y) - ly0) / Math.max(1, ly1 - ly0)) * (H - T - B);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2 - R / 2 + L / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(opts.title)}</text>`);
  // Grid and axes.
  for (let e = ly0; e <= ly1; e++) {
    const y = py(10 ** e);
    out.push(`<line x1="${L}" y1="${y}" x2="${W - R}" y2="${y}" stroke="#ddd"/>`);
    out.push(`<text x="${L - 8}" y="${y + 4}" text-anchor="end">${fmt(10 ** e)} ms</text>`);
  }
  let lastX = -Infinity, row = 0;
  for (const { x, label } of opts.xLabels) {
    const X = px(x);
    row = X - lastX < 32 ? 1 - row : 0; // close labels (73k, 100k) on two rows
    lastX = X;
    out.push(`<line x1="${X}" y1="${T}" x2="${X}" y2="${H - B}" stroke="#eee"/>`);
    out.push(`<text x="${X}" y="${H - B + 18 + row * 14}" text-anchor="middle">${esc(label)}</text>`);
  }
  out.push(`<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#333"/>`);
  out.push(`<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#333"/>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 18}" text-anchor="middle">library size (entries, log scale)</text>`);
  out.push(`<text transform="translate(20 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">p95 per keystroke (log scale)</text>`);
  // Frame budget.
  const yb = py(opts.budgetMs);
  out.push(`<line x1="${L}" y1="${yb}" x2="${W - R}" y2="${yb}" stroke="#c00" stroke-dasharray="6 4"/>`);
  out.push(`<text x="${W - R + 6}" y="${yb + 4}" fill="#c00">${opts.budgetMs} ms (one frame)</text>`);
  // Series.
  series.forEach((s, k) => {
    const pts = s.points.filter(p => p.y > 0);
    if (pts.length === 0) return;
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2.5" points="${pts.map(p => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) {
      out.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="4" fill="${s.color}"/>`);
      out.push(`<text x="${px(p.x).toFixed(1)}" y="${(py(p.y) - 9).toFixed(1)}" text-anchor="middle" fill="${s.color}" font-size="11">${fmt(p.y)}</text>`);
    }
    const ly = T + 30 + k * 22;
    out.push(`<line x1="${W - R + 6}" y1="${ly}" x2="${W - R + 30}" y2="${ly}" stroke="${s.color}" stroke-width="2.5"/>`);
    out.push(`<text x="${W - R + 36}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
