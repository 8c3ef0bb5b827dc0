/**
 * A self-contained HTML report: the summary's key figures as a table and the charts of
 * spec.ts rendered by vega-embed. vega, vega-lite and vega-embed are inlined, so the file
 * opens offline and can be mailed or archived as is.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { RunSummary } from '../experiment/index.js';
import { buildReportCharts } from './spec.js';

const require = createRequire(import.meta.url);

/** A file inside an installed package (whose "exports" may not list it). */
function packageFile(name: string, file: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name !== name) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${name} package`);
    dir = parent;
  }
  return join(dir, file);
}

function library(name: string, file: string): string {
  // A closing script tag inside a library would end the inline script early.
  return readFileSync(packageFile(name, file), 'utf8').replace(/<\/script/gi, '<\\/script');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function money(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return Math.abs(x) >= 100 ? `$${Math.round(x).toLocaleString('en-US')}` : `$${Number(x.toPrecision(3))}`;
}

function percent(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—';
}

function seconds(x: number): string {
  if (!Number.isFinite(x)) return '—';
  return x < 1 ? `${Number((x * 1000).toPrecision(3))} ms` : `${Number(x.toPrecision(3))} s`;
}

function figuresTable(summary: RunSummary): string {
  const header = ['plan', 'cost per successful request', 'per month', 'success rate', 'TTFT p99', 'end-to-end p99', 'busy time', 'capacity used'];
  const rows = summary.plans.map((p) => [
    p.name,
    Number.isFinite(p.cost.pooledPerSuccessfulRequest.value) ? money(p.cost.pooledPerSuccessfulRequest.value) : 'none succeeded',
    money(p.cost.perMonth.mean),
    percent(p.successRate.mean),
    seconds(p.latency.ttft.p99),
    seconds(p.latency.e2e.p99),
    // Busy time reads high at any batch; capacity used is what the GPUs could have served.
    percent(p.utilization.mean),
    percent(p.capacityUtilization.mean),
  ]);
  const cells = (r: string[], tag: string) => `<tr>${r.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  return `<table><thead>${cells(header, 'th')}</thead><tbody>${rows.map((r) => cells(r, 'td')).join('')}</tbody></table>`;
}

export function renderReportHtml(summary: RunSummary): string {
  const charts = buildReportCharts(summary);
  const s = summary.scenario;
  const d = summary.decision;
  const excluded = d.excluded.length > 0 ? `<br>Not recommended: ${d.excluded.map((e) => `${escapeHtml(e.plan)} (${escapeHtml(e.reason)})`).join('; ')}.` : '';
  const decision = d.recommended
    ? `<p class="decision"><strong>Recommended: ${escapeHtml(d.recommended)}</strong><br>${escapeHtml(d.rule)}${excluded}</p>`
    : d.excluded.length > 0
      ? `<p class="warning"><strong>No plan recommended</strong>: ${escapeHtml(d.rule)}${excluded}</p>`
      : '';
  const warnings = summary.warnings.map((w) => `<p class="warning">warning: ${escapeHtml(w)}</p>`).join('');
  const sections = charts
    .map((c) => `<section><h2>${escapeHtml(c.title)}</h2><p class="caption">${escapeHtml(c.caption)}</p><div class="chart" id="chart-${c.id}"></div></section>`)
    .join('\n');
  const specs = JSON.stringify(Object.fromEntries(charts.map((c) => [c.id, c.spec]))).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>capsim: ${escapeHtml(s.name)}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 900px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin-top: 2em; }
.meta, .caption { color: #555; }
.decision { background: #eef6ee; border-left: 4px solid #3a7d3a; padding: 0.6em 1em; }
.warning { background: #fff4e5; border-left: 4px solid #d08000; padding: 0.4em 1em; }
table { border-collapse: collapse; margin-top: 1em; }
th, td { padding: 0.3em 0.8em; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
</style>
<script>${library('vega', 'build/vega.min.js')}</script>
<script>${library('vega-lite', 'build/vega-lite.min.js')}</script>
<script>${library('vega-embed', 'build/vega-embed.min.js')}</script>
</head>
<body>
<h1>${escapeHtml(s.name)}</h1>
<p class="meta">${escapeHtml(s.description ?? '')}<br>${summary.seeds.length} Monte Carlo runs (seeds ${summary.seeds[0]}–${summary.seeds[summary.seeds.length - 1]}), ${s.horizon / 3600} simulated hours each; capsim ${escapeHtml(summary.capsim.version)}.</p>
${decision}
${warnings}
${figuresTable(summary)}
<p class="caption">Busy time: the share of provisioned replica time spent computing (high even at a batch of one). Capacity used: requests served over what the provisioned replicas could serve at saturation for this request mix.</p>
${sections}
<script>
const specs = ${specs};
window.capsimRendered = Promise.all(Object.entries(specs).map(([id, spec]) => vegaEmbed('#chart-' + id, spec, { actions: false, renderer: 'svg' })));
</script>
</body>
</html>
`;
}
