/** Runs the CLI in-process and captures what it printed. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/index.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function capsim(...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    interactive: false,
  });
  return { code, stdout, stderr };
}

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'capsim-test-'));
}

/** Writes `text` to a file in a fresh temporary folder (or in `dir`) and returns its path. */
export function tempFile(name: string, text: string, dir: string = tempDir()): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export const SMALL_SCENARIO = `
name: small
horizon: 30m
warmup: 1m
seeds: 3
workload:
  arrivals: { process: poisson, rate: 4 }
plans:
  - name: five
    backends:
      - kind: fleet
        replicas: 5
        service: { dist: exponential, mean: 1 }
        queue: { capacity: 20, timeout: 30s }
`;

/**
 * A newsvendor case for `capsim commit`: the replicas a run needs are drawn uniformly from
 * 1..maxNeed (its demand); the reserved pool is billed $0.35 a GPU-hour whether used or
 * not, on-demand replicas $1. Traffic is a trickle: the bill is the GPUs'.
 */
export function newsvendorScenario(seeds: number, maxNeed: number): string {
  return `
name: commit
horizon: 1h
seeds: ${seeds}
workload:
  arrivals: { process: poisson, rate: 0.01 }
  input: { dist: constant, value: 100 }
  output: { dist: constant, value: 10 }
plans:
  - name: fleet
    backends:
      - kind: fleet
        replicas: { dist: uniform, min: 0.5, max: ${maxNeed + 0.5} }
        model: llama-3.1-8b
        gpu: l4
        pools: { reserved: { gpus: 1, pricePerGpuHour: 0.35 }, onDemand: { pricePerGpuHour: 1 } }
`;
}
