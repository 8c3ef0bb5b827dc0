/**
 * 1,000,000 requests through an M/M/c fleet (c = 10, utilization 0.9): the engine's
 * raw speed. Run with `npm run bench`.
 */
import { simulatePlanRun } from '../src/experiment/index.js';
import { validateScenario } from '../src/scenario/index.js';
import { recordBench } from './record.js';

const RATE = 9;
const REQUESTS = 1_000_000;
const scenario = validateScenario(
  {
    name: 'bench-mmc',
    horizon: REQUESTS / RATE,
    workload: { arrivals: { process: 'poisson', rate: RATE } },
    plans: [{ name: 'ten', backends: [{ kind: 'fleet', replicas: 10, service: { dist: 'exponential', mean: 1 } }] }],
  },
  'bench',
);

// One warm-up run so the JIT has compiled the hot path, then the measured run.
simulatePlanRun(scenario, 0, 99);
const start = process.hrtime.bigint();
const result = simulatePlanRun(scenario, 0, 1);
const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
recordBench('mmc', { requests: result.requests.arrived, events: result.events, wallSeconds });
