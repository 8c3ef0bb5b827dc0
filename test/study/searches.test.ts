/**
 * The searches against closed forms: a break-even between a per-request API price and a
 * fixed monthly cost; the smallest M/M/c that meets an end-to-end SLO (Erlang C); the
 * newsvendor's critical fractile for a reserved pool under uncertain demand.
 */
import { describe, expect, test } from 'vitest';
import { capsim, newsvendorScenario, tempFile } from '../support/cli.js';
import { erlangC } from '../../src/fleet/index.js';

describe('capsim breakeven', () => {
  // API: 1,000 input + 200 output tokens at $1.50 / $6 per million = $0.0027 a request.
  // Own fleet: free GPUs and $730 a month of engineering = $1 over the 1-hour window, whatever
  // the volume. They cost the same per successful request at rate × 3600 × 0.0027 = 1, and
  // the friction rule (self-host when the API costs over 1.5 × self-hosting) flips at 1.5
  // times that rate.
  const file = tempFile(
    'breakeven.yaml',
    `
name: breakeven
horizon: 1h
seeds: 8
workload:
  arrivals: { process: poisson, rate: 1 }
  input: { dist: constant, value: 1000 }
  output: { dist: constant, value: 200 }
plans:
  - name: api
    backends: [{ kind: api, prices: { input: 1.5, output: 6 } }]
  - name: own
    backends: [{ kind: fleet, replicas: 1, model: llama-3.1-8b, gpu: h100-sxm, pools: { onDemand: { pricePerGpuHour: 0 } } }]
    overhead: { engineeringUsdPerMonth: 730 }
`,
  );
  const analytic = 1 / (3600 * 0.0027);

  test('lands on the analytic crossing, inside its interval, and on the friction crossing at 1.5 times it', async () => {
    const r = await capsim('breakeven', file, '--plans', 'api,own', '--param', 'workload.arrivals.rate', '--range', '0.02..0.5', '--json', '--quiet');
    // Nothing on stderr: no warnings (--quiet only drops the progress line a slow machine prints every 5 s).
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Math.abs(doc.crossing.value / analytic - 1)).toBeLessThan(0.02);
    expect(doc.crossing.ci95[0]).toBeLessThan(analytic);
    expect(doc.crossing.ci95[1]).toBeGreaterThan(analytic);
    expect(Math.abs(doc.frictionCrossing.value / (1.5 * analytic) - 1)).toBeLessThan(0.02);
    // The bracket was narrowed to the tolerance: some value tried lies within it of the crossing.
    expect(doc.points.some((p: { value: number }) => Math.abs(p.value - doc.crossing.value) <= doc.tolerance)).toBe(true);
    expect(doc.atCrossing.plans.map((p: { successRate: { mean: number } }) => p.successRate.mean)).toEqual([expect.closeTo(1, 2), expect.closeTo(1, 2)]);
    // Below the crossing the API is cheaper, above it the fleet.
    const first = doc.points[0];
    const last = doc.points[doc.points.length - 1];
    expect(first.difference.value).toBeLessThan(0);
    expect(last.difference.value).toBeGreaterThan(0);
  });

  test('says so, with value null, when the plans do not cross in the range', async () => {
    const r = await capsim('breakeven', file, '--plans', 'api,own', '--param', 'workload.arrivals.rate', '--range', '0.2..0.5', '--seeds', '2', '--json');
    const doc = JSON.parse(r.stdout);
    expect(doc.crossing.value).toBeNull();
    expect(doc.crossing.reason).toMatch(/own is cheaper across the whole range/);
    const table = await capsim('breakeven', file, '--plans', 'api,own', '--param', 'workload.arrivals.rate', '--range', '0.02..0.5', '--seeds', '2');
    expect(table.stdout).toMatch(/cost the same per successful request at workload.arrivals.rate = 0\.10\d+ \(95% CI/);
  });

  test('names a plan that is not there, and two plans that are one', async () => {
    const bad = await capsim('breakeven', file, '--plans', 'api,nope', '--param', 'workload.arrivals.rate', '--range', '1..2');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no plan named "nope".*plans: api, own/);
    const same = await capsim('breakeven', file, '--plans', 'api,api', '--param', 'workload.arrivals.rate', '--range', '1..2');
    expect(same.stderr).toMatch(/two different plans/);
  });
});

describe('capsim size', () => {
  // M/M/c at 9 requests/s, 1 s mean service; success: done within 5 s, for 98% of requests.
  const file = tempFile(
    'size.yaml',
    `
name: size
horizon: 3h
warmup: 10m
seeds: 4
workload:
  arrivals: { process: poisson, rate: 9 }
  slo: { e2e: 5s, target: 0.98 }
plans:
  - name: servers
    backends: [{ kind: fleet, replicas: 10, service: { dist: exponential, mean: 1 } }]
`,
  );
  /** P(T ≤ t) in M/M/c: the wait is 0 with probability 1 − C, else exponential at rate cμ − λ; then the service. */
  const withinSlo = (c: number, lambda: number, mu: number, t: number) => {
    const C = erlangC(c, lambda / mu);
    const theta = c * mu - lambda;
    const both = theta === mu ? (1 + mu * t) * Math.exp(-mu * t) : (theta * Math.exp(-mu * t) - mu * Math.exp(-theta * t)) / (theta - mu);
    return 1 - ((1 - C) * Math.exp(-mu * t) + C * both);
  };
  const expected = [10, 11, 12, 13, 14].find((c) => withinSlo(c, 9, 1, 5) >= 0.98)!;

  test('finds the smallest server count that Erlang C says meets the target, by doubling and halving', async () => {
    expect(withinSlo(expected - 1, 9, 1, 5)).toBeLessThan(0.975);
    expect(withinSlo(expected, 9, 1, 5)).toBeGreaterThan(0.985);
    const r = await capsim('size', file, '--plan', 'servers', '--param', 'plans.0.backends.0.replicas', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.best.value).toBe(expected);
    const values = doc.tried.map((t: { value: number }) => t.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values).toContain(expected - 1);
    for (const t of doc.tried) expect(t.meetsTarget).toBe(t.value >= expected);
    for (const t of doc.tried.filter((x: { value: number }) => x.value > 9)) expect(t.successRate.mean).toBeCloseTo(withinSlo(t.value, 9, 1, 5), 2);
  });

  test('a range of a few values is tried whole; none meeting the targets says why', async () => {
    const whole = JSON.parse((await capsim('size', file, '--plan', 'servers', '--param', 'plans.0.backends.0.replicas', '--range', '8..12', '--seeds', '2', '--json')).stdout);
    expect(whole.tried.map((t: { value: number }) => t.value)).toEqual([8, 9, 10, 11, 12]);
    const none = JSON.parse((await capsim('size', file, '--plan', 'servers', '--param', 'plans.0.backends.0.replicas', '--range', '5..8', '--seeds', '2', '--json')).stdout);
    expect(none.best).toBeNull();
    expect(none.reason).toMatch(/no value tried meets servers's SLO targets \(at 8: .* target 98%\)/);
  });
});

describe('capsim commit', () => {
  // The replicas a run needs are drawn uniformly from 1..10 (demand); q of them are reserved
  // at $0.35 per GPU-hour, billed whether used or not, the rest on demand at $1. Expected
  // cost is lowest at the newsvendor's critical fractile: the smallest q with
  // P(need ≤ q) ≥ 1 − 0.35 / 1.
  const file = tempFile('commit.yaml', newsvendorScenario(60, 10));

  test('names the critical-fractile level as the lowest expected cost, and computes regret per run', async () => {
    const r = await capsim('commit', file, '--plan', 'fleet', '--param', 'plans.0.backends.0.pools.reserved.gpus', '--range', '0..10', '--json', '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.levels).toHaveLength(11);
    // Each run's cost is the newsvendor's, to the cent: q × 0.35 + max(need − q, 0) × 1, per hour, × 730.
    const runs = await capsim('run', file, '--json', '--set', 'plans.0.backends.0.pools.reserved.gpus=0');
    const needs: number[] = JSON.parse(runs.stdout).plans[0].perRun.map((p: { costPerMonth: number }) => Math.round(p.costPerMonth / 730));
    expect(new Set(needs).size).toBe(10);
    const cost = (q: number) => needs.reduce((s, n) => s + (q * 0.35 + Math.max(n - q, 0)) * 730, 0) / needs.length;
    for (const level of doc.levels) expect(level.monthlyCost.mean).toBeCloseTo(cost(level.value), 6);
    const sorted = [...needs].sort((a, b) => a - b);
    const fractile = sorted[Math.ceil(0.65 * needs.length) - 1]!;
    expect(doc.minExpected.value).toBe(fractile);
    expect(Math.abs(fractile - 7)).toBeLessThanOrEqual(1);
    // The best level in hindsight is the run's own need: regret is zero at q = need.
    for (const level of doc.levels) expect(level.regret.p5).toBeGreaterThanOrEqual(0);
    const p95 = doc.levels.reduce((b: { monthlyCost: { p95: number } }, l: { monthlyCost: { p95: number } }) => (l.monthlyCost.p95 < b.monthlyCost.p95 ? l : b));
    expect(doc.minP95.value).toBe(p95.value);
  });
});
