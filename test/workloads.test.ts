/**
 * Every scenario in workloads/ validates and runs a tiny Monte Carlo, is left unmutated, and
 * gives the same figures as a snapshot taken before the plan-runtime redesign
 * (test/fixtures/workloads-before.json: 2 seeds, 2 hours, no warmup). Two differences are
 * on purpose: the default scenario gained a TTFT SLO, classes and a hybrid plan (so its
 * success count may differ, and the hybrid has no snapshot), and
 * long-context-rag's gpt-4o plan now refuses prompts beyond gpt-4o's 128k-token context
 * window as providers do (refused requests draw no latencies, so the later draws shift).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { capsim } from './support/cli.js';

const DIR = join(process.cwd(), 'workloads');
const files = readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f));
const BEFORE = JSON.parse(readFileSync(join(process.cwd(), 'test', 'fixtures', 'workloads-before.json'), 'utf8')) as Record<string, Record<string, unknown>[]>;

/** Equal, or within 1e-9 relative (sums taken in another order); null stands for "not measured". */
function same(a: unknown, b: unknown): boolean {
  if (a === null || b === null) return a === b;
  const x = a as number;
  const y = b as number;
  return x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

test('workloads/ holds scenarios', () => {
  expect(files.length).toBeGreaterThanOrEqual(2);
});

for (const file of files) {
  test(`${file} validates, runs two short seeds, and matches the snapshot`, async () => {
    const path = join(DIR, file);
    const before = readFileSync(path, 'utf8');
    expect((await capsim('validate', path)).code).toBe(0);
    const r = await capsim('run', path, '--seeds', '2', '--set', 'horizon=2h', '--set', 'warmup=0', '--json', '--workers', '1');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    for (const plan of doc.plans) expect(plan.requests.arrived.mean).toBeGreaterThan(0);
    expect(readFileSync(path, 'utf8')).toBe(before);

    // Scenarios added since the snapshot have nothing to compare with.
    const snapshot = BEFORE[file];
    if (!snapshot) return;
    const differences: string[] = [];
    doc.plans.forEach((p: Record<string, any>) => {
      // Plans added since the snapshot (the default's hybrid) have nothing to compare with.
      const old = snapshot!.find((o) => o['name'] === p.name);
      if (!old) return;
      if (file === 'long-context-rag.yaml' && p.name === 'gpt-4o-cached') {
        expect(p.requests.arrived.mean).toBe(old['arrived']);
        expect(p.failedBy.tooLong.mean).toBeGreaterThan(0);
        expect(p.requests.failed.mean).toBe(p.failedBy.tooLong.mean);
        expect(Math.abs(p.cost.total.mean / (old['costTotal'] as number) - 1)).toBeLessThan(0.1);
        return;
      }
      const now: Record<string, unknown> = {
        name: p.name,
        arrived: p.requests.arrived.mean,
        completed: p.requests.succeeded.mean + p.requests.late.mean,
        failed: p.requests.failed.mean,
        inFlight: p.requests.inFlight.mean,
        costTotal: p.cost.total.mean,
        e2eMean: p.latency.e2e.mean, e2eP50: p.latency.e2e.p50, e2eP99: p.latency.e2e.p99,
        ttftMean: p.latency.ttft.mean, ttftP50: p.latency.ttft.p50, ttftP99: p.latency.ttft.p99,
        queueWaitMean: p.latency.queueWait.mean, queueWaitP99: p.latency.queueWait.p99,
        utilization: p.utilization.mean,
      };
      const e2e = old['e2e'] as Record<string, number>;
      const ttft = old['ttft'] as Record<string, number>;
      const wait = old['queueWait'] as Record<string, number>;
      const expected: Record<string, unknown> = {
        name: old['name'],
        arrived: old['arrived'],
        completed: (old['succeeded'] as number) + (old['late'] as number),
        failed: old['failed'],
        inFlight: old['inFlight'],
        costTotal: old['costTotal'],
        e2eMean: e2e['mean'], e2eP50: e2e['p50'], e2eP99: e2e['p99'],
        ttftMean: ttft['mean'], ttftP50: ttft['p50'], ttftP99: ttft['p99'],
        queueWaitMean: wait['mean'], queueWaitP99: wait['p99'],
        utilization: old['utilization'],
      };
      if (file !== 'default.yaml') {
        now['succeeded'] = p.requests.succeeded.mean;
        expected['succeeded'] = old['succeeded'];
        now['perSuccessfulRequest'] = p.cost.perSuccessfulRequest.mean;
        expected['perSuccessfulRequest'] = old['perSuccessfulRequest'];
      }
      for (const key of Object.keys(expected)) {
        if (key === 'name' ? now[key] !== expected[key] : !same(now[key], expected[key])) differences.push(`${p.name}.${key}: ${now[key]} (was ${expected[key]})`);
      }
    });
    expect(differences).toEqual([]);
  });
}
