/**
 * A sharded sweep through a real Slurm: the shipped array-job scripts (deploy/slurm/) on a
 * one-node cluster that deploy/slurm/start-local-cluster.sh starts (Debian's slurm-wlm and
 * munge, as root, no systemd). The merged folder must equal an unsharded sweep's byte for
 * byte. Where Slurm cannot start (not root, packages missing) the test is skipped and says
 * why; CI sets CAPSIM_REQUIRE_SLURM=1, so there it fails instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { SMALL_SCENARIO, tempFile } from '../support/cli.js';

const main = join(process.cwd(), 'dist', 'cli', 'main.js');
const deploy = join(process.cwd(), 'deploy', 'slurm');

/** Why Slurm cannot be used here, or undefined when a node is idle. */
function slurmUnavailable(): string | undefined {
  if (!existsSync(main)) return 'capsim is not built (npm run build)';
  const start = spawnSync(join(deploy, 'start-local-cluster.sh'), { encoding: 'utf8' });
  if (start.error) return `cannot run start-local-cluster.sh: ${start.error.message}`;
  if (start.status !== 0) return (start.stderr || start.stdout).trim();
  return undefined;
}

const unavailable = slurmUnavailable();
if (unavailable) {
  if (process.env['CAPSIM_REQUIRE_SLURM']) throw new Error(`CAPSIM_REQUIRE_SLURM is set, but Slurm cannot start: ${unavailable}`);
  console.warn(`skipping the Slurm test: ${unavailable}`);
}

test.skipIf(unavailable !== undefined)('a sweep sharded over a Slurm array job and merged equals the unsharded sweep, byte for byte', async () => {
  const file = tempFile('small.yaml', SMALL_SCENARIO);
  const args = ['sweep', file, '--param', 'workload.arrivals.rate=2..4:3', '--seeds', '3'];
  const env = { ...process.env, CAPSIM: `${process.execPath} ${main}` };
  const root = join(mkdtempSync(join(tmpdir(), 'capsim-slurm-')), 'study');
  const submit = spawnSync(join(deploy, 'submit.sh'), ['4', root, ...args], { encoding: 'utf8', env });
  expect(submit.stderr).toBe('');
  expect(submit.status).toBe(0);
  const jobs = submit.stdout.trim().split(' ');
  expect(jobs).toHaveLength(2);
  // Wait for the array and the merge job to leave the queue.
  const deadline = Date.now() + 240_000;
  for (;;) {
    const queue = spawnSync('squeue', ['-h', '-j', jobs.join(',')], { encoding: 'utf8' });
    if (queue.status === 0 && queue.stdout.trim() === '') break;
    if (Date.now() > deadline) throw new Error(`Slurm jobs ${jobs.join(', ')} still queued after 240 s:\n${queue.stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const log = (name: string) => (existsSync(join(root, name)) ? readFileSync(join(root, name), 'utf8') : `(no ${name})`);
  expect(existsSync(join(root, 'merged', 'results.json')), log('merge.out') + log('shard-0.out')).toBe(true);
  for (let i = 0; i < 4; i++) expect(log(`shard-${i}.out`)).toMatch(new RegExp(`shard ${i}/4: [23] of 9 runs`));
  const whole = mkdtempSync(join(tmpdir(), 'capsim-unsharded-'));
  expect(spawnSync(process.execPath, [main, ...args, '--out', whole, '--quiet'], { encoding: 'utf8' }).status).toBe(0);
  for (const name of ['results.json', 'sweep.csv', 'runs.csv', 'cells.jsonl', 'study.json']) {
    expect(readFileSync(join(root, 'merged', name), 'utf8'), name).toBe(readFileSync(join(whole, name), 'utf8'));
  }
}, 300_000);
