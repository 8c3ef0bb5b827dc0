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

/** Writes `text` to a fresh temporary file and returns its path. */
export function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'capsim-test-'));
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
