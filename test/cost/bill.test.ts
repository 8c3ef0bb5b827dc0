import { describe, expect, test } from 'vitest';
import { billRun, classCosts, decide, HOURS_PER_MONTH, overheadCharges, prorate, totalFromMeters, type BillInput } from '../../src/cost/index.js';
import { overhead as overheadSchema, validateScenario } from '../../src/scenario/index.js';
import { pooledRatio } from '../../src/metrics/index.js';
import { runScenario, simulatePlanRun, summarizeRuns } from '../../src/experiment/index.js';

const MONTH = HOURS_PER_MONTH * 3600;

const GPU_COSTS = { kind: 'fleet', gpu: 'a100-80gb', order: ['onDemand'], price: { onDemand: 3.431 }, source: 'test' } as const;
const API_COSTS = { kind: 'api', model: 'gpt-4o-mini', tier: 'standard', input: 0.15, cachedInput: 0.075, output: 0.6, source: 'test', contextWindow: 128_000 } as const;
const noUsage = { gpu: [], busyGpuSeconds: 0, apiTokensByClass: undefined, servedTokensByClass: [] };

function twoBackends(): BillInput {
  return {
    backends: [
      // 2 GPUs for a month; the fleet served class 0 three times as many tokens as class 1.
      { name: 'fleet0', costs: GPU_COSTS, usage: { ...noUsage, gpu: [{ pool: 'onDemand', gpu: 'a100-80gb', gpuSeconds: 2 * MONTH }], busyGpuSeconds: MONTH, servedTokensByClass: [3e6, 1e6] } },
      // 1M input tokens of class 0 and 1M output tokens of class 1 on the API.
      { name: 'api1', costs: API_COSTS, usage: { ...noUsage, apiTokensByClass: [{ input: 1e6, cachedInput: 0, output: 0 }, { input: 0, cachedInput: 0, output: 1e6 }] } },
    ],
    overhead: overheadSchema.parse({ infraPercentOfGpu: 40, engineeringUsdPerMonth: 4000 }),
    windowSeconds: MONTH,
    successfulRequests: 1000,
    outputTokens: 2e6,
  };
}

describe('billRun', () => {
  test('meters priced into labelled items keyed by backend; per-request, per-month and per-million figures follow', () => {
    const bill = billRun(twoBackends());
    const byId = Object.fromEntries(bill.items.map((i) => [i.id, i.usd]));
    const gpu = 2 * HOURS_PER_MONTH * 3.431;
    expect(byId['fleet0.gpu.onDemand.a100-80gb']).toBeCloseTo(gpu, 9);
    expect(byId['api1.api.input']).toBeCloseTo(0.15, 12);
    expect(byId['api1.api.output']).toBeCloseTo(0.6, 12);
    expect(byId['overhead.infrastructure']).toBeCloseTo(0.4 * gpu, 9);
    expect(byId['overhead.engineering']).toBeCloseTo(4000, 9);
    expect(bill.items.find((i) => i.id === 'fleet0.gpu.onDemand.a100-80gb')!.label).toBe('GPU on-demand, NVIDIA A100 SXM4 80GB (fleet0)');
    expect(bill.items.find((i) => i.id === 'api1.api.input')!.label).toBe('API input tokens, gpt-4o-mini (api1)');
    expect(bill.total).toBeCloseTo(1.4 * gpu + 0.75 + 4000, 9);
    expect(bill.perMonth).toBeCloseTo(bill.total, 9);
    expect(bill.perSuccessfulRequest).toBeCloseTo(bill.total / 1000, 12);
    expect(bill.perMillionOutputTokens).toBeCloseTo(bill.total / 2, 12);
    expect(bill.paidUtilization).toBe(0.5);
  });

  test('two API backends of one plan keep separate lines', () => {
    const input = twoBackends();
    const api = input.backends[1]!;
    const bill = billRun({ ...input, backends: [api, { ...api, name: 'api2' }] });
    expect(bill.items.map((i) => i.id)).toEqual(['api1.api.input', 'api1.api.output', 'api2.api.input', 'api2.api.output', 'overhead.engineering']);
  });

  test('the total worked out from the meters equals the sum of the items, spot meters included', () => {
    const input = twoBackends();
    const bill = billRun(input);
    expect(totalFromMeters(input)).toBeCloseTo(bill.items.reduce((a, i) => a + i.usd, 0), 9);
    // An hour of spot GPU at $1 adds $1.40 with the 40% infrastructure overhead.
    const fleet = input.backends[0]!;
    const withSpot = { ...input, backends: [{ ...fleet, costs: { ...GPU_COSTS, price: { onDemand: 3.431, spot: 1 } }, usage: { ...fleet.usage, gpu: [...fleet.usage.gpu, { pool: 'spot' as const, gpu: 'a100-80gb', gpuSeconds: 3600 }] } }, input.backends[1]!] };
    const spotBill = billRun(withSpot);
    expect(totalFromMeters(withSpot) - spotBill.items.reduce((a, i) => a + i.usd, 0)).toBeCloseTo(0, 9);
    expect(totalFromMeters(withSpot) - bill.total).toBeCloseTo(1.4, 9);
  });

  test('classes share the bill: API tokens exactly, GPU time by tokens served, overhead pro rata', () => {
    const input = twoBackends();
    const bill = billRun(input);
    const [a, b] = classCosts(input, bill, [10, 10]);
    expect(a! + b!).toBeCloseTo(bill.total, 9);
    const gpu = 2 * HOURS_PER_MONTH * 3.431;
    const directA = 0.75 * gpu + 0.15;
    const directB = 0.25 * gpu + 0.6;
    expect(a! / b!).toBeCloseTo(directA / directB, 9);
  });

  test('monthly overheads are prorated to the window; a week is 168/730 of a month', () => {
    expect(prorate(730, 7 * 86400)).toBeCloseTo(168, 9);
    const charges = overheadCharges(overheadSchema.parse({ engineeringFte: 0.25, engineerAnnualUsd: 192_000, storageUsdPerMonth: 100, observabilityUsdPerMonth: 50, egressUsdPerGB: 0.09 }), 0, MONTH, 1e9);
    const byItem = Object.fromEntries(charges.map((c) => [c.item, c.usd]));
    expect(byItem['overhead.engineering']).toBeCloseTo(4000, 9);
    expect(byItem['overhead.storage']).toBeCloseTo(100, 9);
    expect(byItem['overhead.observability']).toBeCloseTo(50, 9);
    // 1e9 tokens × 4 bytes = 4 GB at $0.09
    expect(byItem['overhead.egress']).toBeCloseTo(0.36, 9);
  });

  test('no successful request means an infinite cost per successful request', () => {
    expect(billRun({ ...twoBackends(), successfulRequests: 0 }).perSuccessfulRequest).toBe(Infinity);
  });
});

describe('eligibility: a plan must meet its SLO targets', () => {
  const plan = (name: string, kind: 'api' | 'self-hosted' | 'managed', cost: number, achieved: number) => ({ name, kind, perSuccessfulRequest: cost, classes: [{ name: 'default', achieved, target: 0.99 }] });

  test('a cheap plan below its target is excluded, with the reason in words', () => {
    const d = decide([plan('cheap-gpu', 'self-hosted', 0.001, 0.36), plan('limited-api', 'api', 0.002, 0.29), plan('good-api', 'api', 0.01, 0.999)], 1.5);
    expect(d.recommended).toBe('good-api');
    expect(d.excluded).toEqual([
      { plan: 'cheap-gpu', reason: '36.0% of requests succeeded within the SLO, target 99%' },
      { plan: 'limited-api', reason: '29.0% of requests succeeded within the SLO, target 99%' },
    ]);
  });

  test('when no plan is eligible, none is recommended and the closest is named', () => {
    const d = decide([plan('a', 'api', 0.001, 0.5), plan('b', 'self-hosted', 0.002, 0.9)], 1.5);
    expect(d.recommended).toBeUndefined();
    expect(d.closest).toBe('b');
    expect(d.rule).toMatch(/^no plan meets its SLO target; the closest is b \(90\.0% of requests/);
  });

  test('a plan that bills nothing or has no successes is never recommended on cost', () => {
    const d = decide([{ name: 'free', kind: 'api', perSuccessfulRequest: 0 }, { name: 'none', kind: 'api', perSuccessfulRequest: Infinity }, { name: 'paid', kind: 'api', perSuccessfulRequest: 1 }], 1.5);
    expect(d.recommended).toBe('paid');
    expect(d.excluded.map((e) => e.plan)).toEqual(['free', 'none']);
  });

  test('managed plans compare at face value; friction applies to self-hosted plans only', () => {
    const d = decide([plan('managed', 'managed', 1.4, 1), plan('gpu', 'self-hosted', 1, 1)], 1.5);
    expect(d.recommended).toBe('managed');
    expect(d.rule).toMatch(/^managed: the cheapest self-hosted plan \(gpu\) saves only 1\.4×/);
  });
});

describe('the friction rule', () => {
  test('self-hosting wins only when the API costs more than friction × self-hosted', () => {
    const plans = (api: number, self: number) => [
      { name: 'api', kind: 'api' as const, perSuccessfulRequest: api },
      { name: 'gpu', kind: 'self-hosted' as const, perSuccessfulRequest: self },
    ];
    expect(decide(plans(2, 1), 1.5).recommended).toBe('gpu');
    expect(decide(plans(2, 1), 1.5).rule).toMatch(/^self-host: the cheapest API plan \(api\) costs 2× the cheapest self-hosted plan \(gpu\)/);
    const close = decide(plans(1.4, 1), 1.5);
    expect(close.recommended).toBe('api');
    expect(close.cheapest).toBe('gpu');
    expect(close.rule).toMatch(/saves only 1\.4×/);
    expect(decide(plans(0.5, 1), 1.5).rule).toMatch(/already costs less/);
    expect(decide(plans(2, 1), 2.5).recommended).toBe('api');
  });
});

describe('paired comparison across runs', () => {
  test('cheaperShare counts the runs in which one plan cost less than another', async () => {
    const { cheaperShare } = await import('../../src/experiment/index.js');
    // Only the runs' costs per successful request matter: a table that has just that column.
    const runs = (...usd: number[]) => ({ values: (path: string) => (path === 'cost.perSuccessfulRequest' ? usd : []) }) as never;
    const share = cheaperShare({
      scenario: {} as never,
      costs: {} as never,
      seeds: [1, 2, 3, 4],
      plans: [
        { name: 'a', table: runs(1, 2, 3, 4), pooled: {} as never, series: undefined, runs: undefined },
        { name: 'b', table: runs(2, 1, 4, 5), pooled: {} as never, series: undefined, runs: undefined },
      ],
    });
    expect(share).toEqual({ a: { b: 0.75 }, b: { a: 0.25 } });
  });
});

describe('cost per successful request across runs is a ratio of totals', () => {
  test('pooledRatio: Σy/Σx with a delta-method interval; a zero denominator still counts its numerator', () => {
    expect(pooledRatio([1, 2, 3], [1, 1, 1]).value).toBe(2);
    // Residuals y − 2x = −1, 0, 1: variance 1, so the half-width is t(2)·sqrt(1/3)/1.
    const r = pooledRatio([1, 2, 3], [1, 1, 1]);
    expect(r.ci95[1] - 2).toBeCloseTo(4.303 * Math.sqrt(1 / 3), 9);
    // A run with cost and no success raises the pooled cost; a mean of per-run ratios would drop it.
    expect(pooledRatio([1, 1, 1], [1, 1, 0]).value).toBe(1.5);
    expect(pooledRatio([1], [0]).value).toBe(Infinity);
  });

  test('the summary pools every run, including those in which nothing succeeded, and the decision ranks on it', () => {
    const scenario = validateScenario(
      {
        name: 'sparse',
        horizon: '1h',
        seeds: 24,
        workload: { arrivals: { process: 'poisson', rate: 1 / 3600 }, input: { dist: 'constant', value: 100 }, output: { dist: 'constant', value: 10 } },
        plans: [{ name: 'api', overhead: { observabilityUsdPerMonth: 730 }, backends: [{ kind: 'api', model: 'gpt-4o-mini' }] }],
      },
      'test',
    );
    const runs = runScenario(scenario);
    const summary = summarizeRuns(runs);
    const plan = summary.plans[0]!;
    const results = runs.plans[0]!.runs!;
    const total = results.reduce((a, r) => a + r.cost.total, 0);
    const successes = results.reduce((a, r) => a + r.requests.succeeded, 0);
    expect(plan.cost.runsWithoutSuccess).toBe(results.filter((r) => r.requests.succeeded === 0).length);
    expect(plan.cost.runsWithoutSuccess).toBeGreaterThan(0);
    expect(plan.cost.pooledPerSuccessfulRequest.value).toBeCloseTo(total / successes, 12);
    // The per-run mean forgets the empty runs' $1 each and comes out lower.
    expect(plan.cost.perSuccessfulRequest.mean).toBeLessThan(plan.cost.pooledPerSuccessfulRequest.value);
  });
});

describe('month by month', () => {
  const scenario = validateScenario(
    {
      name: 'growth',
      horizon: '2200h',
      seeds: 2,
      workload: { arrivals: { process: 'poisson', rate: 0.02, growth: { percentPerMonth: 50 } }, input: { dist: 'constant', value: 1000 }, output: { dist: 'constant', value: 100 } },
      plans: [
        { name: 'api', backends: [{ kind: 'api', model: 'gpt-4o-mini' }], overhead: { observabilityUsdPerMonth: 100 } },
        { name: 'reserved', backends: [{ kind: 'fleet', replicas: 1, model: 'llama-3.1-8b', gpu: 'l4', pools: { provider: 'gcp', reserved: { gpus: 1, term: '1y' } } }], overhead: { engineeringUsdPerMonth: 1000 } },
      ],
    },
    'test',
  );

  test('the months add up to the run: cost, arrivals and successes; the last month is shorter', () => {
    for (const plan of [0, 1]) {
      const r = simulatePlanRun(scenario, plan, 1);
      const months = r.months!;
      expect(months.map((m) => m.hours)).toEqual([730, 730, 730, 10].map((h) => expect.closeTo(h, 6)));
      expect(months.reduce((a, m) => a + m.cost.total, 0)).toBeCloseTo(r.cost.total, 6);
      expect(months.reduce((a, m) => a + m.arrived, 0)).toBe(r.requests.arrived);
      expect(months.reduce((a, m) => a + m.succeeded, 0)).toBe(r.requests.succeeded);
    }
    // Growth shows: the third month has about 1.5² the traffic of the first.
    const api = simulatePlanRun(scenario, 0, 1).months!;
    expect(api[2]!.arrived / api[0]!.arrived).toBeGreaterThan(1.9);
  });

  test('a reservation whose term runs past the horizon reports what it still owes', () => {
    const r = simulatePlanRun(scenario, 1, 1);
    // GCP L4 1-year price $0.445 per GPU-hour, 8,760 − 2,200 hours left.
    expect(r.commitmentOwed).toBeCloseTo((8760 - 2200) * 0.445, 6);
    expect(simulatePlanRun(scenario, 0, 1).commitmentOwed).toBe(0);
    const summary = summarizeRuns(runScenario(scenario));
    expect(summary.plans[1]!.cost.commitmentOwed.mean).toBeCloseTo((8760 - 2200) * 0.445, 6);
    expect(summary.plans[1]!.months!.length).toBe(4);
  });
});
