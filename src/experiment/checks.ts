/**
 * Checks that need more than the grammar: whether each LLM replica fits its GPUs (an
 * error that names the backend's path), and warnings about setups that will run but whose
 * answer needs care, such as a fleet offered more work than it can serve.
 */
import { distributionMean, type Distribution } from '../random/index.js';
import { ScenarioError, type FieldProblem, type FleetBackend, type ManagedBackend, type Scenario } from '../scenario/index.js';
import { fitProblem, saturationRate, setupReplica } from '../serving/index.js';
import { meanArrivalRate, workloadClasses } from '../workload/index.js';

/** Mean prompt and output tokens of the workload, weighted over its classes (1 where not given; traces: their means). */
export function meanLengths(scenario: Scenario): { input: number; output: number } {
  const classes = workloadClasses(scenario.workload);
  const total = classes.reduce((a, c) => a + c.share, 0);
  const mean = (pick: (c: (typeof classes)[number]) => Distribution | undefined) =>
    Math.max(1, Math.round(classes.reduce((a, c) => a + (c.share / total) * (pick(c) ? distributionMean(pick(c)!) : 1), 0)));
  return { input: mean((c) => c.input), output: mean((c) => c.output) };
}

/** Problems that make a scenario impossible to run, with the path of the backend at fault. */
export function deploymentProblems(scenario: Scenario): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const lengths = meanLengths(scenario);
  scenario.plans.forEach((plan, p) =>
    plan.backends.forEach((backend, b) => {
      if (backend.kind === 'api' || backend.perf.kind !== 'llm') return;
      const { config } = setupReplica(backend.perf);
      const problem = fitProblem(config, lengths.input + lengths.output);
      if (problem) problems.push({ path: `plans.${p}.backends.${b}`, value: `${backend.perf.model} on ${backend.perf.tp} × ${backend.perf.gpu}`, expected: `a replica that fits its GPUs: ${problem}` });
    }),
  );
  return problems;
}

export function assertDeployable(scenario: Scenario, source: string): void {
  const problems = deploymentProblems(scenario);
  if (problems.length > 0) throw new ScenarioError(source, problems);
}

/** Requests per second one replica of this fleet serves when saturated, for the workload's mean lengths. */
export function replicaSaturationRate(scenario: Scenario, backend: FleetBackend | ManagedBackend): number {
  if (backend.perf.kind === 'service') return 1 / distributionMean(backend.perf.service);
  const setup = setupReplica(backend.perf);
  const { input, output } = meanLengths(scenario);
  return saturationRate(setup.stepTime, setup.memory.kvBlocks, backend.perf.scheduler, input, output);
}

export function scenarioWarnings(scenario: Scenario): string[] {
  const warnings: string[] = [];
  // A replayed trace's rate is only known by reading it; the run reports what it was.
  if (!scenario.workload.arrivals) return warnings;
  const rate = meanArrivalRate(scenario.workload.arrivals, scenario.horizon);
  for (const plan of scenario.plans) {
    for (const backend of plan.backends) {
      if (backend.kind === 'api') continue;
      const capacity = backend.replicas * replicaSaturationRate(scenario, backend);
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
