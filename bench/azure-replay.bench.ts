/**
 * The real Azure 2023 conversation trace (19,366 requests over an hour, shared data
 * traces/azure2023_conv.csv) replayed on 4 × Llama-3.1-8B on H100 (vLLM defaults): the time
 * of the simulation in this process, and of a whole `capsim run` process (start-up, reading
 * the trace, simulating, printing). Issue 17 compares it with the fastest peer simulator,
 * inference-fleet-sim, at 0.72 s for the whole process on these machines.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { simulatePlanRun } from '../src/experiment/index.js';
import { validateScenario } from '../src/scenario/index.js';
import { recordBench } from './record.js';

const candidates = [process.env['CAPSIM_SHARED_DATA'], '../shared/data', '/work/shared/data'].filter((p): p is string => Boolean(p));
const shared = candidates.find((p) => existsSync(join(p, 'traces', 'azure2023_conv.csv')));
if (!shared) {
  process.stdout.write(`azure-replay: skipped, no traces/azure2023_conv.csv under ${candidates.join(', ')}\n`);
  process.exit(0);
}
const trace = resolve(shared, 'traces', 'azure2023_conv.csv');
const spec = {
  name: 'azure-conv-4xh100',
  horizon: '2h',
  workload: { trace: { file: trace } },
  plans: [{ name: 'four-h100', backends: [{ kind: 'fleet', replicas: 4, model: 'llama-3.1-8b', gpu: 'h100-sxm' }] }],
};
const scenario = validateScenario(spec, 'bench');

// In process: one warm-up, then the best of five (the trace is read inside each run).
simulatePlanRun(scenario, 0, 1);
let best = Infinity;
let result = simulatePlanRun(scenario, 0, 1);
for (let i = 0; i < 5; i++) {
  const start = process.hrtime.bigint();
  result = simulatePlanRun(scenario, 0, 1);
  best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
}

// Whole process: node starting capsim, one run of one seed on one thread, the table printed.
const dir = mkdtempSync(join(tmpdir(), 'capsim-azure-'));
const file = join(dir, 'azure.json');
writeFileSync(file, JSON.stringify(spec));
const cli = resolve('dist', 'cli', 'main.js');
const whole: number[] = [];
for (let i = 0; i < 5; i++) {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, [cli, 'run', file, '--seeds', '1', '--workers', '1', '--quiet'], { stdio: 'ignore' });
  whole.push(Number(process.hrtime.bigint() - start) / 1e9);
}
whole.sort((a, b) => a - b);
const median = whole[2]!;
process.stdout.write(
  `azure-replay: ${result.requests.arrived.toLocaleString('en-US')} requests; simulation in process ${(best * 1000).toFixed(0)} ms (best of 5); ` +
    `whole capsim run process ${(median * 1000).toFixed(0)} ms (median of 5; inference-fleet-sim: 720 ms)\n`,
);
recordBench('azure-replay', { requests: result.requests.arrived, events: result.events, wallSeconds: best, wholeProcessSeconds: Number(median.toFixed(3)) });
