/**
 * Memory in the number of runs (issue 17): peak RSS of a whole `capsim run` process (2
 * worker threads, --json). The default scenario (four plans) over one simulated day at 100
 * and 1,000 seeds (the issue measured 148 and 298 MiB); the M/M/c example's three plans
 * over two simulated minutes at 10,000 seeds. A study keeps each run as a row of numbers
 * and pools latencies as runs finish, so what it retains grows by a kilobyte or two a run;
 * the rest of the peak is V8 collecting lazily. Aims: 1,000 seeds within 1.2× of 100;
 * 10,000 seeds × 3 plans under 250 MB.
 *
 *   node dist/bench/memory.bench.js
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { recordBench } from './record.js';

const cli = resolve('dist', 'cli', 'main.js');
// The child reports its own peak RSS as it exits (a data: URL module loaded before capsim).
const reportRss = 'data:text/javascript,process.on("exit",()=>process.stderr.write("capsim-max-rss-kib "+process.resourceUsage().maxRSS+"\\n"))';

function peak(scenario: string, horizon: string, seeds: number): { mib: number; seconds: number; requests: number } {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--import', reportRss, cli, 'run', resolve('workloads', scenario), '--set', `horizon=${horizon}`, '--set', 'warmup=0', '--seeds', String(seeds), '--workers', '2', '--json', '--quiet'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const kib = /capsim-max-rss-kib (\d+)/.exec(child.stderr)?.[1];
  if (child.status !== 0 || !kib) throw new Error(`capsim run --seeds ${seeds} failed: ${child.stderr}`);
  const summary = JSON.parse(child.stdout) as { plans: { runs: number; requests: { arrived: { mean: number } } }[] };
  const requests = Math.round(summary.plans.reduce((sum, p) => sum + p.runs * p.requests.arrived.mean, 0));
  return { mib: Number(kib) / 1024, seconds, requests };
}

const day100 = peak('default.yaml', '1d', 100);
const day1000 = peak('default.yaml', '1d', 1000);
const mmc10000 = peak('mmc-example.yaml', '2m', 10000);
const ratio = day1000.mib / day100.mib;
process.stdout.write(
  `memory: default scenario, 4 plans × 1 day: 100 seeds ${day100.mib.toFixed(0)} MiB (${day100.seconds.toFixed(1)} s), 1,000 seeds ${day1000.mib.toFixed(0)} MiB ` +
    `(${day1000.seconds.toFixed(1)} s): ratio ${ratio.toFixed(2)} (aim ≤ 1.2)\n` +
    `memory: M/M/c example, 3 plans × 2 minutes, 10,000 seeds: ${mmc10000.mib.toFixed(0)} MiB (${mmc10000.seconds.toFixed(1)} s; aim < 250 MB = 238 MiB)\n`,
);
const last = mmc10000;
recordBench('memory', {
  requests: last.requests,
  events: 0,
  wallSeconds: Number(last.seconds.toFixed(2)),
  defaultDay100SeedsMiB: Number(day100.mib.toFixed(1)),
  defaultDay1000SeedsMiB: Number(day1000.mib.toFixed(1)),
  mmc10000SeedsMiB: Number(mmc10000.mib.toFixed(1)),
  ratio1000To100: Number(ratio.toFixed(2)),
});
