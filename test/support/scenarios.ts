/** Small builders of scenarios for tests: one plain-server fleet under Poisson arrivals. */
import { validateScenario, type FleetBackend, type Scenario } from '../../src/scenario/index.js';

export interface PlainFleetCase {
  rate: number;
  replicas: number;
  service: Record<string, unknown>;
  horizon: number;
  warmup?: number;
  queue?: { capacity?: number; timeout?: number };
  seeds?: number;
}

export function plainFleetScenario(c: PlainFleetCase): Scenario {
  return validateScenario(
    {
      name: 'test',
      horizon: c.horizon,
      warmup: c.warmup ?? 0,
      seeds: c.seeds ?? 1,
      workload: { arrivals: { process: 'poisson', rate: c.rate } },
      plans: [{ name: 'p', backends: [{ kind: 'fleet', replicas: c.replicas, service: c.service, ...(c.queue ? { queue: c.queue } : {}) }] }],
    },
    'test scenario',
  );
}

/** The first backend of plan `p`, which a test knows to be a fleet. */
export function fleetOf(scenario: Scenario, p = 0): FleetBackend {
  const backend = scenario.plans[p]!.backends[0]!;
  if (backend.kind !== 'fleet') throw new Error(`plan ${p} has a ${backend.kind} backend, not a fleet`);
  return backend;
}
