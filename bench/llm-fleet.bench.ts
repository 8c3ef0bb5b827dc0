/**
 * One hour of traffic shaped like the Azure LLM inference 2023 conversation trace
 * (5.53 requests/s Poisson; lognormal lengths, input mean 1,155 / p99 4,142 and output
 * mean 211 / p99 601) on 4 × h100-sxm replicas of llama-3.1-8b. Aim: under 100 ms a run.
 */
import { simulatePlanRun } from '../src/experiment/index.js';
import { validateScenario } from '../src/scenario/index.js';
import { recordBench } from './record.js';

const scenario = validateScenario(
  {
    name: 'bench-llm-fleet',
    horizon: '1h',
    workload: {
      arrivals: { process: 'poisson', rate: 5.53 },
      input: { dist: 'lognormal', mean: 1155, p99: 4142 },
      output: { dist: 'lognormal', mean: 211, p99: 601 },
    },
    plans: [{ name: 'four-h100', backends: [{ kind: 'fleet', replicas: 4, model: 'llama-3.1-8b', gpu: 'h100-sxm' }] }],
  },
  'bench',
);

// Warm the JIT, then time RUNS runs and report the mean per run.
for (let seed = 100; seed < 105; seed++) simulatePlanRun(scenario, 0, seed);
const RUNS = 20;
let requests = 0;
let events = 0;
const start = process.hrtime.bigint();
for (let seed = 1; seed <= RUNS; seed++) {
  const r = simulatePlanRun(scenario, 0, seed);
  requests += r.requests.arrived;
  events += r.events;
}
const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
recordBench('llm-fleet', { requests, events, wallSeconds, runs: RUNS, msPerRun: Number(((wallSeconds / RUNS) * 1000).toFixed(2)) });
