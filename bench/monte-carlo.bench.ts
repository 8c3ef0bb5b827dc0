/**
 * Monte Carlo throughput: the built-in default scenario (four plans) over one simulated
 * day, SEEDS runs (default 1,000) of every plan, summarized as `capsim run` does, on one
 * worker thread and then on two. Prints wall time, runs per second and the speed-up from 1
 * to 2 workers. Aim (issue "Experiments"): under 60 s on 2 cores, speed-up at least 1.8.
 *
 *   node dist/bench/monte-carlo.bench.js [SEEDS]
 */
import { cellRunner, summarizeRuns, type ScenarioRuns } from '../src/experiment/index.js';
import { loadStudy, runPoints, studyDefinition } from '../src/study/index.js';
import { recordBench } from './record.js';

const seeds = Number(process.argv[2] ?? 1000);
const study = loadStudy(studyDefinition({ command: 'run', set: ['horizon=1d', 'warmup=0'], skipBadRows: false, seeds, seed: 1, plans: undefined, params: [], settings: {} }));

async function timed(threads: number): Promise<{ seconds: number; requests: number; events: number; recommended: string | undefined }> {
  const runner = cellRunner(threads);
  const start = process.hrtime.bigint();
  let runs: ScenarioRuns | undefined;
  try {
    await runPoints(study, [[]], { runner }, (_, r) => (runs = r));
  } finally {
    await runner.close();
  }
  const summary = summarizeRuns(runs!);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  let requests = 0;
  let events = 0;
  for (const p of runs!.plans) {
    requests += p.table.values('requests.arrived').reduce((a, b) => a + b, 0);
    events += p.table.values('events').reduce((a, b) => a + b, 0);
  }
  return { seconds, requests, events, recommended: summary.decision.recommended };
}

const one = await timed(1);
const two = await timed(2);
if (one.recommended !== two.recommended || one.requests !== two.requests) throw new Error('1 and 2 workers disagree');
const cells = seeds * study.plans.length;
process.stdout.write(
  `monte-carlo: ${seeds.toLocaleString('en-US')} runs × ${study.plans.length} plans × 1 day: 1 worker ${one.seconds.toFixed(1)} s (${Math.round(cells / one.seconds)} plan-runs/s), ` +
    `2 workers ${two.seconds.toFixed(1)} s (${Math.round(cells / two.seconds)} plan-runs/s), speed-up ${(one.seconds / two.seconds).toFixed(2)}\n`,
);
recordBench('monte-carlo', {
  requests: two.requests,
  events: two.events,
  wallSeconds: Number(two.seconds.toFixed(2)),
  seeds,
  plans: study.plans.length,
  oneWorkerSeconds: Number(one.seconds.toFixed(2)),
  twoWorkersSeconds: Number(two.seconds.toFixed(2)),
  planRunsPerSecond: Math.round(cells / two.seconds),
  speedUp: Number((one.seconds / two.seconds).toFixed(2)),
});
