/**
 * `capsim perf`: what one replica of a model on a GPU does.
 */
import { InputError } from '../scenario/index.js';
import { fitProblem, perfReport, type PerfReport, type StepBreakdown } from '../serving/index.js';
import type { ReplicaOptions } from './args.js';
import { replicaFromOptions } from './replica-options.js';
import { num, secs, table } from './format.js';
import { thousands } from '../report/format.js';

export interface PerfCommandOptions extends ReplicaOptions {
  context: number;
  input: number;
  output: number;
}

export function runPerf(opts: PerfCommandOptions): PerfReport {
  const { perf, setup } = replicaFromOptions(opts);
  const problem = fitProblem(setup.config, opts.input + opts.output);
  if (problem) throw new InputError(problem + '.');
  return perfReport(setup.stepTime, setup.memory, { context: opts.context, input: opts.input, output: opts.output, limits: perf.scheduler });
}

export function renderPerf(opts: PerfCommandOptions, r: PerfReport): string {
  const head =
    `capsim perf: ${opts.model} (${opts.dtype}) on ${opts.tp} × ${opts.gpu} — ${r.stepModel}\n` +
    `scheduler: ${r.scheduler.maxNumSeqs} sequences, ${r.scheduler.maxNumBatchedTokens} tokens a step, prompts ${r.scheduler.prefill}, KV admission ${r.scheduler.kvAdmission}\n` +
    `weights ${num(r.weightGBPerGpu)} GB per GPU; KV cache ${num(r.kvGBPerGpu)} GB per GPU = ${thousands(r.kvCapacityTokens)} tokens\n\n`;
  // Each step term by term: the larger of compute and memory (weights + KV) counts, plus communication and fixed costs.
  const termHeads = r.decode[0]?.terms ? ['weights', 'KV', 'compute', 'comm', 'fixed', 'bound'] : [];
  const termCells = (t: StepBreakdown | undefined) => (t ? [secs(t.weights), secs(t.kv), secs(t.compute), secs(t.communication), secs(t.fixed), t.bound] : []);
  const decode = table(
    [`decode at context ${opts.context}`, 'step', 'tokens/s', 'fits KV', ...termHeads],
    r.decode.map((d) => [`batch ${d.batch}`, secs(d.stepSeconds), num(d.tokensPerSecond), d.fitsKv ? 'yes' : 'no', ...termCells(d.terms)]),
  );
  const prefill = table(['prefill', 'time', ...termHeads], r.prefill.map((p) => [`${p.tokens} tokens`, secs(p.seconds), ...termCells(p.terms)]));
  const s = r.saturation;
  const saturation =
    `saturation with ${s.input} in / ${s.output} out (${s.requests} requests queued at once): ` +
    `${num(s.outputTokensPerSecond)} output tokens/s, ${num(s.requestsPerSecond)} requests/s; mean TTFT ${secs(s.meanTtftSeconds)}, TPOT ${secs(s.meanTpotSeconds)}; ` +
    `${s.preemptions} preemptions (${thousands(s.recomputedTokens)} tokens prefilled again)\n`;
  return `${head}${decode}\n${prefill}\n${saturation}`;
}
