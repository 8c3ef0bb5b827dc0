/**
 * The `capsim` command line. Each command parses its input at the edge, runs library
 * code, and prints; this is the only place that maps errors to exit codes:
 * 0 ok, 1 the run failed, 2 bad input (with a message naming what was wrong, no stack).
 */
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
// Only what every command needs is loaded here: each command's code (the scenario grammar,
// the simulator, the report's libraries) is imported when that command runs, so
// `capsim --version` or `capsim schema` do not pay for the rest.
import { capsimVersion } from '../experiment/version.js';
import { boundedMessage, InputError } from '../scenario/errors.js';
import { processIo, type CliIo } from './io.js';
import { parseParam, parseRange, parseShard, type Range, type Shard } from '../study/spec.js';
import type { StudyCommand, StudyDefinition } from '../study/study.js';
import type { OutputFormat } from './study-commands.js';
import type { PerfCommandOptions } from './perf-command.js';
import type { TraceCommandOptions } from './trace-command.js';
import type { TraceFormat } from '../workload/index.js';
import { addReplicaOptions, positiveInt } from './args.js';
import type { CalibrateCommandOptions } from './calibrate-command.js';

export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

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

function positiveNumber(name: string) {
  return (value: string): number => {
    const x = value.trim() === '' ? NaN : Number(value);
    if (!(x > 0 && Number.isFinite(x))) throw new InvalidArgumentError(`${name} must be a number above 0, got "${value}".`);
    return x;
  };
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** The flags every study command takes. */
interface StudyCommandOptions {
  seeds?: number;
  seed?: number;
  set: string[];
  json?: boolean;
  out?: string;
  resume?: string;
  prices?: string;
  skipBadRows?: boolean;
  workers?: number;
  quiet?: boolean;
  report?: string;
  format?: OutputFormat;
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

const commands = () => import('./commands.js');

function buildProgram(io: CliIo): Command {
  const program = new Command();
  program
    .name('capsim')
    .description('Simulate LLM serving plans and price each successful request.')
    .version(capsimVersion())
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showSuggestionAfterError(true);

  const studyOptions = (command: Command, seedsHelp = 'number of Monte Carlo runs (overrides the scenario; at most 100,000, as in scenario files)') =>
    command
      .option('--seeds <n>', seedsHelp, positiveInt('--seeds', 100_000))
      .option('--seed <s>', 'base seed: runs use s, s+1, … (overrides the scenario)', nonNegativeInt('--seed'))
      .option('--set <path=value>', 'override a scenario field, e.g. workload.arrivals.rate=9.5 (repeatable)', collect, [])
      .option('--json', 'print one JSON document to stdout and nothing else')
      .option('--out <dir>', 'also write results.json and cells.jsonl (one line per finished run, kept if the study is interrupted) into this folder')
      .option('--resume <dir>', 'go on with a study interrupted in this folder: finished runs are read back, not run again')
      .option('--prices <file>', "API prices from a LiteLLM model_prices_and_context_window.json instead of the built-in table")
      .option('--skip-bad-rows', 'count and skip malformed rows of a replayed trace instead of stopping')
      .option('--workers <n>', 'worker threads for the runs (default: one per core; results do not depend on it)', positiveInt('--workers'))
      .option('--report <file>', 'also write the HTML report (charts, works offline) to this file')
      .option('--format <f>', 'how the answer prints: table (fitted to the terminal), markdown, csv or json', outputFormat)
      .option('--quiet', 'no progress display on stderr');
  const definitionOf = (command: StudyCommand, file: string | undefined, opts: StudyCommandOptions, rest: Pick<StudyDefinition, 'params' | 'plans' | 'settings'>): StudyDefinition =>
    ({ command, scenario: file === undefined ? undefined : resolve(file), set: opts.set, prices: opts.prices === undefined ? undefined : resolve(opts.prices), skipBadRows: Boolean(opts.skipBadRows), seeds: opts.seeds, seed: opts.seed, ...rest });
  const study = () => import('./study-commands.js');
  const shardOption = (v: string): Shard => parseShard(v);
  const outputFormat = (v: string): OutputFormat => {
    if (v === 'table' || v === 'markdown' || v === 'csv' || v === 'json') return v;
    throw new InvalidArgumentError(`--format must be table, markdown, csv or json, got "${v}".`);
  };
  const rangeOption = (v: string): Range => parseRange(v);

  studyOptions(program.command('run'))
    .description('run every plan of a scenario over Monte Carlo seeds and summarize (default: the built-in scenario)')
    .argument('[scenario]', 'scenario file (YAML or JSON)')
    .option('--shard <i/n>', 'run only share i of n (from 0) of the runs into --out, for capsim merge', shardOption)
    .option('--export-trace <file>', "write the first run's requests as JSONL (Mooncake fields, a GuideLLM or vLLM custom dataset) to send to a real server")
    .action(async (file: string | undefined, opts: StudyCommandOptions & { shard?: Shard; exportTrace?: string }) => {
      await (await study()).executeStudy(io, definitionOf('run', file, opts, { params: [], plans: undefined, settings: {} }), opts);
    });

  studyOptions(program.command('sweep'))
    .description('run every plan at every point of a grid of scenario fields, on the same seeds')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .requiredOption('--param <path=spec>', 'a field and its values: a,b,c or lo..hi:n or lo..hi:n:log (repeatable: a grid)', collect, [])
    .option('--shard <i/n>', 'run only share i of n (from 0) of the runs into --out, for capsim merge', shardOption)
    .action(async (file: string, opts: StudyCommandOptions & { param: string[]; shard?: Shard }) => {
      if (opts.param.length === 0) throw new InputError('sweep needs at least one --param PATH=SPEC.');
      await (await study()).executeStudy(io, definitionOf('sweep', file, opts, { params: opts.param.map(parseParam), plans: undefined, settings: {} }), opts);
    });

  studyOptions(program.command('breakeven'))
    .description('where two plans cost the same per successful request, as one scenario field varies')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .requiredOption('--plans <a,b>', 'the two plans to compare')
    .requiredOption('--param <path>', 'the field to vary, e.g. workload.arrivals.perDay')
    .requiredOption('--range <lo..hi>', 'where to look', rangeOption)
    .option('--tolerance <x>', 'stop when the crossing is bracketed this closely (default: 1/200 of the range)', positiveNumber('--tolerance'))
    .option('--log', 'space the first values tried logarithmically (for ranges over orders of magnitude)')
    .action(async (file: string, opts: StudyCommandOptions & { plans: string; param: string; range: Range; tolerance?: number; log?: boolean }) => {
      const plans = opts.plans.split(',').map((p) => p.trim());
      if (plans.length !== 2 || plans.some((p) => p === '')) throw new InputError(`--plans must name two plans separated by a comma, got "${opts.plans}".`);
      const settings = { param: opts.param, range: opts.range, plans, ...(opts.tolerance !== undefined ? { tolerance: opts.tolerance } : {}), ...(opts.log ? { log: true } : {}) };
      await (await study()).executeStudy(io, definitionOf('breakeven', file, opts, { params: [], plans, settings }), opts);
    });

  studyOptions(program.command('size'))
    .description('the cheapest value of a capacity field (replicas, reserved GPUs, autoscaler maximum) at which a plan meets its SLO targets')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .requiredOption('--plan <name>', 'the plan to size')
    .requiredOption('--param <path>', 'the integer field, e.g. plans.0.backends.0.replicas')
    .option('--range <lo..hi>', 'the values to consider (default: doubling from 1)', rangeOption)
    .action(async (file: string, opts: StudyCommandOptions & { plan: string; param: string; range?: Range }) => {
      const settings = { plan: opts.plan, param: opts.param, ...(opts.range ? { range: opts.range } : {}) };
      await (await study()).executeStudy(io, definitionOf('size', file, opts, { params: [], plans: [opts.plan], settings }), opts);
    });

  studyOptions(program.command('commit'))
    .description('how much to commit (reserved GPUs) under uncertain demand: monthly cost and regret per level')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .requiredOption('--plan <name>', 'the plan with the commitment')
    .requiredOption('--param <path>', 'the commitment field, e.g. plans.1.backends.0.pools.reserved.gpus')
    .requiredOption('--range <lo..hi>', 'the levels to try', rangeOption)
    .option('--step <n>', 'try every n-th level', positiveInt('--step'))
    .action(async (file: string, opts: StudyCommandOptions & { plan: string; param: string; range: Range; step?: number }) => {
      const settings = { plan: opts.plan, param: opts.param, range: opts.range, ...(opts.step !== undefined ? { step: opts.step } : {}) };
      await (await study()).executeStudy(io, definitionOf('commit', file, opts, { params: [], plans: [opts.plan], settings }), opts);
    });

  program
    .command('report')
    .description('render a saved result (results.json of run, sweep, breakeven, size or commit) as the HTML report again')
    .argument('<results>', 'a results.json written by --out (or saved from --json)')
    .option('-o, --output <file>', 'where to write the report (default: report.html beside the results)')
    .option('--out <dir>', 'also write runs.csv (run) or sweep.csv (sweep) into this folder, with report.html')
    .action(async (file: string, opts: { output?: string; out?: string }) => {
      (await study()).renderSavedReport(io, file, opts);
    });

  program
    .command('merge')
    .description('combine the folders of a sharded run or sweep into what the unsharded one writes')
    .argument('<dirs...>', 'the shards\' --out folders')
    .requiredOption('--out <dir>', 'where to write the merged study')
    .option('--json', 'print one JSON document to stdout and nothing else')
    .option('--report <file>', 'also write the HTML report (run) to this file')
    .option('--quiet', 'no progress display on stderr')
    .action(async (dirs: string[], opts: { out: string; json?: boolean; report?: string; quiet?: boolean }) => {
      await (await study()).mergeShards(io, dirs, opts);
    });

  program
    .command('validate')
    .description('check a scenario file and print what it resolves to')
    .argument('<scenario>', 'scenario file (YAML or JSON)')
    .option('--set <path=value>', 'override a scenario field before checking (repeatable)', collect, [])
    .option('--prices <file>', 'check API models against a LiteLLM price catalog')
    .action(async (file: string, opts: { set: string[]; prices?: string }) => {
      (await commands()).validate(io, file, opts);
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
    .action(async (file: string, opts: TraceCommandOptions & { json?: boolean }) => {
      (await commands()).traceStats(io, file, opts);
    });
  traceCommand
    .command('fit')
    .description('write a synthetic workload that reproduces a trace (rate, burstiness, lengths)')
    .argument('<file>', 'Azure 2023 CSV or Mooncake JSONL trace')
    .option('-o, --out <file>', 'write the scenario here instead of stdout')
    .option('--format <f>', 'azure or mooncake (default: by file extension)', formatOption)
    .option('--skip-bad-rows', 'count and skip malformed rows instead of stopping')
    .action(async (file: string, opts: TraceCommandOptions & { out?: string }) => {
      (await commands()).traceFit(io, file, opts);
    });

  program
    .command('schema')
    .description('print the JSON Schema of scenario files (generated from the grammar; editors use it to complete and check them)')
    .action(async () => {
      (await commands()).schema(io);
    });

  program
    .command('prices')
    .description('look up API models in the price catalog: input, output, cached and batch prices per million tokens')
    .argument('[query]', 'words the model name must contain, e.g. "gpt-4o" or "claude sonnet"')
    .option('--prices <file>', "a LiteLLM model_prices_and_context_window.json instead of the built-in table")
    .option('--json', 'print the matching rows as JSON')
    .action(async (query: string | undefined, opts: { prices?: string; json?: boolean }) => {
      (await commands()).prices(io, query, opts);
    });

  addReplicaOptions(
    program.command('perf').description('what one replica of a model on a GPU does: KV capacity, decode and prefill times term by term, saturation throughput'),
  )
    .option('--context <n>', 'per-sequence context for the decode table', positiveInt('--context'), 1024)
    .option('--input <n>', 'prompt tokens for the saturation run', positiveInt('--input'), 1024)
    .option('--output <n>', 'output tokens for the saturation run', positiveInt('--output'), 128)
    .option('--json', 'print {kvCapacityTokens, decode (with each step term by term), prefill, saturation} as JSON')
    .action(async (opts: PerfCommandOptions & { json?: boolean }) => {
      (await commands()).perf(io, opts);
    });

  addReplicaOptions(
    program
      .command('calibrate')
      .description("fit the replica's step times to your own server's measurements: a `vllm bench serve --save-result` file or a GuideLLM report")
      .argument('<result-file>', 'vllm bench serve --save-result JSON, or GuideLLM benchmarks JSON'),
  )
    .option('--out <file>', 'where to write the fitted profile (default: MODEL-GPU.profile.json)')
    .option('--json', 'print {format, runs, scale, before, after, medianBefore, medianAfter, profile} as JSON')
    .action(async (file: string, opts: CalibrateCommandOptions & { json?: boolean }) => {
      (await commands()).calibrateCommand(io, file, opts);
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
    // The modules that throw these are loaded by now if they threw; importing them here costs nothing then.
    const [{ TraceError }, { DrawError }] = await Promise.all([import('../workload/index.js'), import('../random/index.js')]);
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
