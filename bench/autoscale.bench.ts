/**
 * 30 days at 100,000 requests a day (a daily cycle with its peak at 3 × the mean) on an
 * autoscaled fleet of llama-3.1-8b on L4s (1 to 12 replicas, running requests per replica
 * as the metric), and the same for 7 days, to show that memory does not grow with the
 * horizon. Aim: under 10 s and 300 MB for the 30 days.
 */
import { simulatePlanRun } from '../src/experiment/index.js';
import { validateScenario } from '../src/scenario/index.js';
import { recordBench } from './record.js';

const days = Number(process.argv[2] ?? 30);
const scenario = validateScenario(
  {
    name: 'bench-autoscale',
    horizon: `${days}d`,
    workload: {
      arrivals: { process: 'poisson', perDay: 100_000, diurnal: { peakHour: 14, peakToAverage: 3 } },
      input: { dist: 'lognormal', mean: 1155, p99: 4142 },
      output: { dist: 'lognormal', mean: 211, p99: 601 },
      slo: { ttft: '3s' },
    },
    plans: [
      {
        name: 'autoscaled-l4',
        backends: [{ kind: 'fleet', replicas: 2, model: 'llama-3.1-8b', gpu: 'l4', dtype: 'fp8', autoscale: { metric: 'runningPerReplica', target: 8, min: 1, max: 12 } }],
      },
    ],
  },
  'bench',
);

const start = process.hrtime.bigint();
const r = simulatePlanRun(scenario, 0, 1);
const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
const scaling = r.backends[0]!.figures.scaling!;
recordBench(`autoscale-${days}d`, {
  requests: r.requests.arrived,
  events: r.events,
  wallSeconds,
  meanReplicas: Number(r.backends[0]!.figures.replicas.toFixed(2)),
  scaleUps: scaling.scaleUps,
  capacityUtilization: Number(r.capacityUtilization.toFixed(3)),
});
