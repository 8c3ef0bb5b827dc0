import { itemKinds, itemUsd } from '../support/bill.js';
import { describe, expect, test } from 'vitest';
import { simulatePlanRun } from '../../src/experiment/index.js';
import { resolveCosts } from '../../src/cost/index.js';
import { validateScenario, type Scenario } from '../../src/scenario/index.js';

function managedScenario(rate: number, managed: Record<string, unknown> = {}): Scenario {
  return validateScenario(
    {
      name: 'managed',
      horizon: '2d',
      workload: { arrivals: { process: 'poisson', rate }, input: { dist: 'constant', value: 500 }, output: { dist: 'constant', value: 100 } },
      plans: [{ name: 'endpoint', backends: [{ kind: 'managed', model: 'llama-3.1-8b', gpu: 'l4', dtype: 'fp8', idleTimeout: '10m', coldStart: '90s', billingIncrement: '60s', ...managed }] }],
    },
    'test',
  );
}

describe('managed endpoints', () => {
  test('priced at the catalog on-demand price plus the premium', () => {
    const costs = resolveCosts(managedScenario(0.001, { premium: 0.5 }));
    expect(costs.plans[0]![0]).toMatchObject({ kind: 'managed', pricePerGpuHour: 0.805 * 1.5 });
  });

  test('sparse traffic: scale to zero between requests, a cold start for each, billed per warm period rounded up to the increment', () => {
    const s = managedScenario(1 / 7200, { pricePerGpuHour: 1 });
    const r = simulatePlanRun(s, 0, 1);
    const gpuSeconds = (itemUsd(r.cost, 'managed.l4') ?? 0) * 3600;
    expect(r.coldStarts).toBeGreaterThan(10);
    expect(r.requests.failed).toBe(0);
    expect(r.requests.arrived).toBe(r.requests.succeeded + r.requests.inFlight);
    // Each warm period: the 90 s cold start + a few seconds of work + the 10 min idle timeout, rounded up to a minute.
    expect(gpuSeconds % 60).toBeCloseTo(0, 6);
    expect(gpuSeconds / r.coldStarts).toBeGreaterThanOrEqual(690);
    expect(gpuSeconds / r.coldStarts).toBeLessThanOrEqual(780);
    // The first token waits for the cold start.
    expect(r.cost.total).toBeLessThan(48 * 1);
  });

  test('busy traffic keeps the endpoint warm: one cold start, billed the whole window', () => {
    const r = simulatePlanRun(managedScenario(1, { pricePerGpuHour: 1 }), 0, 1);
    expect(r.coldStarts).toBe(1);
    expect((itemUsd(r.cost, 'managed.l4') ?? 0)).toBeCloseTo(48, 1);
  });
});
