/**
 * Warnings about a scenario that will run but whose answer needs care, such as a fleet
 * offered more work than it can serve (its queue grows without bound).
 */
import { distributionMean } from '../random/index.js';
import type { Scenario } from '../scenario/index.js';
import { meanArrivalRate } from '../workload/index.js';

export function scenarioWarnings(scenario: Scenario): string[] {
  const warnings: string[] = [];
  const rate = meanArrivalRate(scenario.workload.arrivals);
  for (const plan of scenario.plans) {
    for (const backend of plan.backends) {
      const capacity = backend.replicas / distributionMean(backend.service);
      if (rate >= capacity) {
        const bounded = backend.queue?.capacity !== undefined || backend.queue?.timeout !== undefined;
        warnings.push(
          `plan ${plan.name}: arrivals (${fmt(rate)}/s) meet or exceed what ${backend.replicas} replica(s) can serve (${fmt(capacity)}/s, utilization ${fmt(rate / capacity)}): ` +
            (bounded ? 'the queue limit will reject or time out the excess.' : 'the queue grows without bound, and waits depend on the horizon.'),
        );
      }
    }
  }
  return warnings;
}

function fmt(x: number): string {
  return Number(x.toPrecision(3)).toString();
}
