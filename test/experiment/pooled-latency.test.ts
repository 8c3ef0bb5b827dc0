import { describe, expect, test } from 'vitest';
import { cellRunner, runScenario, runScenarioOn, summarizeRuns } from '../../src/experiment/index.js';
import { parseScenario } from '../../src/scenario/index.js';
import { readFileSync } from 'node:fs';

describe('latencies pooled as runs finish', () => {
  test('give the same summary, to the byte, as pooling every run\'s histograms at the end, and no run is kept whole', async () => {
    const scenario = parseScenario(readFileSync('workloads/default.yaml', 'utf8'), 'default', { overrides: ['horizon=3h', 'seeds=4'] });
    const whole = summarizeRuns(runScenario(scenario));
    const runner = cellRunner(1);
    const compact = await runScenarioOn(runner, scenario, { compact: true });
    await runner.close();
    expect(compact.plans.every((p) => p.runs === undefined && p.table.complete)).toBe(true);
    expect(compact.plans[0]!.table.value('latency.ttft.count', 0)).toBeGreaterThan(0);
    expect(JSON.stringify(summarizeRuns(compact))).toBe(JSON.stringify(whole));
  });
});
