/**
 * The replica that the shared replica flags (args.ts: `--model`, `--gpu`, `--tp`, dtypes,
 * memory share, `--engine` and scheduler overrides) name, for `capsim perf` and `capsim calibrate`.
 */
import { ENGINE_IDS, GPU_IDS, KV_DTYPES, MODEL_IDS, WEIGHT_DTYPES } from '../catalog/index.js';
import { InputError, resolveScheduler, unknownIdMessage, type LlmPerf } from '../scenario/index.js';
import { setupReplica, type ReplicaSetup } from '../serving/index.js';
import type { ReplicaOptions } from './args.js';

function oneOf<T extends string>(flag: string, value: string, known: readonly T[]): T {
  if ((known as readonly string[]).includes(value)) return value as T;
  throw new InputError(`${flag} ${value}: expected ${unknownIdMessage(value, known, flag.slice(2))}; all known: ${known.join(', ')}.`);
}

/** The replica the flags name, as a scenario's fleet would describe it, and what it runs on. */
export function replicaFromOptions(opts: ReplicaOptions): { perf: LlmPerf; setup: ReplicaSetup } {
  const dtype = oneOf('--dtype', opts.dtype, WEIGHT_DTYPES);
  const engine = oneOf('--engine', opts.engine, ENGINE_IDS);
  const gpu = oneOf('--gpu', opts.gpu, GPU_IDS);
  const given = { maxNumSeqs: opts.maxNumSeqs, maxNumBatchedTokens: opts.maxNumBatchedTokens, chunkedPrefill: opts.chunkedPrefill, kvAdmission: undefined };
  if (given.maxNumSeqs !== undefined && given.maxNumBatchedTokens !== undefined && given.maxNumBatchedTokens < given.maxNumSeqs) {
    throw new InputError(`--max-num-batched-tokens ${given.maxNumBatchedTokens}: expected at least --max-num-seqs (${given.maxNumSeqs}), one token per running sequence.`);
  }
  const perf: LlmPerf = {
    kind: 'llm',
    model: oneOf('--model', opts.model, MODEL_IDS),
    gpu,
    tp: opts.tp,
    dtype,
    kvDtype: opts.kvDtype !== undefined ? oneOf('--kv-dtype', opts.kvDtype, KV_DTYPES) : dtype === 'fp8' ? 'fp8' : 'bf16',
    gpuMemoryUtilization: opts.gpuMemoryUtilization,
    engine,
    scheduler: resolveScheduler(engine, gpu, given),
  };
  return { perf, setup: setupReplica(perf) };
}
