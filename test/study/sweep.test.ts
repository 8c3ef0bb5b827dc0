/**
 * Sweeps: the grid, its files, common random numbers across points; and the promises that
 * make long studies safe: parallel equals serial, sharded-and-merged equals unsharded,
 * resumed (after a kill) equals uninterrupted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { capsim, SMALL_SCENARIO, tempFile } from '../support/cli.js';

const FILES = ['results.json', 'sweep.csv', 'runs.csv', 'cells.jsonl', 'study.json'];
const folder = () => mkdtempSync(join(tmpdir(), 'capsim-sweep-'));
const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');

describe('capsim sweep', () => {
  const file = tempFile('small.yaml', SMALL_SCENARIO);
  const grid = ['--param', 'workload.arrivals.rate=2..4:3', '--param', 'plans.0.backends.0.replicas=5,6'];

  test('runs every plan and seed at every point of the grid, the same seeds everywhere', async () => {
    const out = folder();
    const r = await capsim('sweep', file, ...grid, '--seeds', '2', '--json', '--out', out);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.points.map((p: { values: Record<string, string> }) => Object.values(p.values))).toEqual([
      ['2', '5'], ['2', '6'], ['3', '5'], ['3', '6'], ['4', '5'], ['4', '6'],
    ]);
    expect(doc.seeds).toEqual([1, 2]);
    // More servers for the same traffic: same arrivals (common random numbers), less waiting.
    const [five, six] = doc.points.slice(4);
    expect(five.plans[0].requests.arrived).toEqual(six.plans[0].requests.arrived);
    expect(six.plans[0].latency.queueWait.mean).toBeLessThan(five.plans[0].latency.queueWait.mean);
    expect(five.plans[0].utilization.mean).toBeCloseTo(0.8, 1);
    const sweep = read(out, 'sweep.csv').trim().split('\n');
    expect(sweep).toHaveLength(1 + 6);
    expect(sweep[0]).toMatch(/^workload\.arrivals\.rate,plans\.0\.backends\.0\.replicas,plan,recommended,kind,runs,requests\.arrived\.mean,requests\.arrived\.sd,requests\.arrived\.ci95_lo,requests\.arrived\.ci95_hi/);
    expect(sweep[0]).toContain('cost.pooledPerSuccessfulRequest.ci95_hi');
    const runs = read(out, 'runs.csv').trim().split('\n');
    expect(runs).toHaveLength(1 + 6 * 2);
    expect(runs[1]).toMatch(/^2,5,five,1,/);
    const table = await capsim('sweep', file, ...grid, '--seeds', '2');
    expect(table.stdout).toMatch(/3 × 2 points|6 points × 1 plans × 2 runs/);
  });

  test('a bad value at a point is bad input naming the field, before anything runs', async () => {
    const r = await capsim('sweep', file, '--param', 'plans.0.backends.0.replicas=2,2.5');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/plans\.0\.backends\.0\.replicas/);
    const none = await capsim('sweep', file);
    expect(none.code).toBe(2);
  });

  test('--shard needs a folder; merge refuses shards of different studies and missing shards', async () => {
    expect((await capsim('sweep', file, ...grid, '--shard', '0/2')).stderr).toMatch(/--shard needs --out/);
    expect((await capsim('sweep', file, ...grid, '--shard', '2/2', '--out', folder())).stderr).toMatch(/i from 0 to n−1/);
    const [a, b, c] = [folder(), folder(), folder()];
    await capsim('sweep', file, ...grid, '--seeds', '1', '--shard', '0/2', '--out', a);
    await capsim('sweep', file, ...grid, '--seeds', '2', '--shard', '1/2', '--out', b);
    expect((await capsim('merge', a, b, '--out', folder())).stderr).toMatch(/different study/);
    expect((await capsim('merge', a, '--out', folder())).stderr).toMatch(/shard 1\/2 is missing/);
    await capsim('sweep', file, ...grid, '--seeds', '1', '--shard', '0/2', '--out', c);
    expect((await capsim('merge', a, c, '--out', folder())).stderr).toMatch(/given twice/);
    expect((await capsim('breakeven', file, '--plans', 'five,five', '--param', 'x', '--range', '1..2', '--shard', '0/2', '--out', folder())).code).toBe(2);
  });
});

describe('the built executable', () => {
  const main = join(process.cwd(), 'dist', 'cli', 'main.js');
  const file = tempFile('small.yaml', SMALL_SCENARIO.replace('horizon: 30m', 'horizon: 2h'));
  const args = ['sweep', file, '--param', 'workload.arrivals.rate=2..4:5', '--seeds', '4', '--quiet'];
  const capsimBin = (...argv: string[]) => spawnSync(process.execPath, [main, ...argv], { encoding: 'utf8' });
  const sameFolders = (a: string, b: string) => {
    for (const name of FILES) expect(read(b, name), name).toBe(read(a, name));
  };

  test.runIf(existsSync(main))('parallel equals serial, and sharded-and-merged equals unsharded, byte for byte', () => {
    const [serial, parallel] = [folder(), folder()];
    expect(capsimBin(...args, '--workers', '1', '--out', serial).status).toBe(0);
    expect(capsimBin(...args, '--workers', '2', '--out', parallel).status).toBe(0);
    sameFolders(serial, parallel);
    const shards = [0, 1, 2].map((i) => {
      const dir = folder();
      const r = capsimBin(...args, '--shard', `${i}/3`, '--out', dir, '--workers', '2');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`shard ${i}/3: 7 of 20 runs|shard ${i}/3: 6 of 20 runs`));
      expect(existsSync(join(dir, 'results.json'))).toBe(false);
      return dir;
    });
    const merged = folder();
    const m = capsimBin('merge', ...shards.reverse(), '--out', merged, '--quiet');
    expect(m.stderr).toBe('');
    expect(m.status).toBe(0);
    sameFolders(serial, merged);
  });

  test.runIf(existsSync(main))('a sweep killed midway keeps whole lines, and resumed equals uninterrupted', async () => {
    const whole = folder();
    expect(capsimBin(...args, '--workers', '1', '--out', whole).status).toBe(0);
    const killed = folder();
    const child = spawn(process.execPath, [main, ...args, '--workers', '1', '--out', killed], { stdio: 'ignore' });
    const cells = join(killed, 'cells.jsonl');
    // Kill it once a few cells are written.
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const lines = existsSync(cells) ? read(killed, 'cells.jsonl').split('\n').length - 1 : 0;
        if (lines >= 3 || Date.now() - started > 60_000) {
          clearInterval(poll);
          child.kill('SIGKILL');
          child.on('exit', () => (lines >= 3 ? resolve() : reject(new Error('no cells written in 60 s'))));
        }
      }, 5);
    });
    const before = read(killed, 'cells.jsonl');
    const complete = before.slice(0, before.lastIndexOf('\n') + 1);
    for (const line of complete.split('\n').filter((l) => l !== '')) expect(() => JSON.parse(line)).not.toThrow();
    expect(complete.split('\n').length - 1).toBeLessThan(20);
    expect(existsSync(join(killed, 'results.json'))).toBe(false);
    const resumed = capsimBin(...args, '--workers', '2', '--resume', killed);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    sameFolders(whole, killed);
    expect(statSync(join(killed, 'cells.jsonl')).size).toBe(statSync(join(whole, 'cells.jsonl')).size);
    // Resuming a finished study runs nothing and writes the same again.
    expect(capsimBin(...args, '--resume', killed).status).toBe(0);
    sameFolders(whole, killed);
    // Another study cannot resume into the folder.
    const other = capsimBin(...args.slice(0, 4), '--seeds', '5', '--resume', killed);
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(/different study/);
  });
});
