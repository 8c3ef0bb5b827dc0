/**
 * The commands that are not studies: validate, trace stats and fit, schema, prices, perf, calibrate.
 * program.ts imports this module only when one of them runs.
 */
import { writeFileSync } from 'node:fs';
import { defaultScenarioPath, loadPriceCatalog, loadScenarioFile, scenarioWarnings } from '../experiment/index.js';
import { resolveCosts } from '../cost/index.js';
import { searchApiPrices } from '../catalog/index.js';
import { InputError, nearest, scenarioJsonSchema, type Scenario } from '../scenario/index.js';
import type { CliIo } from './io.js';
import { renderPrices } from './prices-table.js';
import { renderPerf, runPerf, type PerfCommandOptions } from './perf-command.js';
import { readTraceSummary, renderFittedScenario, renderTraceStats, type TraceCommandOptions } from './trace-command.js';
import { describeScenario } from './run-table.js';
import { writableFile } from './paths.js';

/** Reads and validates a scenario file, or the built-in default when none is named. */
export function loadScenario(file: string | undefined, overrides: readonly string[], skipBadRows = false): { scenario: Scenario; source: string } {
  return { scenario: loadScenarioFile(file, overrides, { skipBadRows }), source: file ?? defaultScenarioPath() };
}

export function validate(io: CliIo, file: string, opts: { set: string[]; prices?: string }): void {
  const { scenario } = loadScenario(file, opts.set);
  const costs = resolveCosts(scenario, loadPriceCatalog(opts.prices));
  for (const w of scenarioWarnings(scenario)) io.stderr(`warning: ${w}\n`);
  io.stdout(`${file}: valid scenario "${scenario.name}" with ${scenario.plans.length} plan(s): ${scenario.plans.map((p) => p.name).join(', ')}\n`);
  io.stdout(describeScenario(scenario, costs));
}

export function traceStats(io: CliIo, file: string, opts: TraceCommandOptions & { json?: boolean }): void {
  const summary = readTraceSummary(file, opts);
  io.stdout(opts.json ? JSON.stringify(summary.stats, null, 2) + '\n' : renderTraceStats(summary.stats));
}

export function traceFit(io: CliIo, file: string, opts: TraceCommandOptions & { out?: string }): void {
  if (opts.out) writableFile(opts.out);
  const text = renderFittedScenario(file, readTraceSummary(file, opts));
  if (opts.out) {
    writeFileSync(opts.out, text);
    io.stdout(`wrote ${opts.out}\n`);
  } else io.stdout(text);
}

export function schema(io: CliIo): void {
  io.stdout(JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
}

export function prices(io: CliIo, query: string | undefined, opts: { prices?: string; json?: boolean }): void {
  const catalog = loadPriceCatalog(opts.prices);
  const rows = query ? searchApiPrices(catalog, query) : [...catalog.prices];
  if (rows.length === 0) throw new InputError(`no model in ${catalog.name} matches "${query}" (closest: ${nearest(query ?? '', catalog.prices.map((p) => p.model)).join(', ')}).`);
  io.stdout(opts.json ? JSON.stringify({ catalog: catalog.name, asOf: catalog.asOf, models: rows }, null, 2) + '\n' : renderPrices(catalog, rows));
}

export { calibrateCommand } from './calibrate-command.js';

export function perf(io: CliIo, opts: PerfCommandOptions & { json?: boolean }): void {
  const report = runPerf(opts);
  io.stdout(opts.json ? JSON.stringify(report, null, 2) + '\n' : renderPerf(opts, report));
}
