/**
 * Every scenario in workloads/ validates and runs a tiny Monte Carlo, is left unmutated, and
 * gives the same figures as the snapshot in test/fixtures/workloads-snapshot.json (2 seeds,
 * 2 hours, no warmup), so a change to any model shows up here as a list of figures that
 * moved. When a change is meant to move them, rerun with CAPSIM_UPDATE_SNAPSHOT=1 to write
 * the snapshot again, and say why in the commit. Last written: 2026-11-24, for the step
 * times fitted to published measurements (engines, per-GPU efficiencies, device memory as
 * the driver reports it) and per-model API latency.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { capsim } from './support/cli.js';

const DIR = join(process.cwd(), 'workloads');
const SNAPSHOT = join(process.cwd(), 'test', 'fixtures', 'workloads-snapshot.json');
const UPDATE = process.env['CAPSIM_UPDATE_SNAPSHOT'] === '1';
const files = readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f));
const BEFORE = UPDATE ? {} : (JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Record<string, Record<string, unknown>[]>);
const written: Record<string, Record<string, unknown>[]> = {};
afterAll(() => {
  if (UPDATE) writeFileSync(SNAPSHOT, JSON.stringify(Object.fromEntries(Object.entries(written).sort(([a], [b]) => a.localeCompare(b))), null, 1) + '\n');
});

/** Equal, or within 1e-9 relative (sums taken in another order); null stands for "not measured". */
function same(a: unknown, b: unknown): boolean {
  if (a === null || b === null) return a === b;
  const x = a as number;
  const y = b as number;
  return x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

/** The figures a snapshot keeps of one plan's summary. */
function figures(p: Record<string, any>): Record<string, unknown> {
  const n = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    name: p.name,
    arrived: p.requests.arrived.mean,
    succeeded: p.requests.succeeded.mean,
    late: p.requests.late.mean,
    failed: p.requests.failed.mean,
    inFlight: p.requests.inFlight.mean,
    costTotal: p.cost.total.mean,
    perSuccessfulRequest: n(p.cost.perSuccessfulRequest.mean),
    e2e: { mean: n(p.latency.e2e.mean), p50: n(p.latency.e2e.p50), p99: n(p.latency.e2e.p99) },
    ttft: { mean: n(p.latency.ttft.mean), p50: n(p.latency.ttft.p50), p99: n(p.latency.ttft.p99) },
    queueWait: { mean: n(p.latency.queueWait.mean), p99: n(p.latency.queueWait.p99) },
    utilization: n(p.utilization.mean),
  };
}

/** Where two snapshots of a plan differ, as "plan.field: now (was before)". */
function differences(now: Record<string, unknown>, before: Record<string, unknown>, prefix = `${now['name']}.`): string[] {
  return Object.keys({ ...before, ...now }).flatMap((key) => {
    const a = now[key];
    const b = before[key];
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') return differences(a as Record<string, unknown>, b as Record<string, unknown>, `${prefix}${key}.`);
    const equal = typeof a === 'string' || typeof b === 'string' || a === undefined || b === undefined ? a === b : same(a, b);
    return equal ? [] : [`${prefix}${key}: ${JSON.stringify(a)} (was ${JSON.stringify(b)})`];
  });
}

test('workloads/ holds scenarios', () => {
  expect(files.length).toBeGreaterThanOrEqual(2);
});

for (const file of files) {
  test(`${file} validates, runs two short seeds, and matches the snapshot`, async () => {
    const path = join(DIR, file);
    const text = readFileSync(path, 'utf8');
    expect((await capsim('validate', path)).code).toBe(0);
    const r = await capsim('run', path, '--seeds', '2', '--set', 'horizon=2h', '--set', 'warmup=0', '--json', '--workers', '1');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    for (const plan of doc.plans) expect(plan.requests.arrived.mean).toBeGreaterThan(0);
    expect(readFileSync(path, 'utf8')).toBe(text);

    const now = doc.plans.map(figures);
    if (UPDATE) {
      written[file] = now;
      return;
    }
    const before = BEFORE[file];
    expect(before, `${file} has no snapshot: rerun with CAPSIM_UPDATE_SNAPSHOT=1`).toBeDefined();
    expect(now.map((p: Record<string, unknown>) => p['name'])).toEqual(before!.map((p) => p['name']));
    const moved = now.flatMap((p: Record<string, unknown>, i: number) => differences(p, before![i]!));
    expect(moved).toEqual([]);
  });
}
