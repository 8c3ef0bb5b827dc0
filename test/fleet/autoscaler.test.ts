/**
 * The autoscaler: its decision (delay, tolerance, stabilization, steps, schedule) on its own,
 * and in a fleet (provisioning billed and serving nothing, stockouts, scale to zero, no
 * flapping, capacity utilization).
 */
import { describe, expect, test } from 'vitest';
import { replicaSaturationRate, simulatePlanRun } from '../../src/experiment/index.js';
import { Autoscaler, minimumAt, type AutoscalePolicy } from '../../src/fleet/index.js';
import { LogHistogram } from '../../src/metrics/index.js';
import { validateScenario, type Scenario } from '../../src/scenario/index.js';
import { fleetOf } from '../support/scenarios.js';
import { itemUsd } from '../support/bill.js';

const POLICY: AutoscalePolicy = { metric: 'waitingPerReplica', target: 2, min: 1, max: 10, tick: 15, metricsDelay: 30, scaleDownWindow: 300, maxStep: undefined, tolerance: 0.1, scaleToZero: false, schedule: undefined };

describe('the decision', () => {
  test('reads the metric as it was metricsDelay ago, and wants ceil(current × metric / target)', () => {
    const a = new Autoscaler(POLICY);
    // Two ticks of delay: a step in the metric at tick 2 is acted on at tick 4.
    const wants = [0, 0, 8, 8, 8, 8].map((m, k) => a.decide(15 * k, 2, m, true));
    expect(wants.slice(0, 4)).toEqual([1, 1, 1, 1].map(() => wants[0]));
    expect(wants[4]).toBe(8); // ceil(2 × 8 / 2)
  });

  test('within the tolerance nothing changes; steps are capped by maxStep', () => {
    expect(new Autoscaler({ ...POLICY, metricsDelay: 0 }).decide(0, 4, 2.1, true)).toBe(4);
    expect(new Autoscaler({ ...POLICY, metricsDelay: 0, maxStep: 2 }).decide(0, 4, 8, true)).toBe(6);
  });

  test('scales down only to the highest want of the stabilization window', () => {
    const a = new Autoscaler({ ...POLICY, metricsDelay: 0 });
    expect(a.decide(0, 4, 4, true)).toBe(8);
    // The metric falls, but for 300 s the want of 8 holds the fleet at its current size.
    expect(a.decide(100, 8, 0.5, true)).toBe(8);
    expect(a.decide(290, 8, 0.5, true)).toBe(8);
    expect(a.decide(320, 8, 0.5, true)).toBe(2);
  });

  test('a schedule raises the minimum at its times of day, across midnight too', () => {
    const p = { ...POLICY, schedule: [{ from: 8 * 3600, to: 20 * 3600, min: 4 }, { from: 22 * 3600, to: 2 * 3600, min: 2 }] };
    expect(minimumAt(p, 9 * 3600)).toBe(4);
    expect(minimumAt(p, 86_400 + 9 * 3600)).toBe(4);
    expect(minimumAt(p, 21 * 3600)).toBe(1);
    expect(minimumAt(p, 23 * 3600)).toBe(2);
    expect(minimumAt(p, 1 * 3600)).toBe(2);
    expect(new Autoscaler({ ...p, metricsDelay: 0 }).decide(9 * 3600, 1, 0, true)).toBe(4);
  });
});

function fleetScenario(rate: number, fleet: Record<string, unknown>, horizon = '6h', extra: Record<string, unknown> = {}): Scenario {
  return validateScenario(
    {
      name: 'autoscale',
      horizon,
      workload: { arrivals: { process: 'poisson', rate, ...extra }, input: { dist: 'constant', value: 1000 }, output: { dist: 'constant', value: 200 }, slo: { ttft: '5s' } },
      plans: [{ name: 'p', backends: [{ kind: 'fleet', model: 'llama-3.1-8b', gpu: 'l4', dtype: 'fp8', ...fleet }] }],
    },
    'test',
  );
}

describe('an autoscaled fleet', () => {
  const one = fleetScenario(1, { replicas: 1 });
  const saturation = replicaSaturationRate(one, fleetOf(one));

  test('capacity utilization reports the fraction of saturation it is fed, within 5%', () => {
    for (const fraction of [0.3, 0.6]) {
      const r = simulatePlanRun(fleetScenario(fraction * 2 * saturation, { replicas: 2 }, '6h'), 0, 1);
      expect(Math.abs(r.capacityUtilization / fraction - 1)).toBeLessThan(0.05);
    }
  });

  test('follows a step in traffic up, then back down after its stabilization window', () => {
    // Four times the traffic from hour 2 to hour 4.
    const s = fleetScenario(0.5 * saturation, { replicas: 1, autoscale: { metric: 'arrivalsPerReplica', target: 0.6 * saturation, min: 1, max: 8, provisioning: { dist: 'constant', value: 120 } } }, '6h', {
      spikes: [{ at: '2h', duration: '2h', multiplier: 4 }],
    });
    const r = simulatePlanRun(s, 0, 1);
    const scaling = r.backends[0]!.figures.scaling!;
    expect(scaling.scaleUps).toBeGreaterThanOrEqual(3);
    expect(scaling.scaleDowns).toBeGreaterThanOrEqual(3);
    // Mean provisioned replicas: about 1 for four hours and 4 for two.
    expect(r.backends[0]!.figures.replicas).toBeGreaterThan(1.6);
    expect(r.backends[0]!.figures.replicas).toBeLessThan(2.6);
    expect(r.requests.succeeded / r.requests.arrived).toBeGreaterThan(0.98);
  });

  test('does not flap under noisy steady traffic: scale-downs wait out the stabilization window', () => {
    // Three replicas each at 75% of the target: the noisy metric often dips below two replicas' worth.
    const s = fleetScenario(1.5 * saturation, { replicas: 3, autoscale: { metric: 'arrivalsPerReplica', target: 0.5 * saturation / 0.75, min: 1, max: 8 } }, '6h');
    for (const seed of [1, 2, 3]) {
      const scaling = simulatePlanRun(s, 0, seed).backends[0]!.figures.scaling!;
      expect(scaling.scaleDowns).toBeLessThanOrEqual(1);
      expect(scaling.scaleUps).toBeLessThanOrEqual(scaling.scaleDowns + 1);
    }
    // Without the window, the same traffic makes it move back and forth.
    const jumpy = fleetScenario(1.5 * saturation, { replicas: 3, autoscale: { metric: 'arrivalsPerReplica', target: 0.5 * saturation / 0.75, min: 1, max: 8, scaleDownWindow: 0, tolerance: 0 } }, '6h');
    const moves = simulatePlanRun(jumpy, 0, 1).backends[0]!.figures.scaling!;
    expect(moves.scaleDowns).toBeGreaterThan(5);
  });

  test('provisioning replicas are billed and serve nothing; a stockout delays scale-out', () => {
    const fleet = (stockout: number) => ({ replicas: 1, autoscale: { metric: 'waitingPerReplica', target: 1, min: 1, max: 4, provisioning: { dist: 'constant', value: 100_000 }, stockout } });
    const slow = simulatePlanRun(fleetScenario(2 * saturation, fleet(0), '2h'), 0, 1);
    const fixed = simulatePlanRun(fleetScenario(2 * saturation, { replicas: 1 }, '2h'), 0, 1);
    // Replicas that never finish provisioning: billed, yet the fleet serves what one replica serves.
    expect(slow.backends[0]!.figures.scaling!.scaleUps).toBe(3);
    expect(itemUsd(slow.cost, 'gpu.onDemand.l4')!).toBeGreaterThan(2.5 * itemUsd(fixed.cost, 'gpu.onDemand.l4')!);
    expect(slow.backends[0]!.completed).toBe(fixed.backends[0]!.completed);
    const out = simulatePlanRun(fleetScenario(2 * saturation, fleet(1), '2h'), 0, 1);
    expect(out.backends[0]!.figures.scaling!.scaleUps).toBe(0);
    expect(out.backends[0]!.figures.scaling!.stockouts).toBeGreaterThan(10);
  });

  test('scaled to zero, a request waits for a replica to provision: the cold start shows in TTFT', () => {
    const s = fleetScenario(1 / 1800, { replicas: 0, autoscale: { metric: 'waitingPerReplica', target: 1, min: 0, max: 1, scaleToZero: true, scaleDownWindow: 60, provisioning: { dist: 'constant', value: 90 } } }, '2d');
    const r = simulatePlanRun(s, 0, 1);
    expect(r.coldStarts).toBeGreaterThan(20);
    const ttft = LogHistogram.fromJSON(r.latency.ttft);
    expect(ttft.quantile(0.5)).toBeGreaterThan(90);
    // Billed for about the cold starts and the requests, not for two days.
    expect(r.backends[0]!.figures.replicas).toBeLessThan(0.2);
  });

  test('validation: the starting replicas lie between min and max; zero only with scaleToZero', () => {
    expect(() => fleetScenario(1, { replicas: 9, autoscale: { metric: 'waitingPerReplica', target: 1, max: 8 } })).toThrow(/replicas: got 9, expected a starting replica count between autoscale\.min \(1\) and autoscale\.max \(8\)/);
    expect(() => fleetScenario(1, { replicas: 0 })).toThrow(/replicas: got 0, expected an integer >= 1 \(0 only with an autoscaler/);
    expect(() => fleetScenario(1, { replicas: 1, autoscale: { metric: 'waitingPerReplica', target: 1, min: 0, max: 2 } })).toThrow(/autoscale\.min: got 0, expected min >= 1 \(or scaleToZero: true\)/);
  });
});

describe('time series', () => {
  const one = fleetScenario(1, { replicas: 1 });
  const saturation = replicaSaturationRate(one, fleetOf(one));
  // Point i averages (time[i−1], time[i]]; the first starts at the window's start (0 here).
  const integral = (r: ReturnType<typeof simulatePlanRun>) => {
    const { time, fields } = r.timeSeries!;
    return fields['costPerHour']!.reduce((a, x, i) => a + (x * (time[i]! - (i > 0 ? time[i - 1]! : 0))) / 3600, 0);
  };

  test('the spend rate integrated over the run equals the GPU bill: fixed fleet exactly, autoscaled within 2%', () => {
    const fixed = simulatePlanRun(fleetScenario(saturation, { replicas: 2 }, '6h'), 0, 1);
    expect(integral(fixed)).toBeCloseTo(itemUsd(fixed.cost, 'gpu.onDemand.l4')!, 6);
    const moving = simulatePlanRun(
      fleetScenario(0.5 * saturation, { replicas: 1, autoscale: { metric: 'arrivalsPerReplica', target: 0.6 * saturation, min: 1, max: 8 } }, '6h', { spikes: [{ at: '2h', duration: '2h', multiplier: 4 }] }),
      0,
      1,
    );
    expect(Math.abs(integral(moving) / itemUsd(moving.cost, 'gpu.onDemand.l4')! - 1)).toBeLessThan(0.02);
    // The replicas series follows the spike.
    const replicas = moving.timeSeries!.fields['replicas']!;
    const at = (hour: number) => replicas[Math.floor((hour * 3600) / moving.timeSeries!.interval) - 1]!;
    expect(at(1)).toBe(1);
    expect(at(3.5)).toBeGreaterThanOrEqual(3);
  });

  test("an API plan's token spend rate integrates to its token bill", () => {
    const s = validateScenario({ name: 'api', horizon: '2h', workload: { arrivals: { process: 'poisson', rate: 1 }, input: { dist: 'constant', value: 1000 }, output: { dist: 'constant', value: 100 } }, plans: [{ name: 'a', backends: [{ kind: 'api', model: 'gpt-4o-mini' }] }] }, 'test');
    const r = simulatePlanRun(s, 0, 1);
    expect(integral(r)).toBeCloseTo(r.cost.total, 9);
  });

  test('memory stays bounded: thirty days of one-minute samples fit in maxPoints, intervals doubling', () => {
    const s = fleetScenario(0.01, { replicas: 1 }, '30d');
    const r = simulatePlanRun(s, 0, 1);
    expect(r.timeSeries!.time.length).toBeLessThanOrEqual(241);
    expect(r.timeSeries!.time.length).toBeGreaterThanOrEqual(120);
    expect(r.timeSeries!.interval).toBe(60 * 256);
    expect(integral(r)).toBeCloseTo(itemUsd(r.cost, 'gpu.onDemand.l4')!, 6);
  });
});

describe('the timing of a scale-up', () => {
  test('a step in traffic: asked for after the metrics delay (within a tick and the metric\'s minute), serving after the provisioning delay', () => {
    const one = fleetScenario(1, { replicas: 1 });
    const saturation = replicaSaturationRate(one, fleetOf(one));
    const step = 7200;
    const s = validateScenario(
      {
        name: 'step',
        horizon: '3h',
        timeSeries: { interval: 5, maxPoints: 10_000 },
        workload: { arrivals: { process: 'poisson', rate: 0.3 * saturation, spikes: [{ at: step, duration: '1h', multiplier: 6 }] }, input: { dist: 'constant', value: 1000 }, output: { dist: 'constant', value: 200 } },
        plans: [
          {
            name: 'p',
            backends: [
              {
                kind: 'fleet',
                model: 'llama-3.1-8b',
                gpu: 'l4',
                dtype: 'fp8',
                replicas: 1,
                autoscale: { metric: 'arrivalsPerReplica', target: 0.6 * saturation, min: 1, max: 8, tick: 15, metricsDelay: 30, provisioning: { dist: 'constant', value: 120 } },
              },
            ],
          },
        ],
      },
      'test',
    );
    const r = simulatePlanRun(s, 0, 1);
    const { time, fields } = r.timeSeries!;
    const firstAsked = time[fields['provisioning']!.findIndex((x, i) => x > 0 && time[i]! > step)]!;
    const firstServing = time[fields['replicas']!.findIndex((x, i) => x > 1 && time[i]! > step)]!;
    // Asked for no sooner than the metrics delay after the step, and within it plus a tick and the metric's one-minute window.
    expect(firstAsked - step).toBeGreaterThanOrEqual(30);
    expect(firstAsked - step).toBeLessThanOrEqual(30 + 15 + 60 + 5);
    // Serving one provisioning delay later (to the series' 5 s resolution).
    expect(firstServing - firstAsked).toBeGreaterThanOrEqual(120 - 5);
    expect(firstServing - firstAsked).toBeLessThanOrEqual(120 + 5);
  });
});
