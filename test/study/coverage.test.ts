/**
 * Are capsim's confidence intervals honest? Over 200 repetitions of an M/M/c study (each
 * five Monte Carlo runs on seeds no other repetition uses), the 95% interval of the mean
 * queue wait must cover the Erlang C value 93–97% of the time. Too rarely would mean the
 * interval is too narrow (or the model biased); too often, too wide.
 */
import { expect, test } from 'vitest';
import { parseScenario } from '../../src/scenario/index.js';
import { runScenario, summarizeRuns } from '../../src/experiment/index.js';
import { mmcMeanQueueWait } from '../../src/fleet/index.js';

const scenario = parseScenario(
  `
name: coverage
horizon: 2h
warmup: 10m
workload:
  arrivals: { process: poisson, rate: 1.4 }
plans:
  - name: two
    backends: [{ kind: fleet, replicas: 2, service: { dist: exponential, mean: 1 } }]
`,
  'coverage.yaml',
);

test('the 95% interval of the mean queue wait covers the Erlang C value in 93–97% of 200 repetitions', () => {
  const exact = mmcMeanQueueWait(2, 1.4, 1);
  const repetitions = 200;
  const seeds = 5;
  let covered = 0;
  for (let r = 0; r < repetitions; r++) {
    const [lo, hi] = summarizeRuns(runScenario(scenario, { seeds, seed: 10_000 + r * seeds })).plans[0]!.meanQueueWait.ci95;
    if (lo <= exact && exact <= hi) covered++;
  }
  console.log(`coverage of the mean queue wait's 95% interval: ${covered} of ${repetitions}`);
  expect(covered / repetitions).toBeGreaterThanOrEqual(0.93);
  expect(covered / repetitions).toBeLessThanOrEqual(0.97);
}, 120_000);
