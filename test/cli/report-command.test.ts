import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { capsim, SMALL_SCENARIO, tempFile } from '../support/cli.js';

test('capsim report renders a saved run again, and with --out writes runs.csv', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'capsim-saved-'));
  expect((await capsim('run', tempFile('s.yaml', SMALL_SCENARIO), '--seeds', '2', '--out', dir)).code).toBe(0);
  expect(readFileSync(join(dir, 'runs.csv'), 'utf8').split('\n')[0]).toBe('plan,seed,costPerSuccessfulRequest,costPerMonth,costTotal,successRate,sloAttainment,arrived,succeeded,failed,utilization,capacityUtilization,meanQueueWait');
  const out = mkdtempSync(join(tmpdir(), 'capsim-again-'));
  const r = await capsim('report', join(dir, 'results.json'), '--out', out);
  expect(r.code).toBe(0);
  expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe(readFileSync(join(dir, 'report.html'), 'utf8'));
  expect(readFileSync(join(out, 'runs.csv'), 'utf8')).toBe(readFileSync(join(dir, 'runs.csv'), 'utf8'));
  const other = join(out, 'elsewhere.html');
  expect((await capsim('report', join(dir, 'results.json'), '-o', other)).code).toBe(0);
  expect(existsSync(other)).toBe(true);
});

test('capsim report renders a saved sweep with its sweep.csv', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'capsim-saved-sweep-'));
  expect((await capsim('sweep', tempFile('s.yaml', SMALL_SCENARIO), '--param', 'workload.arrivals.rate=2,3', '--seeds', '2', '--out', dir)).code).toBe(0);
  const out = mkdtempSync(join(tmpdir(), 'capsim-again-'));
  expect((await capsim('report', join(dir, 'results.json'), '--out', out)).code).toBe(0);
  expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe(readFileSync(join(dir, 'report.html'), 'utf8'));
  expect(readFileSync(join(out, 'sweep.csv'), 'utf8')).toBe(readFileSync(join(dir, 'sweep.csv'), 'utf8'));
});

test('a file that is not a capsim result is bad input that says why', async () => {
  const notJson = tempFile('x.json', '{ nope');
  expect((await capsim('report', notJson)).stderr).toMatch(/is not JSON/);
  const other = tempFile('y.json', '{"capsim": {"command": "dance"}}');
  const r = await capsim('report', other);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/capsim\.command is "dance", expected one of run, sweep, breakeven, size, commit/);
  const broken = tempFile('z.json', '{"capsim": {"command": "run"}}');
  const b = await capsim('report', broken);
  expect(b.code).toBe(2);
  expect(b.stderr).toMatch(/does not have the fields of a capsim run result/);
  expect((await capsim('report', join(tmpdir(), 'no-such-results.json'))).stderr).toMatch(/cannot read results file .*no such file/);
  writeFileSync(join(mkdtempSync(join(tmpdir(), 'capsim-')), 'ok'), '');
});
