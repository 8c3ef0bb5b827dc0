import { readFileSync } from 'node:fs';
import { itemKinds, itemUsd } from '../support/bill.js';
import { describe, expect, test } from 'vitest';
import { findApiPrice, parseLiteLlmCatalog } from '../../src/catalog/index.js';
import { runScenario, simulatePlanRun, summarizeRuns } from '../../src/experiment/index.js';
import { resolveCosts } from '../../src/cost/index.js';
import { parseScenario, validateScenario, type Scenario } from '../../src/scenario/index.js';
import { capsim, tempFile } from '../support/cli.js';
import { HAVE_SHARED_DATA, sharedFile } from '../support/shared-data.js';

const LITELLM = sharedFile('prices', 'litellm_model_prices_and_context_window.json');
const DEFAULT = readFileSync('workloads/default.yaml', 'utf8');

function apiScenario(api: Record<string, unknown>, extra: Record<string, unknown> = {}, plan: Record<string, unknown> = {}): Scenario {
  return validateScenario(
    {
      name: 'api',
      horizon: '2h',
      workload: { arrivals: { process: 'poisson', rate: 2 }, input: { dist: 'constant', value: 1000 }, output: { dist: 'constant', value: 200 } },
      plans: [{ name: 'a', backends: [{ kind: 'api', model: 'gpt-4o-mini', ...api }], ...plan }],
      ...extra,
    },
    'test',
  );
}

describe('API bills, by hand', () => {
  test('the default scenario Sonnet plan costs $0.0243 per interaction and about $7,290 per 30-day month', () => {
    // Without the default's TTFT SLO, every completed call counts as a success.
    const scenario = parseScenario(DEFAULT.replace(/, slo: \{[^}]*\}/g, ''), 'default', { overrides: ['horizon=30d', 'seeds=1'] });
    const r = simulatePlanRun(scenario, 0, 1);
    expect(r.requests.failed).toBe(0);
    // 5,600 × $3e-6 + 500 × $15e-6
    expect(r.cost.perSuccessfulRequest).toBeCloseTo(5600 * 3e-6 + 500 * 15e-6, 6);
    expect(r.cost.perSuccessfulRequest).toBeCloseTo(0.0243, 9);
    // 300,000 interactions ± Poisson noise (0.2%)
    expect(Math.abs(r.cost.total / 7290 - 1)).toBeLessThan(0.01);
    expect(itemKinds(r.cost)).toEqual(['api.input', 'api.output']);
  });

  test('a prompt-cache share bills that share of input at the cached price', () => {
    const r = simulatePlanRun(apiScenario({ cachedInputShare: 0.5 }), 0, 1);
    const n = r.requests.succeeded;
    expect(itemUsd(r.cost, 'api.input')).toBeCloseTo((n * 500 * 0.15) / 1e6, 9);
    expect(itemUsd(r.cost, 'api.cachedInput')).toBeCloseTo((n * 500 * 0.075) / 1e6, 9);
  });

  test('the batch tier bills batch prices and answers after hours', () => {
    const r = simulatePlanRun(apiScenario({ tier: 'batch' }, { horizon: '2d' }), 0, 1);
    const n = r.requests.succeeded;
    expect(itemUsd(r.cost, 'api.batch.input')).toBeCloseTo((n * 1000 * 0.075) / 1e6, 9);
    expect(itemUsd(r.cost, 'api.batch.output')).toBeCloseTo((n * 200 * 0.3) / 1e6, 9);
  });
});

describe('rate limits and outages', () => {
  test('a rate-limited API answers 429, retries, and past the retry limit fails, raising cost per successful request', () => {
    // With a fixed monthly cost on the plan, fewer successes must cost more each.
    const overhead = { overhead: { observabilityUsdPerMonth: 500 } };
    const free = simulatePlanRun(apiScenario({}, {}, overhead), 0, 1);
    // 2 requests/s is 120 a minute against a limit of 100.
    const limited = simulatePlanRun(apiScenario({ rateLimit: { rpm: 100 }, retry: { maxRetries: 2, baseDelay: 1, maxDelay: 4 } }, {}, overhead), 0, 1);
    expect(limited.api.rateLimited).toBeGreaterThan(100);
    expect(limited.api.retries).toBeGreaterThan(100);
    expect(limited.requests.failedBy.rateLimited).toBeGreaterThan(10);
    expect(limited.requests.succeeded).toBeLessThan(free.requests.succeeded);
    expect(limited.requests.arrived).toBe(limited.requests.succeeded + limited.requests.failed + limited.requests.inFlight);
    // A 429 bills no tokens; the plan's fixed cost is spread over fewer successes.
    expect(limited.cost.perSuccessfulRequest).toBeGreaterThan(free.cost.perSuccessfulRequest * 1.01);
  });

  test('outages fail calls mid-stream: partial output is billed, so cost per successful request rises', () => {
    const free = simulatePlanRun(apiScenario({}), 0, 1);
    const flaky = simulatePlanRun(apiScenario({ outages: { errorRate: 0.3 }, retry: { maxRetries: 1, baseDelay: 1, maxDelay: 2 } }), 0, 1);
    expect(flaky.api.errors).toBeGreaterThan(1000);
    expect(flaky.requests.failedBy.errored).toBeGreaterThan(100);
    expect(flaky.cost.perSuccessfulRequest).toBeGreaterThan(free.cost.perSuccessfulRequest * 1.05);
    expect(flaky.requests.arrived).toBe(flaky.requests.succeeded + flaky.requests.failed + flaky.requests.inFlight);
  });

  test('MTBF/MTTR outages take the API down for periods', () => {
    const r = simulatePlanRun(apiScenario({ outages: { mtbf: '20m', mttr: '5m' }, retry: { maxRetries: 2, baseDelay: 1, maxDelay: 4 } }), 0, 2);
    expect(r.requests.failedBy.errored).toBeGreaterThan(100);
    expect(r.successRate).toBeLessThan(0.95);
    expect(r.successRate).toBeGreaterThan(0.5);
  });

  test('an SLO turns slow completions into late ones, which do not count as successes', () => {
    const r = simulatePlanRun(apiScenario({}, { workload: { arrivals: { process: 'poisson', rate: 2 }, input: { dist: 'constant', value: 1000 }, output: { dist: 'constant', value: 200 }, slo: { e2e: 2 } } }), 0, 1);
    // gpt-4o-mini's measured medians: 0.4 s to the first token, then 199 tokens at 140 a second, about 1.9 s in all.
    expect(r.requests.late).toBeGreaterThan(100);
    expect(r.requests.arrived).toBe(r.requests.succeeded + r.requests.late + r.requests.failed + r.requests.inFlight);
    expect(r.sloAttainment).toBeLessThan(1);
    expect(r.cost.perSuccessfulRequest).toBeCloseTo(r.cost.total / r.requests.succeeded, 12);
  });
});

describe.runIf(HAVE_SHARED_DATA)('price catalogs', () => {
  test("the real LiteLLM file reads gpt-4o at $2.50 / $10, batch $1.25 / $5", () => {
    const catalog = parseLiteLlmCatalog(readFileSync(LITELLM, 'utf8'), 'litellm', '2026');
    const p = findApiPrice(catalog, 'gpt-4o')!;
    expect(p.inputPerMTok).toBeCloseTo(2.5, 9);
    expect(p.outputPerMTok).toBeCloseTo(10, 9);
    expect(p.batchInputPerMTok).toBeCloseTo(1.25, 9);
    expect(p.batchOutputPerMTok).toBeCloseTo(5, 9);
    expect(p.cachedInputPerMTok).toBeCloseTo(1.25, 9);
  });

  test('a scenario priced from the LiteLLM file bills with its prices', () => {
    const scenario = apiScenario({ model: 'gpt-4o' });
    const costs = resolveCosts(scenario, parseLiteLlmCatalog(readFileSync(LITELLM, 'utf8'), 'litellm', '2026'));
    expect(costs.plans[0]![0]).toMatchObject({ kind: 'api', input: 2.5, output: 10 });
    const summary = summarizeRuns(runScenario(scenario, { seeds: 1, costs }));
    expect(summary.plans[0]!.cost.perSuccessfulRequest.mean).toBeCloseTo(1000 * 2.5e-6 + 200 * 10e-6, 9);
  });

  test('capsim prices finds gpt-4o in the LiteLLM file, exact name first', async () => {
    const r = await capsim('prices', 'gpt-4o', '--prices', LITELLM, '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.models[0].model).toBe('gpt-4o');
    const table = await capsim('prices', 'gpt-4o-mini');
    expect(table.stdout).toMatch(/gpt-4o-mini\s+\$0\.15\s+\$0\.6\s+\$0\.075\s+\$0\.075\s+\$0\.3/);
    expect(table.stdout).toMatch(/as of 2026-07/);
  });

  test('capsim prices knows the current families: gpt-5, Claude 4.x, Gemini 2.5 and 3', async () => {
    const r = await capsim('prices', 'gpt-5', '--json');
    expect(r.code).toBe(0);
    const models = JSON.parse(r.stdout).models.map((m: { model: string }) => m.model);
    expect(models).toEqual(expect.arrayContaining(['gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-5.4', 'gpt-5.5']));
    for (const model of ['claude-sonnet-4-6', 'claude-haiku-4-5', 'claude-opus-4-7', 'gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-3-flash-preview']) {
      const one = await capsim('prices', model, '--json');
      expect(JSON.parse(one.stdout).models[0].model).toBe(model);
    }
  });

  test('bad catalogs and unknown models are bad input that says which', async () => {
    const notJson = await capsim('prices', '--prices', tempFile('p.json', '{ not json'));
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/p\.json is not valid JSON/);
    const scenario = tempFile('s.yaml', DEFAULT.replace('model: gpt-4o-mini ', 'model: gpt-4o-mni '));
    const unknown = await capsim('run', scenario);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/plans\.1\.backends\.0\.model: got "gpt-4o-mni", expected a model in built-in API price table \(closest: gpt-4o-mini/);
    const missing = await capsim('run', tempFile('s2.yaml', DEFAULT), '--prices', LITELLM);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/plans\.0\.backends\.0\.model: got "claude-3\.5-sonnet", expected a model in \S*litellm_model_prices_and_context_window\.json/);
  });
});
