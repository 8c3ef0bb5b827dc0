/**
 * The `capsim` command line. Each command parses its input at the edge, runs library
 * code, and prints; this is the only place that maps errors to exit codes:
 * 0 ok, 1 the run failed, 2 bad input (with a message naming what was wrong, no stack).
 */
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { SingleBar } from 'cli-progress';
import { capsimVersion, defaultScenarioPath, loadPriceCatalog, loadScenarioFile, runScenarioParallel, scenarioWarnings, summarizeRuns, type PlanRunResult } from '../experiment/index.js';
import { resolveCosts } from '../cost/index.js';
import { DrawError } from '../random/index.js';
import { availableParallelism } from 'node:os';
import { searchApiPrices } from '../catalog/index.js';
import { renderPrices } from './prices-table.js';
import { boundedMessage, InputError, nearest, scenarioJsonSchema, type Scenario } from '../scenario/index.js';
import { processIo, type CliIo } from './io.js';
import { renderPerf, runPerf, type PerfCommandOptions } from './perf-command.js';
import { readTraceSummary, renderFittedScenario, renderTraceStats, type TraceCommandOptions } from './trace-command.js';
import { TraceError, type TraceFormat } from '../workload/index.js';
import { describeScenario, renderRunTable } from './run-table.js';
import { renderReportHtml } from '../report/index.js';

export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

function positiveInt(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max.toLocaleString('en-US')}, got "${value}".`);
    return n;
  };
}

/** Largest base seed: seeds s, s+1, … must stay exact whole numbers in a double. */
const MAX_SEED = 1e15;

function nonNegativeInt(name: string, max = MAX_SEED) {
  return (value: string): number => {
    // Number('') is 0: an empty value is no number.
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isInteger(n) || n < 0 || n > max) throw new InvalidArgumentError(`${name} must be a whole number from 0 to ${max.toLocaleString('en-US')}, got "${value}".`);
    return n;
  };
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Reads and validates a scenario file, or the built-in default when none is named. */
export function loadScenario(file: string | undefined, overrides: readonly string[], skipBadRows = false): { scenario: Scenario; source: string } {
  return { scenario: loadScenarioFile(file, overrides, { skipBadRows }), source: file ?? defaultScenarioPath() };
}

/**
 * Creates a folder and its missing parents one at a time. (Node's recursive mkdir never
 * returns under /proc, where mkdir answers ENOENT for a folder it just made; one level at a
 * time, the error comes back.)
 */
function makeFolder(dir: string): void {
  if (existsSync(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeFolder(parent);
  mkdirSync(dir);
}

/** A folder results can be written to: created if missing; a file there, or no permission, is bad input. */
function writableFolder(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError(`--out ${dir}: it is a file, not a folder.`);
  makeFolder(dir);
  accessSync(dir, constants.W_OK);
}

/** A file that can be written: its folder created, the file opened for writing now (so the run's result is not lost later). */
function writableFile(path: string): void {
  if (existsSync(path) && statSync(path).isDirectory()) throw new InputError(`${path} is a folder, not a file to write.`);
  makeFolder(dirname(path));
  closeSync(openSync(path, 'a'));
}

/** What an operating-system error (a file that cannot be read or written) means, in words; undefined for other errors. */
export function systemErrorMessage(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException;
  if (typeof e?.code !== 'string' || typeof e.syscall !== 'string') return undefined;
  const words: Record<string, string> = {
    ENOENT: 'no such file or folder',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'it is a folder',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EEXIST: 'a file is in the way',
    ENOSPC: 'no space left on the device',
    EROFS: 'the file system is read-only',
    EMFILE: 'too many open files',
  };
  return `cannot ${e.syscall} ${e.path ?? ''}: ${words[e.code] ?? e.code}.`.replace('  ', ' ');
}

function buildProgram(io: CliIo): Command {
  const program = new Command();
  program
    .name('capsim')
    .description('Simulate LLM serving plans and price each successful request.')
    .version(capsimVersion())
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showSuggestionAfterError(true);

  program
    .command('run')
    .description('run every plan of a scenario over Monte Carlo seeds and summarize (default: the built-in scenario)')
    .argument('[scenario]', 'scenario file (YAML or JSON)')
    .option('--seeds <n>', 'number of Monte Carlo runs (overrides the scenario; at most 100,000, as in scenario files)', positiveInt('--seeds', 100_000))
    .option('--seed <s>', 'base seed: runs use s, s+1, … (overrides the scenario)', nonNegativeInt('--seed'))
    .option('--set <path=value>', 'override a scenario field, e.g. workload.arrivals.rate=9.5 (repeatable)', collect, [])
    .option('--json', 'print one JSON document to stdout and nothing else')
    .option('--out <dir>', 'also write results.json, report.html and cells.jsonl (one line per finished run) into this folder')
    .option('--report <file>', 'write the HTML report (charts, works offline) to this file')
    .option('--prices <file>', "API prices from a LiteLLM model_prices_and_context_window.json instead of the built-in table")
    .option('--skip-bad-rows', 'count and skip malformed rows of a replayed trace instead of stopping')
    .option('--workers <n>', 'worker threads for the runs (default: one per core; results do not depend on it)', positiveInt('--workers'))
    .action(async (file: string | undefined, opts: { seeds?: number; seed?: number; set: string[]; json?: boolean; out?: string; report?: string; prices?: string; skipBadRows?: boolean; workers?: number }) => {
      const { scenario } = loadScenario(file, opts.set, opts.skipBadRows);
      const costs = resolveCosts(scenario, loadPriceCatalog(opts.prices));
      const warnings = scenarioWarnings(scenario);
      if (!opts.json) for (const w of warnings) io.stderr(`warning: ${w}\n`);
      const bar = io.interactive && !opts.json ? new SingleBar({ format: 'simulating {bar} {value}/{total} runs', clearOnComplete: true, stream: process.stderr }) : undefined;
      // With --out, every finished cell is appended to cells.jsonl at once, so an interrupted
      // run keeps what it computed; results.json is written when all cells are done.
      let cellsFile: number | undefined;
      // Where results go is checked before the run, so a bad path costs nothing.
      if (opts.report) writableFile(opts.report);
      if (opts.out) {
        writableFolder(opts.out);
        cellsFile = openSync(join(opts.out, 'cells.jsonl'), 'w');
      }
      const runs = await runScenarioParallel(scenario, opts.workers ?? availableParallelism(), {
        costs,
        ...(cellsFile !== undefined ? { onCell: (plan: string, result: PlanRunResult) => writeSync(cellsFile!, JSON.stringify({ plan, ...result }) + '\n') } : {}),
        ...(opts.seeds !== undefined ? { seeds: opts.seeds } : {}),
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        onProgress: (done, total) => {
          if (!bar) return;
          if (done === 1) bar.start(total, 0);
          bar.update(done);
          if (done === total) bar.stop();
        },
      });
      if (cellsFile !== undefined) closeSync(cellsFile);
      const summary = summarizeRuns(runs, { warnings });
      const json = JSON.stringify(summary, null, 2) + '\n';
      const reports = [...(opts.out ? [join(opts.out, 'report.html')] : []), ...(opts.report ? [opts.report] : [])];
      if (opts.out) writeFileSync(join(opts.out, 'results.json'), json);
      if (reports.length > 0) {
        const html = renderReportHtml(summary);
        for (const path of reports) {
          makeFolder(dirname(path));
          writeFileSync(path, html);
        }
      }
      if (opts.json) io.stdout(json);
      else {
        io.stdout(renderRunTable({ ...summary, warnings: [] }));
        if (opts.out) io.stdout(`\nwrote ${join(opts.out, 'results.json')}\n`);
        for (const path of reports) io.stdout(`wrote ${path}\n`);
      }
    });

  program
    .command('validate')
    .description('check a scenario file and print what it resolves to')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--set <path=value>', 'override a scenario field before checking (repeatable)', collect, [])
    .option('--prices <file>', 'check API models against a LiteLLM price catalog')
    .action((file: string, opts: { set: string[]; prices?: string }) => {
      const { scenario } = loadScenario(file, opts.set);
      const costs = resolveCosts(scenario, loadPriceCatalog(opts.prices));
      for (const w of scenarioWarnings(scenario)) io.stderr(`warning: ${w}\n`);
      io.stdout(`${file}: valid scenario "${scenario.name}" with ${scenario.plans.length} plan(s): ${scenario.plans.map((p) => p.name).join(', ')}\n`);
      io.stdout(describeScenario(scenario, costs));
    });

  const traceCommand = program.command('trace').description('look at request traces, and fit synthetic workloads to them');
  const formatOption = (v: string): TraceFormat => {
    if (v === 'azure' || v === 'mooncake') return v;
    throw new InvalidArgumentError(`--format must be azure or mooncake (use a scenario's trace.columns for other CSV/JSONL), got "${v}".`);
  };
  traceCommand
    .command('stats')
    .description('rows, span, rates, per-minute profile and token-length percentiles of a trace')
    .argument('<file>', 'Azure 2023 CSV or Mooncake JSONL trace')
    .option('--format <f>', 'azure or mooncake (default: by file extension)', formatOption)
    .option('--skip-bad-rows', 'count and skip malformed rows instead of stopping')
    .option('--json', 'print the figures as JSON (the keys of trace_stats.py)')
    .action((file: string, opts: TraceCommandOptions & { json?: boolean }) => {
      const summary = readTraceSummary(file, opts);
      io.stdout(opts.json ? JSON.stringify(summary.stats, null, 2) + '\n' : renderTraceStats(summary.stats));
    });
  traceCommand
    .command('fit')
    .description('write a synthetic workload that reproduces a trace (rate, burstiness, lengths)')
    .argument('<file>', 'Azure 2023 CSV or Mooncake JSONL trace')
    .option('-o, --out <file>', 'write the scenario here instead of stdout')
    .option('--format <f>', 'azure or mooncake (default: by file extension)', formatOption)
    .option('--skip-bad-rows', 'count and skip malformed rows instead of stopping')
    .action((file: string, opts: TraceCommandOptions & { out?: string }) => {
      if (opts.out) writableFile(opts.out);
      const text = renderFittedScenario(file, readTraceSummary(file, opts));
      if (opts.out) {
        writeFileSync(opts.out, text);
        io.stdout(`wrote ${opts.out}\n`);
      } else io.stdout(text);
    });

  program
    .command('schema')
    .description('print the JSON Schema of scenario files (generated from the grammar; editors use it to complete and check them)')
    .action(() => {
      io.stdout(JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
    });

  program
    .command('prices')
    .description('look up API models in the price catalog: input, output, cached and batch prices per million tokens')
    .argument('[query]', 'words the model name must contain, e.g. "gpt-4o" or "claude sonnet"')
    .option('--prices <file>', "a LiteLLM model_prices_and_context_window.json instead of the built-in table")
    .option('--json', 'print the matching rows as JSON')
    .action((query: string | undefined, opts: { prices?: string; json?: boolean }) => {
      const catalog = loadPriceCatalog(opts.prices);
      const rows = query ? searchApiPrices(catalog, query) : [...catalog.prices];
      if (rows.length === 0) throw new InputError(`no model in ${catalog.name} matches "${query}" (closest: ${nearest(query ?? '', catalog.prices.map((p) => p.model)).join(', ')}).`);
      io.stdout(opts.json ? JSON.stringify({ catalog: catalog.name, asOf: catalog.asOf, models: rows }, null, 2) + '\n' : renderPrices(catalog, rows));
    });

  program
    .command('perf')
    .description('what one replica of a model on a GPU does: KV capacity, decode and prefill times, saturation throughput')
    .requiredOption('--model <id>', 'model id, e.g. llama-3.1-8b')
    .requiredOption('--gpu <id>', 'GPU id, e.g. h100-sxm')
    .option('--tp <n>', 'tensor-parallel degree', positiveInt('--tp'), 1)
    .option('--dtype <d>', 'weight dtype: bf16, fp8, int4', 'bf16')
    .option('--kv-dtype <d>', 'KV-cache dtype: bf16 or fp8 (default: fp8 with fp8 weights, else bf16)')
    .option('--gpu-memory-utilization <x>', 'share of GPU memory vLLM may use', (v: string) => {
      const x = Number(v);
      if (!(x > 0 && x <= 1)) throw new InvalidArgumentError(`--gpu-memory-utilization must be in (0, 1], got "${v}".`);
      return x;
    }, 0.9)
    .option('--context <n>', 'per-sequence context for the decode table', positiveInt('--context'), 1024)
    .option('--input <n>', 'prompt tokens for the saturation run', positiveInt('--input'), 1024)
    .option('--output <n>', 'output tokens for the saturation run', positiveInt('--output'), 128)
    .option('--max-num-seqs <n>', 'scheduler: most sequences in a batch', positiveInt('--max-num-seqs'), 256)
    .option('--max-num-batched-tokens <n>', 'scheduler: token budget per step', positiveInt('--max-num-batched-tokens'), 8192)
    .option('--chunked-prefill', 'scheduler: mix prefill chunks into decode steps', false)
    .option('--json', 'print {kvCapacityTokens, decode, prefill, saturation} as JSON')
    .action((opts: PerfCommandOptions & { json?: boolean }) => {
      const report = runPerf(opts);
      io.stdout(opts.json ? JSON.stringify(report, null, 2) + '\n' : renderPerf(opts, report));
    });

  return program;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version print and exit 0; anything else commander rejects is bad input.
      return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    if (error instanceof InputError || error instanceof TraceError || error instanceof DrawError) {
      io.stderr(`capsim: ${boundedMessage(error.message)}${error instanceof InputError ? '' : '.'}\n`);
      return EXIT_BAD_INPUT;
    }
    // The environment (a path that cannot be written, a full disk) is bad input too.
    const system = systemErrorMessage(error);
    if (system) {
      io.stderr(`capsim: ${boundedMessage(system)}\n`);
      return EXIT_BAD_INPUT;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`capsim: the run failed: ${boundedMessage(message)}\n`);
    if (process.env['CAPSIM_DEBUG'] && error instanceof Error) io.stderr(`${error.stack}\n`);
    return EXIT_RUN_FAILED;
  }
}
