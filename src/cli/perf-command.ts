/**
 * `capsim perf`: what one replica of a model on a GPU does.
 */
import { GPU_IDS, KV_DTYPES, MODEL_IDS, WEIGHT_DTYPES } from '../catalog/index.js';
import { InputError, unknownIdMessage, type LlmPerf } from '../scenario/index.js';
import { fitProblem, perfReport, setupReplica, type PerfReport } from '../serving/index.js';
import { num, secs, table } from './format.js';

export interface PerfCommandOptions {
  model: string;
  gpu: string;
  tp: number;
  dtype: string;
  kvDtype?: string;
  gpuMemoryUtilization: number;
  context: number;
  input: number;
  output: number;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  chunkedPrefill: boolean;
}

function oneOf<T extends string>(flag: string, value: string, known: readonly T[]): T {
  if ((known as readonly string[]).includes(value)) return value as T;
  throw new InputError(`${flag} ${value}: expected ${unknownIdMessage(value, known, flag.slice(2))}; all known: ${known.join(', ')}.`);
}

export function runPerf(opts: PerfCommandOptions): PerfReport {
  const dtype = oneOf('--dtype', opts.dtype, WEIGHT_DTYPES);
  const perf: LlmPerf = {
    kind: 'llm',
    model: oneOf('--model', opts.model, MODEL_IDS),
    gpu: oneOf('--gpu', opts.gpu, GPU_IDS),
    tp: opts.tp,
    dtype,
    kvDtype: opts.kvDtype !== undefined ? oneOf('--kv-dtype', opts.kvDtype, KV_DTYPES) : dtype === 'fp8' ? 'fp8' : 'bf16',
    gpuMemoryUtilization: opts.gpuMemoryUtilization,
    scheduler: { maxNumSeqs: opts.maxNumSeqs, maxNumBatchedTokens: opts.maxNumBatchedTokens, chunkedPrefill: opts.chunkedPrefill },
  };
  const setup = setupReplica(perf);
  const problem = fitProblem(setup.config, opts.input + opts.output);
  if (problem) throw new InputError(problem + '.');
  return perfReport(setup.stepTime, setup.memory, { context: opts.context, input: opts.input, output: opts.output, limits: perf.scheduler });
}

export function renderPerf(opts: PerfCommandOptions, r: PerfReport): string {
  const head =
    `capsim perf: ${opts.model} (${opts.dtype}) on ${opts.tp} × ${opts.gpu} — ${r.stepModel}\n` +
    `weights ${num(r.weightGBPerGpu)} GB per GPU; KV cache ${num(r.kvGBPerGpu)} GB per GPU = ${r.kvCapacityTokens.toLocaleString('en-US')} tokens\n\n`;
  const decode = table(
    [`decode at context ${opts.context}`, 'step', 'tokens/s', 'fits KV'],
    r.decode.map((d) => [`batch ${d.batch}`, secs(d.stepSeconds), num(d.tokensPerSecond), d.fitsKv ? 'yes' : 'no']),
  );
  const prefill = table(['prefill', 'time'], r.prefill.map((p) => [`${p.tokens} tokens`, secs(p.seconds)]));
  const s = r.saturation;
  const saturation =
    `saturation with ${s.input} in / ${s.output} out (${s.requests} requests queued at once): ` +
    `${num(s.outputTokensPerSecond)} output tokens/s, ${num(s.requestsPerSecond)} requests/s; mean TTFT ${secs(s.meanTtftSeconds)}, TPOT ${secs(s.meanTpotSeconds)}\n`;
  return `${head}${decode}\n${prefill}\n${saturation}`;
}
