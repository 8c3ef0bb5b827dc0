import { compile } from 'vega-lite';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { runScenario, summarizeRuns } from '../../src/experiment/index.js';
import { parseScenario } from '../../src/scenario/index.js';
import { buildReportCharts, headline, perRunRows, renderReportHtml, significant, money, successAxisFloor, thousands } from '../../src/report/index.js';
import { readFileSync } from 'node:fs';

const scenario = parseScenario(readFileSync('workloads/default.yaml', 'utf8'), 'default', { overrides: ['horizon=6h', 'seeds=3'] });
const summary = summarizeRuns(runScenario(scenario));
type Values = { data?: { values: Record<string, unknown>[] }; layer?: { data: { values: Record<string, unknown>[] } }[] };
const chartById = (id: string) => buildReportCharts(summary).find((c) => c.id === id)!;
const layerValues = (id: string, k = 0) => ((chartById(id).spec as Values).layer?.[k]?.data.values ?? (chartById(id).spec as Values).data!.values);

describe('report charts', () => {
  const charts = buildReportCharts(summary);

  test('every chart is a valid vega-lite spec that fills the page width', () => {
    expect(charts.map((c) => c.id)).toEqual([
      'cost-per-success', 'cost-breakdown', 'annual', 'success', 'classes', 'cdf-ttft', 'cdf-e2e',
      'time-arrivals', 'time-replicas', 'time-queue', 'time-busy', 'utilization-trap', 'lengths-input', 'lengths-output',
    ]);
    for (const c of charts) {
      expect(() => compile(c.spec)).not.toThrow();
      expect((c.spec as { width: unknown }).width).toBe('container');
    }
  });

  test('one data row per plan and run; Sonnet at its hand-computed $0.0243 (a little more: late requests are paid for)', () => {
    const rows = perRunRows(summary);
    expect(rows.length).toBe(4 * 3);
    for (const r of rows.filter((x) => x.plan === 'claude-3.5-sonnet')) {
      expect(r.costPerSuccess!).toBeGreaterThanOrEqual(0.0243 - 1e-12);
      expect(r.costPerSuccess!).toBeLessThan(0.0243 * 1.01);
    }
    expect(layerValues('cost-per-success').filter((v) => v['plan'] === 'gpt-4o-mini')).toHaveLength(3);
  });

  test('the line items plotted are the summary items per month, in words', () => {
    const self = layerValues('cost-breakdown').filter((v) => v['plan'] === 'llama-70b-2xa100');
    expect(self.map((v) => v['item']).sort()).toEqual(['GPU on-demand, NVIDIA A100 SXM4 80GB', 'engineering', 'infrastructure (40% of GPU spend)']);
    expect(self.find((v) => v['item'] === 'engineering')!['usd']).toBeCloseTo(4000, 6);
    const annual = layerValues('annual').find((v) => v['plan'] === 'llama-70b-2xa100')!;
    expect(annual['usd']).toBeCloseTo(12 * summary.plans[2]!.cost.perMonth.mean, 6);
  });

  test('the TTFT CDF plots the pooled quantiles and marks the 5 s SLO', () => {
    const cdf = layerValues('cdf-ttft').filter((v) => v['plan'] === 'gpt-4o-mini');
    const p99 = cdf.find((v) => v['share'] === 0.99)!;
    expect(p99['seconds']).toBeCloseTo(summary.plans[1]!.latency.ttft.p99, 9);
    expect(layerValues('cdf-ttft', 1)).toEqual([{ seconds: 5, label: 'SLO 5 s' }]);
  });

  test('success rates sit on an axis of at least ten points, never zoomed into noise', () => {
    expect(successAxisFloor([0.9998, 0.9999], [0.99])).toBe(0.9);
    expect(successAxisFloor([0.5, 0.99], [0.99])).toBe(0.45);
    expect(successAxisFloor([0.01], [])).toBe(0);
  });

  test('a plan with no successful request is shown as such, not dropped', () => {
    const none = { ...summary, plans: summary.plans.map((p, i) => (i === 0 ? { ...p, perRun: p.perRun.map((r) => ({ ...r, costPerSuccessfulRequest: null })) } : p)) };
    const chart = buildReportCharts(none).find((c) => c.id === 'cost-per-success')!.spec as Values;
    expect(chart.layer![2]!.data.values).toEqual([{ plan: 'claude-3.5-sonnet', note: 'no successful request' }]);
  });

  test('the headline gives the answer with its interval, the runner-up, the runs and the SLO', () => {
    expect(headline(summary)).toMatch(/^gpt-4o-mini: \$0\.00114 per successful request, 95% less than hybrid-8b-plus-sonnet, cheaper in 100% of runs; \d+\.\d\d% of requests within the 5s time-to-first-token SLO \(target 99\.0%\)\. Rule: API/);
  });

  test('money and numbers never print in scientific notation', () => {
    expect(money(3.1e-7)).toBe('$0.00000031');
    expect(money(-0.0000537)).toBe('−$0.0000537');
    expect(money(11013.4)).toBe('$11,013');
    expect(money(338.94)).toBe('$338.9');
    expect(significant(1.49e-8)).toBe('0.0000000149');
    expect(significant(0.30000000000000004)).toBe('0.3');
  });

  test('thousands separators as toLocaleString writes them, for any integer', () => {
    const integers = fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.constantFrom(0, -0, 999, 1000, -1000, 999_999, 1_000_000, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 60, 1e21));
    fc.assert(
      fc.property(integers, (n) => {
        expect(thousands(n)).toBe(n.toLocaleString('en-US'));
      }),
      { numRuns: 2000 },
    );
  });

  test("the assumptions name each replica's engine and step times, and each API model's latency with its source", () => {
    const html = renderReportHtml(summary).replace(/<[^>]+>/g, ' ');
    expect(html).toMatch(/llama-3\.1-70b \(fp8, KV fp8\) on 2 × a100-80gb\s+vllm: 256 sequences, 2048 tokens a step, prompts chunked, KV admission prompt\s+roofline fitted to 50 published measurements/);
    expect(html).toMatch(/claude-3\.5-sonnet\s+measured: TTFT 800ms at 1k prompt tokens, 80 tokens\/s\s+https:\/\/artificialanalysis\.ai/);
  });

  test('the page inlines the libraries and the specs, and escapes every scenario string', () => {
    const evil = '<script>alert(1)</script>';
    const plan = '"><img src=x onerror=alert(1)>';
    const hostile = {
      ...summary,
      warnings: ['<b>not markup</b>'],
      scenario: { ...summary.scenario, name: evil, description: evil },
      plans: summary.plans.map((p, i) => (i === 0 ? { ...p, name: plan } : p)),
    };
    const html = renderReportHtml(hostile);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('vegaEmbed');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).toContain('&lt;b&gt;not markup&lt;/b&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Recommended: gpt-4o-mini');
  });
});
