/**
 * Start-up (issue 17): how long a whole `capsim` process takes when it has almost nothing
 * to simulate, against bare `node -e 0` on the same machine: `capsim --version`, and
 * `capsim run` on a scenario of one plain server over one second (reading and validating
 * a scenario, the simulator, the table). Medians of 15 processes each; the aim is 100 ms.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { recordBench } from './record.js';

const dir = mkdtempSync(join(tmpdir(), 'capsim-startup-'));
const scenario = join(dir, 'one.json');
writeFileSync(
  scenario,
  JSON.stringify({
    name: 'one-second',
    horizon: 1,
    workload: { arrivals: { process: 'poisson', rate: 1 } },
    plans: [{ name: 'one-server', backends: [{ kind: 'fleet', replicas: 1, service: { dist: 'exponential', mean: 0.1 } }] }],
  }),
);
const cli = resolve('dist', 'cli', 'main.js');

function medianMs(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return Number(times[7]!.toFixed(1));
}

const bareNodeMs = medianMs(['-e', '0']);
const versionMs = medianMs([cli, '--version']);
const runMs = medianMs([cli, 'run', scenario, '--seeds', '1', '--workers', '1', '--quiet']);
process.stdout.write(
  `startup: bare node ${bareNodeMs} ms; capsim --version ${versionMs} ms; capsim run (one-second scenario) ${runMs} ms ` +
    `(medians of 15; aim: 100 ms)\n`,
);
recordBench('startup', { requests: 1, events: 0, wallSeconds: runMs / 1000, bareNodeMs, versionMs, runMs });
