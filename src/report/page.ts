/**
 * The page every report shares: styles that read at 800 px and at 1,400 px, the vega
 * libraries inlined (the file opens offline and can be mailed or archived as is), and the
 * charts embedded by vega-embed. Every string that came from a scenario is escaped; chart
 * specs go in as JSON with "<" escaped, so no scenario text can close a script.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { TopLevelSpec } from 'vega-lite';

export interface ReportChart {
  readonly id: string;
  readonly title: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

const require = createRequire(import.meta.url);

/**
 * What every chart shares: it fills the width of the page (800 px to 1,400 px) and keeps its
 * legend below, so nothing overflows a narrow page.
 */
export function pageWideChart(spec: Record<string, unknown>, height?: number): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    ...(height !== undefined ? { height } : {}),
    autosize: { type: 'fit-x', contains: 'padding' },
    config: { legend: { orient: 'bottom', columns: 2, labelLimit: 360 }, axis: { labelLimit: 220 } },
    ...spec,
  } as TopLevelSpec;
}

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

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A table of text cells (escaped here), the first column left-aligned; it scrolls sideways inside the page, never the page. */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[], className = ''): string {
  const cells = (r: readonly string[], tag: string) => `<tr>${r.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  return `<div class="scroll"><table class="${className}"><thead>${cells(header, 'th')}</thead><tbody>${rows.map((r) => cells(r, 'td')).join('')}</tbody></table></div>`;
}

export interface PageContent {
  readonly title: string;
  /** HTML, already escaped. */
  readonly intro: string;
  /** HTML, already escaped: what comes between the intro and the charts. */
  readonly body: string;
  readonly charts: readonly ReportChart[];
  /** HTML, already escaped: what comes after the charts (the assumptions). */
  readonly appendix?: string;
}

export function reportPage(content: PageContent): string {
  const sections = content.charts
    .map((c) => `<section><h2>${escapeHtml(c.title)}</h2><p class="caption">${escapeHtml(c.caption)}</p><div class="chart" id="chart-${escapeHtml(c.id)}"></div></section>`)
    .join('\n');
  const specs = JSON.stringify(Object.fromEntries(content.charts.map((c) => [c.id, c.spec]))).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>capsim: ${escapeHtml(content.title)}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; overflow-wrap: anywhere; }
h2 { font-size: 1.15em; margin-top: 2em; }
p, li { overflow-wrap: anywhere; }
.meta, .caption { color: #555; }
.headline { font-size: 1.1em; background: #eef6ee; border-left: 4px solid #3a7d3a; padding: 0.6em 1em; }
.warning { background: #fff4e5; border-left: 4px solid #d08000; padding: 0.4em 1em; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin-top: 0.6em; }
th, td { padding: 0.3em 0.8em; border-bottom: 1px solid #ddd; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
table.text td, table.text th { text-align: left; }
.chart { width: 100%; }
details { margin-top: 2em; }
summary { font-size: 1.15em; font-weight: 600; cursor: pointer; }
</style>
<script>${library('vega', 'build/vega.min.js')}</script>
<script>${library('vega-lite', 'build/vega-lite.min.js')}</script>
<script>${library('vega-embed', 'build/vega-embed.min.js')}</script>
</head>
<body>
<h1>${escapeHtml(content.title)}</h1>
${content.intro}
${content.body}
${sections}
${content.appendix ?? ''}
<script>
const specs = ${specs};
window.capsimRendered = Promise.all(Object.entries(specs).map(([id, spec]) => vegaEmbed('#chart-' + id, spec, { actions: false, renderer: 'svg' })));
</script>
</body>
</html>
`;
}
