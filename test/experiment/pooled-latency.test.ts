import { describe, expect, test } from 'vitest';
import { cellRunner, runScenario, runScenarioOn, summarizeRuns } from '../../src/experiment/index.js';
import { parseScenario } from '../../src/scenario/index.js';
import { readFileSync } from 'node:fs';

describe('latencies pooled as runs finish', () => {
  test('give the same summary, to the byte, as pooling every run\'s histograms at the end, and the runs keep no buckets', async () => {
    const scenario = parseScenario(readFileSync('workloads/default.yaml', 'utf8'), 'default', { overrides: ['horizon=3h', 'seeds=4'] });
    const whole = summarizeRuns(runScenario(scenario));
    const runner = cellRunner(1);
    const compact = await runScenarioOn(runner, scenario, { compact: true });
    await runner.close();
    expect(compact.plans.every((p) => p.runs.every((r) => r.latency.ttft.buckets.length === 0 && r.classes.every((c) => c.latency.e2e.buckets.length === 0)))).toBe(true);
    expect(compact.plans[0]!.runs[0]!.latency.ttft.count).toBeGreaterThan(0);
    expect(JSON.stringify(summarizeRuns(compact))).toBe(JSON.stringify(whole));
  });
});
