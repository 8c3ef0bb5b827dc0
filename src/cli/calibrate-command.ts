/**
 * `capsim calibrate RESULT_FILE --model M --gpu G …`: replays a serving benchmark's requests
 * at its load on the replica the flags name, fits the roofline's memory and compute time to
 * the measured latencies, prints each statistic's error before and after, and writes the
 * profile a scenario's fleet names as `profile: { file }`.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { calibrate, calibratedProfile, readBenchmarkResults, type Calibration, type MetricError } from '../calibrate/index.js';
import { readInputFile } from '../experiment/index.js';
import { InputError } from '../scenario/index.js';
import { fitProblem } from '../serving/index.js';
import type { ReplicaOptions } from './args.js';
import { pct, percentSigned, secs, table } from './format.js';
import type { CliIo } from './io.js';
import { writableFile } from './paths.js';
import { replicaFromOptions } from './replica-options.js';

export interface CalibrateCommandOptions extends ReplicaOptions {
  out?: string;
}

const STAT_WORDS = { mean: 'mean', p50: 'p50', p99: 'p99' } as const;
const METRIC_WORDS = { ttft: 'TTFT', tpot: 'TPOT', itl: 'ITL', e2e: 'E2E' } as const;

function errorTable(before: readonly MetricError[], after: readonly MetricError[]): string {
  const rows = before.map((b, i) => {
    const a = after[i]!;
    return [`${METRIC_WORDS[b.metric]} ${STAT_WORDS[b.stat]}`, secs(b.measured), `${secs(b.simulated)} (${percentSigned(b.error)})`, `${secs(a.simulated)} (${percentSigned(a.error)})`];
  });
  return table(['', 'measured', 'capsim before', 'capsim after'], rows);
}

export function calibrateCommand(io: CliIo, file: string, opts: CalibrateCommandOptions & { json?: boolean }): void {
  const { perf, setup } = replicaFromOptions(opts);
  const out = opts.out ?? `${perf.model}-${perf.gpu}${perf.tp > 1 ? `-tp${perf.tp}` : ''}.profile.json`;
  writableFile(out);
  const results = readBenchmarkResults(readInputFile(file, 'benchmark result'), file);
  const longest = Math.max(...results.runs.flatMap((r) => r.requests.map((q) => q.input + q.output)));
  const problem = fitProblem(setup.config, longest);
  if (problem) throw new InputError(`${file} holds a request of ${longest} tokens: ${problem}.`);
  const fit: Calibration = calibrate({ config: setup.config, engine: perf.engine, limits: perf.scheduler, kvBlocks: setup.memory.kvBlocks }, results.runs);
  if (fit.before.length === 0) throw new InputError(`${file}: no latency statistic to compare (TTFT, TPOT, ITL or E2E mean, median or p99).`);
  const profile = calibratedProfile(fit, { model: perf.model, gpu: perf.gpu, tp: perf.tp, engine: perf.engine, dtype: perf.dtype, file: basename(file), format: results.format });
  writeFileSync(out, JSON.stringify(profile, null, 2) + '\n');
  for (const k of fit.atBound) {
    io.stderr(`warning: ${k} × ${fit.scale[k]} is the end of the search range: scaling the roofline cannot match these measurements; check --engine, --dtype and the scheduler flags, and give per-request lengths if the tool saved them\n`);
  }
  if (opts.json) {
    io.stdout(JSON.stringify({ format: results.format, runs: results.runs.map((r) => ({ label: r.label, load: r.load, requests: r.requests.length })), notes: results.notes, ...fit, profile, wrote: out }, null, 2) + '\n');
    return;
  }
  const byRun = results.runs.map((run) => {
    const before = fit.before.filter((e) => e.run === run.label);
    const after = fit.after.filter((e) => e.run === run.label);
    return `${run.label}\n${errorTable(before, after)}`;
  });
  io.stdout(
    `capsim calibrate: ${file} (${results.format === 'vllm' ? 'vllm bench serve' : 'GuideLLM'}) on ${perf.model} (${perf.dtype}) on ${perf.tp} × ${perf.gpu}, ${perf.engine}\n` +
      results.notes.map((n) => `note: ${n}\n`).join('') +
      `\nfitted: memory traffic × ${fit.scale.memory}, compute × ${fit.scale.compute} of the roofline's time (${fit.replays} replays)\n` +
      '\n' +
      byRun.join('\n') +
      `\nmedian absolute error over ${fit.after.length} statistics: ${pct(fit.medianBefore)} before, ${pct(fit.medianAfter)} after\n` +
      `wrote ${out}; a fleet of this replica uses it as  profile: { file: ${out} }\n`,
  );
}
