import { compile } from 'vega-lite';
import { describe, expect, test } from 'vitest';
import { runScenario, summarizeRuns } from '../../src/experiment/index.js';
import { parseScenario } from '../../src/scenario/index.js';
import { buildReportCharts, perRunRows, renderReportHtml } from '../../src/report/index.js';
import { readFileSync } from 'node:fs';

const scenario = parseScenario(readFileSync('workloads/default.yaml', 'utf8').replace(/, slo: \{[^}]*\}/g, ''), 'default', { overrides: ['horizon=6h', 'seeds=3'] });
const runs = runScenario(scenario);
const summary = summarizeRuns(runs);

describe('report charts', () => {
  const charts = buildReportCharts(summary);

  test('cost per success, cost breakdown, latency and success charts, each a valid vega-lite spec', () => {
    expect(charts.map((c) => c.id)).toEqual(['cost-per-success', 'cost-breakdown', 'latency', 'success']);
    for (const c of charts) expect(() => compile(c.spec)).not.toThrow();
  });

  test('one data row per plan and run', () => {
    const rows = perRunRows(summary);
    expect(rows.length).toBe(4 * 3);
    expect(rows.filter((r) => r.plan === 'claude-3.5-sonnet').every((r) => Math.abs(r.costPerSuccess! - 0.0243) < 1e-9)).toBe(true);
  });

  test('the line items plotted are the summary items per month', () => {
    const breakdown = charts.find((c) => c.id === 'cost-breakdown')!.spec as { data: { values: { plan: string; item: string; usd: number }[] } };
    const self = breakdown.data.values.filter((v) => v.plan === 'llama-70b-2xa100');
    expect(self.map((v) => v.item).sort()).toEqual(['GPU on-demand, NVIDIA A100 SXM4 80GB', 'engineering', 'infrastructure (40% of GPU spend)']);
    expect(self.find((v) => v.item === 'engineering')!.usd).toBeCloseTo(4000, 6);
  });

  test('the page inlines the libraries and the specs, and escapes text', () => {
    const html = renderReportHtml({ ...summary, warnings: ['<b>not markup</b>'] });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('vegaEmbed');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).toContain('&lt;b&gt;not markup&lt;/b&gt;');
    expect(html).toContain('Recommended: gpt-4o-mini');
  });
});
