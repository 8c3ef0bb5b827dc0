/**
 * API latency per model: each built-in model answers at its measured medians (catalog
 * api-latency.ts), time to first token grows with the prompt, and a model with no
 * measurement is named as running on capsim's default figures.
 */
import { describe, expect, test } from 'vitest';
import { API_LATENCY, findApiLatency, TTFT_PER_INPUT_TOKEN } from '../../src/catalog/index.js';
import { resolveCosts } from '../../src/cost/index.js';
import { runScenario, summarizeRuns } from '../../src/experiment/index.js';
import { validateScenario } from '../../src/scenario/index.js';
import { capsim, tempFile } from '../support/cli.js';
import { within } from '../support/stats.js';

function apiPlans(models: readonly string[], input: number, api: Record<string, unknown> = {}) {
  return validateScenario(
    {
      name: 'latency',
      horizon: '4h',
      workload: { arrivals: { process: 'poisson', rate: 1 }, input: { dist: 'constant', value: input }, output: { dist: 'constant', value: 201 } },
      plans: models.map((model) => ({ name: model, backends: [{ kind: 'api', model, ...api }] })),
    },
    'test',
  );
}

describe('API latency per model', () => {
  test('two models differ by their measured medians: time to first token and time per output token', () => {
    const models = ['claude-3.5-sonnet', 'gpt-4o-mini'];
    const summary = summarizeRuns(runScenario(apiPlans(models, 1000), { seeds: 1 }));
    summary.plans.forEach((plan, i) => {
      const row = findApiLatency(models[i])!;
      // Both rows were measured at 1,000-token prompts: the median TTFT is the row's figure.
      expect(row.promptTokens).toBe(1000);
      within(plan.latency.ttft.p50, row.ttftS, 0.05);
      within(plan.latency.tpot.p50, 1 / row.outputTokensPerSecond, 0.05);
    });
    expect(summary.plans[0]!.latency.ttft.p50).toBeGreaterThan(1.8 * summary.plans[1]!.latency.ttft.p50);
  });

  test('time to first token grows with the prompt: 19,000 more tokens add 19,000 × 50 µs to the median', () => {
    const short = summarizeRuns(runScenario(apiPlans(['gpt-4o'], 1000), { seeds: 1 })).plans[0]!;
    const long = summarizeRuns(runScenario(apiPlans(['gpt-4o'], 20_000), { seeds: 1 })).plans[0]!;
    within(long.latency.ttft.p50 - short.latency.ttft.p50, 19_000 * TTFT_PER_INPUT_TOKEN.seconds, 0.1);
  });

  test("a scenario's own distribution is the whole time to first token, whatever the prompt", () => {
    const ttft = { dist: 'constant', value: 0.3 };
    const long = summarizeRuns(runScenario(apiPlans(['gpt-4o'], 20_000, { ttft }), { seeds: 1 })).plans[0]!;
    within(long.latency.ttft.p50, 0.3, 0.02);
    expect(resolveCosts(apiPlans(['gpt-4o'], 10, { ttft, outputTokensPerSecond: { dist: 'constant', value: 50 } })).plans[0]![0]).toMatchObject({ latency: { kind: 'scenario' } });
  });

  test('every measured row names its source and date; no model appears twice', () => {
    for (const row of API_LATENCY) {
      expect(row.source).toMatch(/https:\/\//);
      expect(row.asOf).toMatch(/^20\d\d/);
      expect(row.ttftS).toBeGreaterThan(0);
      expect(row.outputTokensPerSecond).toBeGreaterThan(0);
    }
    expect(new Set(API_LATENCY.map((r) => r.model)).size).toBe(API_LATENCY.length);
  });

  test('a model with no measurement runs on the default figures, and the output says so', async () => {
    const scenario = `
name: defaults
horizon: 1h
workload: { arrivals: { process: poisson, rate: 0.5 }, input: { dist: constant, value: 500 }, output: { dist: constant, value: 100 } }
plans:
  - { name: pro, backends: [{ kind: api, model: gemini-1.5-pro }] }
  - { name: sonnet, backends: [{ kind: api, model: claude-sonnet-4-6 }] }
`;
    const file = tempFile('defaults.yaml', scenario);
    const r = await capsim('run', file, '--seeds', '1');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pro \(gemini-1\.5-pro\): DEFAULT \(no measurement\): TTFT 600ms at 1k prompt tokens, 60 tokens\/s/);
    expect(r.stdout).toMatch(/sonnet \(claude-sonnet-4-6\): measured: TTFT 740ms at 1k prompt tokens, 104 tokens\/s/);
    const json = JSON.parse((await capsim('run', file, '--seeds', '1', '--json')).stdout);
    expect(json.prices.plans[0][0].latency).toMatchObject({ kind: 'default', model: 'gemini-1.5-pro' });
    expect(json.prices.plans[1][0].latency).toMatchObject({ kind: 'measured', outputTokensPerSecond: 104 });
  });
});
