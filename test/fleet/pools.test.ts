import { itemKinds, itemUsd } from '../support/bill.js';
import { describe, expect, test } from 'vitest';
import { simulatePlanRun } from '../../src/experiment/index.js';
import { resolveCosts } from '../../src/cost/index.js';
import { fleetPools, placeReplicas } from '../../src/fleet/index.js';
import { fleetOf } from '../support/scenarios.js';
import { validateScenario, ScenarioError, type Scenario } from '../../src/scenario/index.js';

/** The pools of plan 0's fleet, which a test knows to be an LLM fleet. */
function poolsOf(s: Scenario) {
  const fleet = fleetOf(s);
  return 'pools' in fleet ? fleet.pools : undefined;
}

function fleetScenario(fleet: Record<string, unknown>, rate = 0.5, horizon = '1d'): Scenario {
  return validateScenario(
    {
      name: 'pools',
      horizon,
      workload: { arrivals: { process: 'poisson', rate }, input: { dist: 'constant', value: 500 }, output: { dist: 'constant', value: 100 } },
      plans: [{ name: 'gpu', backends: [{ kind: 'fleet', model: 'llama-3.1-8b', gpu: 'l4', dtype: 'fp8', ...fleet }] }],
    },
    'test',
  );
}

describe('GPU pools', () => {
  test('reserved GPUs are billed for every hour of the window, used or not', () => {
    // 4 committed GPUs at $0.50, one replica of one GPU, almost no traffic.
    const s = fleetScenario({ replicas: 1, pools: { reserved: { gpus: 4, pricePerGpuHour: 0.5 } } }, 0.001);
    const r = simulatePlanRun(s, 0, 1);
    expect(itemUsd(r.cost, 'gpu.reserved.l4')).toBeCloseTo(4 * 24 * 0.5, 9);
    expect(itemKinds(r.cost)).toEqual(['gpu.reserved.l4']);
    // Four GPUs billed, one (barely) busy.
    expect(r.cost.paidUtilization).toBeLessThan(0.01);
  });

  test('replicas beyond the reservation spill to on-demand at the catalog price', () => {
    const s = fleetScenario({ replicas: 3, pools: { provider: 'aws', reserved: { gpus: 1, discount: 0.4 }, onDemand: {} } }, 0.001);
    const costs = resolveCosts(s);
    const prices = costs.plans[0]![0]!.kind === 'fleet' ? costs.plans[0]![0]! : undefined;
    expect(prices!.price.onDemand).toBe(0.805);
    expect(prices!.price.reserved).toBeCloseTo(0.805 * 0.6, 12);
    expect(placeReplicas(3, fleetPools('l4', 1, poolsOf(s)))).toEqual(['reserved', 'onDemand', 'onDemand']);
    const r = simulatePlanRun(s, 0, 1);
    expect(itemUsd(r.cost, 'gpu.reserved.l4')).toBeCloseTo(24 * 0.805 * 0.6, 9);
    expect(itemUsd(r.cost, 'gpu.onDemand.l4')).toBeCloseTo(2 * 24 * 0.805, 9);
  });

  test('spot preemption loses no request: evicted requests are served elsewhere', () => {
    const s = fleetScenario(
      { replicas: 3, pools: { provider: 'aws', spot: { preemptionsPerHour: 0.5, notice: '2m', replacementDelay: '10m' } } },
      3,
      '12h',
    );
    const r = simulatePlanRun(s, 0, 1);
    expect(r.spotPreemptions).toBeGreaterThan(5);
    expect(r.requests.failed).toBe(0);
    expect(r.requests.arrived).toBe(r.requests.succeeded + r.requests.failed + r.requests.inFlight);
    expect(r.requests.inFlight).toBeLessThan(50);
    // Spot is billed only while up: less than 3 replicas × 12 h at the spot price.
    expect(itemUsd(r.cost, 'gpu.spot.l4')).toBeLessThan(3 * 12 * 0.349);
    expect(itemUsd(r.cost, 'gpu.spot.l4')).toBeGreaterThan(0.8 * 3 * 12 * 0.349);
  });

  test('all replicas preempted at once: requests wait in the holding queue and are served on return', () => {
    const s = fleetScenario({ replicas: 1, pools: { spot: { pricePerGpuHour: 0.3, preemptionsPerHour: 1, replacementDelay: '20m' } } }, 0.5, '1d');
    const r = simulatePlanRun(s, 0, 3);
    expect(r.spotPreemptions).toBeGreaterThan(5);
    expect(r.requests.arrived).toBe(r.requests.succeeded + r.requests.failed + r.requests.inFlight);
    expect(r.requests.failed).toBe(0);
  });

  test('a price the table lacks is bad input naming the field', () => {
    const s = fleetScenario({ replicas: 1, gpu: 'h200', pools: { provider: 'gcp' } });
    expect(() => resolveCosts(s)).toThrow(ScenarioError);
    expect(() => resolveCosts(s)).toThrow(/plans\.0\.backends\.0\.pools\.onDemand\.pricePerGpuHour: got nothing, expected a price: the built-in table has no on-demand price for h200 on gcp \(it has h200 on aws\)/);
  });
});

describe('pool order', () => {
  test('on-demand and spot both configured without an order is bad input', () => {
    const s = fleetScenario({ replicas: 2, pools: { onDemand: {}, spot: { discount: 0.6 } } });
    expect(() => resolveCosts(s)).toThrow(/plans\.0\.backends\.0\.pools\.order: got nothing, expected an order such as \[reserved, spot\]/);
  });
});
