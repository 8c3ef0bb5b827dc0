/**
 * Flag parsers and shared flag sets for the command line. Light on purpose: program.ts
 * loads it at start-up, so it imports only commander.
 */
import { InvalidArgumentError, type Command } from 'commander';

export function positiveInt(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max.toLocaleString('en-US')}, got "${value}".`);
    return n;
  };
}

/** The flags that describe one LLM replica, shared by `capsim perf` and `capsim calibrate`. */
export interface ReplicaOptions {
  model: string;
  gpu: string;
  tp: number;
  dtype: string;
  kvDtype?: string;
  gpuMemoryUtilization: number;
  engine: string;
  maxNumSeqs?: number;
  maxNumBatchedTokens?: number;
  chunkedPrefill?: boolean;
}

export function addReplicaOptions(command: Command): Command {
  return command
    .requiredOption('--model <id>', 'model id, e.g. llama-3.1-8b')
    .requiredOption('--gpu <id>', 'GPU id, e.g. h100-sxm')
    .option('--tp <n>', 'tensor-parallel degree', positiveInt('--tp'), 1)
    .option('--dtype <d>', 'weight dtype: bf16, fp8, int4', 'bf16')
    .option('--kv-dtype <d>', 'KV-cache dtype: bf16 or fp8 (default: fp8 with fp8 weights, else bf16)')
    .option('--gpu-memory-utilization <x>', 'share of GPU memory the engine may use', (v: string) => {
      const x = Number(v);
      if (!(x > 0 && x <= 1)) throw new InvalidArgumentError(`--gpu-memory-utilization must be in (0, 1], got "${v}".`);
      return x;
    }, 0.9)
    .option('--engine <e>', 'serving engine: vllm, vllm-0.5, tensorrt-llm, sglang (its scheduling defaults and step costs)', 'vllm')
    .option('--max-num-seqs <n>', "scheduler: most sequences in a batch (default: the engine's)", positiveInt('--max-num-seqs'))
    .option('--max-num-batched-tokens <n>', "scheduler: token budget per step (default: the engine's)", positiveInt('--max-num-batched-tokens'))
    .option('--chunked-prefill', 'scheduler: split prompts into chunks mixed into decode steps')
    .option('--no-chunked-prefill', "scheduler: never split prompts (the engine's way without chunking)");
}

