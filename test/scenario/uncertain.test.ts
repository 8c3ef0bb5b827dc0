import { describe, expect, test } from 'vitest';
import { runScenario, simulatePlanRun, summarizeRuns } from '../../src/experiment/index.js';
import { parseScenario, ScenarioError, scenarioForRun, uncertainFields } from '../../src/scenario/index.js';
import { capsim, tempFile } from '../support/cli.js';

const TEXT = `
name: uncertain
horizon: 30m
seeds: 4
workload:
  arrivals: { process: poisson, rate: { dist: lognormal, median: 10, p95: 15 }, growth: { percentPerMonth: { dist: uniform, min: 5, max: 25 } } }
plans:
  - name: a
    backends:
      - { kind: fleet, replicas: { dist: uniform, min: 12, max: 16 }, service: { dist: exponential, mean: 1 } }
  - name: b
    backends:
      - { kind: fleet, replicas: 20, service: { dist: exponential, mean: 1 } }
`;

describe('uncertain inputs', () => {
  const scenario = parseScenario(TEXT, 'u.yaml');

  test('numeric fields given as distributions are found, and the central scenario takes their medians', () => {
    expect(uncertainFields(scenario).map((f) => [f.path, f.integer])).toEqual([
      ['workload.arrivals.rate', false],
      ['workload.arrivals.growth.percentPerMonth', false],
      ['plans.0.backends.0.replicas', true],
    ]);
    expect(scenario.workload.arrivals!.rate).toBeCloseTo(10, 9);
    expect(scenario.plans[0]!.backends[0]!.kind === 'fleet' && scenario.plans[0]!.backends[0]!.replicas).toBe(14);
  });

  test('each run draws once, from its own stream, whole numbers where the field needs them', () => {
    const a = scenarioForRun(scenario, 1);
    const again = scenarioForRun(scenario, 1);
    const other = scenarioForRun(scenario, 2);
    expect(a.drawn).toEqual(again.drawn);
    expect(a.drawn['workload.arrivals.rate']).not.toBe(other.drawn['workload.arrivals.rate']);
    expect(Number.isInteger(a.drawn['plans.0.backends.0.replicas'])).toBe(true);
    expect(a.scenario.workload.arrivals!.rate).toBe(a.drawn['workload.arrivals.rate']);
  });

  test('draws follow the distribution: median 10 and p95 15 over 400 runs', () => {
    const rates = Array.from({ length: 400 }, (_, i) => scenarioForRun(scenario, i + 1).drawn['workload.arrivals.rate']!).sort((x, y) => x - y);
    expect(rates[199]!).toBeGreaterThan(9.3);
    expect(rates[199]!).toBeLessThan(10.7);
    expect(rates[379]!).toBeGreaterThan(13.5);
    expect(rates[379]!).toBeLessThan(16.5);
  });

  test('every plan of a run sees the same draw, and the run records it', () => {
    const a = simulatePlanRun(scenario, 0, 3);
    const b = simulatePlanRun(scenario, 1, 3);
    expect(a.uncertain['workload.arrivals.rate']).toBe(b.uncertain['workload.arrivals.rate']);
    expect(a.requests.arrived).toBe(b.requests.arrived);
    const summary = summarizeRuns(runScenario(scenario));
    expect(summary.plans[0]!.uncertain['workload.arrivals.rate']!.sd).toBeGreaterThan(0);
  });

  test('a bad distribution in a numeric field names its path', () => {
    expect(() => parseScenario(TEXT.replace('median: 10, p95: 15', 'median: 10, p95: 5'), 'u.yaml')).toThrow(ScenarioError);
    expect(() => parseScenario(TEXT.replace('median: 10, p95: 15', 'median: 10, p95: 5'), 'u.yaml')).toThrow(/workload\.arrivals\.rate\.p95: got 5, expected p95 greater than the median/);
  });

  test('--set can make a field uncertain', async () => {
    const file = tempFile('c.yaml', TEXT);
    const r = await capsim('run', file, '--json', '--set', 'plans.1.backends.0.replicas={dist: uniform, min: 18, max: 22}');
    expect(r.code).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout).plans[1].uncertain)).toContain('plans.1.backends.0.replicas');
  });
});
