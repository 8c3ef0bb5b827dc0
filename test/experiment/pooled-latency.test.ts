import { describe, expect, test } from 'vitest';
import { cellRunner, compactRun, PooledLatencies, RunTable, runScenario, runScenarioOn, SERIES_KEPT_UP_TO_SEEDS, ShapeBook, summarizeRuns, type CellRunner } from '../../src/experiment/index.js';
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

describe('runs sent back compact by worker threads', () => {
  test('give the same summary, to the byte, as whole runs, with each list of paths sent once', () => {
    const scenario = parseScenario(readFileSync('workloads/default.yaml', 'utf8'), 'default', { overrides: ['horizon=3h', 'seeds=5'] });
    const whole = runScenario(scenario);
    const shapes = new ShapeBook();
    let pathsSent = 0;
    const gathered = {
      ...whole,
      plans: whole.plans.map((p) => {
        const table = new RunTable(p.runs!.length);
        const pooled = new PooledLatencies();
        // The first row whole (it names the plan's parts), the others compact, out of order.
        for (const row of [0, 3, 1, 4, 2]) {
          const run = p.runs![row]!;
          if (row === 0) {
            table.set(row, run);
            pooled.add(run);
            continue;
          }
          const compact = compactRun(run, 1);
          if (compact.paths) pathsSent++;
          const figures = shapes.resolve(compact);
          table.setFigures(row, figures.paths, figures.values, figures.labels);
          pooled.addPacked(figures.histograms);
        }
        return { ...p, table, pooled, runs: undefined };
      }),
    };
    expect(JSON.stringify(summarizeRuns(gathered))).toBe(JSON.stringify(summarizeRuns(whole)));
    // Four plans of different shapes (one has a router's figures); a shape is named once.
    expect(pathsSent).toBeGreaterThan(0);
    expect(pathsSent).toBeLessThan(whole.plans.length * 4);
    expect(() => new ShapeBook().resolve({ ...compactRun(whole.plans[0]!.runs![1]!, 1), paths: undefined })).toThrow(/never came/);
    // The time series comes back only when asked for.
    const run = whole.plans[0]!.runs![1]!;
    expect(compactRun(run, 1).series).toBeUndefined();
    expect(compactRun(run, 1, true).series).toBe(run.timeSeries);
  });

  test('a first row without its whole run is refused', () => {
    expect(() => new RunTable(2).setFigures(0, ['seed'], [1], [])).toThrow(/first row/);
  });
});

describe('the representative run of a compact study', () => {
  /** A one-thread runner that counts the runs asked for whole after the study's cells (the representative runs again). */
  function countingRunner(): { runner: CellRunner; again: () => number } {
    const inner = cellRunner(1);
    let again = 0;
    return { runner: { ...inner, run: (task) => (again++, inner.run(task)) }, again: () => again };
  }

  test('is not simulated again up to SERIES_KEPT_UP_TO_SEEDS seeds, and is once a plan past it; its series is the same either way', async () => {
    for (const seeds of [4, SERIES_KEPT_UP_TO_SEEDS, SERIES_KEPT_UP_TO_SEEDS + 1]) {
      const scenario = parseScenario(readFileSync('workloads/mmc-example.yaml', 'utf8'), 'mmc', { overrides: ['horizon=3m', 'warmup=0', `seeds=${seeds}`] });
      const { runner, again } = countingRunner();
      const compact = await runScenarioOn(runner, scenario, { compact: true });
      expect(again(), `${seeds} seeds`).toBe(seeds <= SERIES_KEPT_UP_TO_SEEDS ? 0 : scenario.plans.length);
      expect(compact.plans.every((p) => p.runs === undefined && p.series !== undefined)).toBe(true);
      const whole = runScenario(scenario);
      expect(JSON.stringify(compact.plans.map((p) => p.series))).toBe(JSON.stringify(whole.plans.map((p) => p.series)));
      expect(JSON.stringify(summarizeRuns(compact))).toBe(JSON.stringify(summarizeRuns(whole)));
    }
  });
});
