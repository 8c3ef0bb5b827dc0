/**
 * Shared by the benchmarks: measure a function, print the figures, and record them in
 * bench/results.json under the benchmark's name, with the machine and Node version.
 */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

export interface BenchFigures {
  requests: number;
  events: number;
  wallSeconds: number;
  [extra: string]: number | string;
}

export function recordBench(name: string, figures: BenchFigures): void {
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const entry = {
    ...figures,
    requestsPerSecond: Math.round(figures.requests / figures.wallSeconds),
    eventsPerRequest: Number((figures.events / figures.requests).toFixed(3)),
    peakRssMiB: Number(peakRssMiB.toFixed(1)),
    machine: `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores)`,
    node: process.version,
    commit: gitCommit(),
    date: new Date().toISOString().slice(0, 10),
  };
  process.stdout.write(
    `${name}: ${entry.requests.toLocaleString('en-US')} requests in ${figures.wallSeconds.toFixed(3)} s wall = ` +
      `${entry.requestsPerSecond.toLocaleString('en-US')} simulated requests/s, ${entry.eventsPerRequest} events/request, ` +
      `peak RSS ${entry.peakRssMiB} MiB\n  on ${entry.machine}, Node ${entry.node}\n`,
  );
  const file = join(process.cwd(), 'bench', 'results.json');
  const all = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  all[name] = entry;
  writeFileSync(file, JSON.stringify(all, null, 2) + '\n');
}

function gitCommit(): string {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}
