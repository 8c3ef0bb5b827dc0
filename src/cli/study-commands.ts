/**
 * The commands that run a study: run, sweep, breakeven, size, commit, and merge (which
 * combines the folders of a sharded study into what the unsharded study writes). Each
 * parses its flags into a `StudyDefinition` (plain data) and calls `executeStudy`, which
 * opens the folder's store (new, or resumed), runs, writes the results and prints.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import { cellRunner, exportTrace, readInputFile, summarizeRuns, scenarioWarnings, type RunSummary, type ScenarioRuns } from '../experiment/index.js';
import { InputError } from '../scenario/index.js';
import { renderReportHtml, renderStudyReportHtml, type StudyResult } from '../report/index.js';
import {
  CellStore,
  gridPoints,
  loadStudy,
  readManifest,
  runBreakeven,
  runCommit,
  runPoints,
  runShard,
  runSize,
  runSweep,
  flattenFigures,
  perRunCsv,
  pointFigures,
  runsCsv,
  studyCells,
  studyManifest,
  sweepCsv,
  toCsv,
  writeCellsInOrder,
  type BreakevenOptions,
  type CommitOptions,
  type Point,
  type Shard,
  type SizeOptions,
  type Study,
  type StudyDefinition,
  type SweepSummary,
} from '../study/index.js';
import type { CliIo } from './io.js';
import type { TableLayout } from './format.js';
import { thousands } from '../report/format.js';
import { progressDisplay, untilInterrupted } from './progress.js';
import { renderRunTable } from './run-table.js';
import { renderBreakeven, renderCommit, renderSize, renderSweepTable } from './study-tables.js';
import { writableFile, writableFolder } from './paths.js';

export interface StudyFlags {
  readonly json?: boolean | undefined;
  readonly out?: string | undefined;
  readonly resume?: string | undefined;
  readonly quiet?: boolean | undefined;
  readonly workers?: number | undefined;
  readonly shard?: Shard | undefined;
  readonly report?: string | undefined;
  /** `run`: also write the first run's requests as JSONL (see experiment/export-trace.ts). */
  readonly exportTrace?: string | undefined;
  /** How the answer prints: table (default), markdown, csv or json (as --json). */
  readonly format?: OutputFormat | undefined;
}

export type OutputFormat = 'table' | 'markdown' | 'csv' | 'json';

/** A study's answer in each form it is printed or written in. */
interface Answer {
  readonly json: string;
  readonly text: string;
  readonly html: () => string;
  readonly csv: () => string;
}

/** The points a study covers before it starts (searches find theirs as they go). */
function fixedPoints(definition: StudyDefinition): Point[] | undefined {
  if (definition.command === 'run') return [[]];
  if (definition.command === 'sweep') return gridPoints(definition.params);
  return undefined;
}

/** The cells of the points a search evaluated, in order of value. */
function searchedPoints(study: Study, store: CellStore): Point[] {
  const path = String(study.definition.settings['param']);
  const values = [...new Set(store.keys().map((k) => k.point[path]!))].sort((a, b) => Number(a) - Number(b));
  return values.map((value) => [{ path, value }]);
}

export async function executeStudy(io: CliIo, definition: StudyDefinition, flags: StudyFlags): Promise<void> {
  const study = loadStudy(definition);
  const points = fixedPoints(definition);
  const dir = flags.resume ?? flags.out;
  if (flags.resume && flags.out && flags.resume !== flags.out) throw new InputError(`--resume ${flags.resume} and --out ${flags.out} name different folders; --resume writes into the folder it resumes.`);
  if (flags.shard && !dir) throw new InputError('--shard needs --out DIR (where the shard keeps its cells for capsim merge).');
  if (flags.shard && !points) throw new InputError(`--shard applies to run and sweep, whose cells are known before they start; ${definition.command} chooses its values as it goes (use --resume to continue one).`);
  if (flags.report) writableFile(flags.report);
  if (flags.exportTrace) {
    if (definition.command !== 'run') throw new InputError('--export-trace applies to run.');
    writableFile(flags.exportTrace);
  }
  if (dir) writableFolder(dir);
  // Warnings about plans the study does not run (a search over one or two plans) are noise.
  const warnings = scenarioWarnings(study.base).filter((w) => !w.startsWith('plan ') || study.plans.some((p) => w.startsWith(`plan ${p}:`)));
  // A JSON document carries its warnings; on stderr they would be noise around it.
  if (!flags.json && flags.format !== 'json' && !flags.shard) for (const w of warnings) io.stderr(`warning: ${w}\n`);

  let store: CellStore | undefined;
  if (dir) {
    // Only a study kept in a folder needs its manifest, whose fingerprint hashes the whole study.
    const manifest = studyManifest(study, flags.shard);
    store = flags.resume ? CellStore.resume(dir, manifest) : CellStore.create(dir, manifest);
  }
  const runner = cellRunner(flags.workers ?? availableParallelism());
  const progress = await progressDisplay(io, { quiet: flags.quiet });
  const kept = () => (store && dir ? `${store.count} finished runs are in ${join(dir, 'cells.jsonl')}; repeat the command with --resume ${dir} to go on.` : 'Nothing was kept (with --out DIR, finished runs are).');
  const run = { runner, store, onProgress: (done: number, total: number) => progress.update(done, total) };
  try {
    await untilInterrupted(io, progress, kept, async () => {
      if (flags.shard) {
        await runShard(study, points!, flags.shard, { ...run, store: store! });
        const all = studyCells(study, points!);
        const mine = all.filter((_, k) => k % flags.shard!.count === flags.shard!.index);
        writeCellsInOrder(dir!, mine, [store!]);
        io.stdout(`shard ${flags.shard.index}/${flags.shard.count}: ${mine.length} of ${all.length} runs in ${join(dir!, 'cells.jsonl')}; combine the shards with capsim merge\n`);
        return;
      }
      const written: string[] = [];
      const write = (name: string, text: string) => {
        writeFileSync(join(dir!, name), text);
        written.push(join(dir!, name));
      };
      const format: OutputFormat = flags.json ? 'json' : (flags.format ?? 'table');
      const layout: TableLayout = { width: Math.max(60, io.columns ?? 100), markdown: format === 'markdown' };
      const rowsCsv = (rows: readonly unknown[]) => toCsv(rows.map((r) => flattenFigures(r, '', new Map())));
      /** A study's result as each output takes it (the report and the CSV only when asked for). */
      const studyAnswer = (result: StudyResult, text: string, csv: () => string): Answer => ({ json: JSON.stringify(result, null, 2) + '\n', text, html: () => renderStudyReportHtml(result), csv });
      let answer: Answer;
      switch (definition.command) {
        case 'run': {
          let runs: ScenarioRuns | undefined;
          await runPoints(study, points!, run, (_, r) => (runs = r));
          const summary = summarizeRuns(runs!, { warnings });
          answer = {
            json: JSON.stringify(summary, null, 2) + '\n',
            text: renderRunTable({ ...summary, warnings: [] }, layout),
            html: () => renderReportHtml(summary),
            csv: () => rowsCsv(summary.plans.map(pointFigures)),
          };
          if (dir) write('runs.csv', perRunCsv(summary.plans));
          if (flags.exportTrace) {
            const exported = exportTrace(study.base, study.seeds[0]!, flags.exportTrace);
            written.push(flags.exportTrace);
            io.stderr(`capsim: ${flags.exportTrace}: the ${thousands(exported.requests)} requests of the run with seed ${exported.seed}\n`);
          }
          break;
        }
        case 'sweep': {
          const { summary, runs } = await runSweep(study, points!, run);
          answer = studyAnswer(summary, renderSweepTable(summary, layout), () => sweepCsv(summary));
          if (dir) {
            write('sweep.csv', sweepCsv(summary));
            write('runs.csv', runsCsv(runs));
          }
          break;
        }
        case 'breakeven': {
          const result = await runBreakeven(study, definition.settings as unknown as BreakevenOptions, run);
          answer = studyAnswer(result, renderBreakeven(result, layout), () => rowsCsv(result.points));
          break;
        }
        case 'size': {
          const result = await runSize(study, definition.settings as unknown as SizeOptions, run);
          answer = studyAnswer(result, renderSize(result, layout), () => rowsCsv(result.tried));
          break;
        }
        case 'commit': {
          const result = await runCommit(study, definition.settings as unknown as CommitOptions, run);
          answer = studyAnswer(result, renderCommit(result, layout), () => rowsCsv(result.levels));
          break;
        }
      }
      const reports = [...(dir ? [join(dir, 'report.html')] : []), ...(flags.report ? [flags.report] : [])];
      if (reports.length > 0) {
        const page = answer.html();
        for (const path of reports) {
          writeFileSync(path, page);
          written.push(path);
        }
      }
      if (dir) {
        written.unshift(join(dir, 'results.json'));
        writeFileSync(join(dir, 'results.json'), answer.json);
        // The cells in the study's own order: the folder does not depend on threads, resumes or shards.
        writeCellsInOrder(dir, studyCells(study, points ?? searchedPoints(study, store!)), [store!]);
      }
      progress.stop();
      if (format === 'json') io.stdout(answer.json);
      else if (format === 'csv') io.stdout(answer.csv());
      else io.stdout(answer.text + written.map((path) => `${path === written[0] ? '\n' : ''}wrote ${path}\n`).join(''));
    });
  } finally {
    store?.close();
    await runner.close();
  }
}

/** `capsim merge DIR... --out OUT`: the shards' cells combined, and the results the unsharded study would write. */
export async function mergeShards(io: CliIo, dirs: readonly string[], flags: StudyFlags & { out: string }): Promise<void> {
  const manifests = dirs.map((dir) => ({ dir, manifest: readManifest(dir) }));
  const first = manifests[0]!.manifest;
  for (const { dir, manifest } of manifests) {
    if (manifest.fingerprint !== first.fingerprint) throw new InputError(`${dir} holds a different study from ${manifests[0]!.dir} (another scenario, parameters, plans or seeds); merge only the shards of one study.`);
    if (!manifest['shard']) throw new InputError(`${dir} is not a shard (it was not run with --shard); there is nothing to merge.`);
  }
  const count = (first['shard'] as Shard).count;
  const seen = new Map<number, string>();
  for (const { dir, manifest } of manifests) {
    const shard = manifest['shard'] as Shard;
    if (shard.count !== count) throw new InputError(`${dir} is shard ${shard.index}/${shard.count}, but ${manifests[0]!.dir} is one of ${count}.`);
    if (seen.has(shard.index)) throw new InputError(`shard ${shard.index}/${count} is given twice (${seen.get(shard.index)} and ${dir}).`);
    seen.set(shard.index, dir);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new InputError(`shard${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).map((i) => `${i}/${count}`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing; merge needs all ${count}.`);
  const definition = first['definition'] as StudyDefinition;
  const study = loadStudy(definition);
  if (study.fingerprint !== first.fingerprint) throw new InputError(`the study's scenario, prices or capsim version changed since the shards ran (${definition.scenario ?? 'the built-in default'}); run the shards again.`);
  const stores = manifests.map(({ dir, manifest }) => CellStore.resume(dir, manifest));
  try {
    const cells = studyCells(study, fixedPoints(definition)!);
    const absent = cells.filter((cell) => !stores.some((s) => s.has(cell)));
    if (absent.length > 0) {
      const where = (k: number) => seen.get(cells.indexOf(absent[k]!) % count);
      throw new InputError(`${absent.length} of ${cells.length} runs are missing (the first belongs to ${where(0)}); finish that shard with --resume, then merge.`);
    }
    writableFolder(flags.out);
    const manifest = studyManifest(study);
    CellStore.create(flags.out, manifest).close();
    writeCellsInOrder(flags.out, cells, stores);
  } finally {
    for (const s of stores) s.close();
  }
  // Every cell is in the merged folder: resuming it computes nothing and writes the results.
  await executeStudy(io, definition, { ...flags, resume: flags.out, out: undefined, workers: 1 });
}

/** `capsim report results.json`: the report of a saved result, and with --out its CSV tables. */
export function renderSavedReport(io: CliIo, file: string, opts: { output?: string | undefined; out?: string | undefined }): void {
  const text = readInputFile(file, 'results file');
  let result: { capsim?: { command?: unknown } };
  try {
    result = JSON.parse(text) as typeof result;
  } catch (error) {
    throw new InputError(`${file} is not JSON: ${(error as Error).message}.`);
  }
  const command = result?.capsim?.command;
  const commands = ['run', 'sweep', 'breakeven', 'size', 'commit'];
  if (typeof command !== 'string' || !commands.includes(command)) {
    throw new InputError(`${file} is not a capsim result: its capsim.command is ${JSON.stringify(command) ?? 'missing'}, expected one of ${commands.join(', ')}.`);
  }
  const output = opts.output ?? (opts.out ? join(opts.out, 'report.html') : join(dirname(file), 'report.html'));
  if (opts.out) writableFolder(opts.out);
  writableFile(output);
  const written: string[] = [];
  try {
    writeFileSync(output, command === 'run' ? renderReportHtml(result as RunSummary) : renderStudyReportHtml(result as StudyResult));
    written.push(output);
    if (opts.out && command === 'run') {
      writeFileSync(join(opts.out, 'runs.csv'), perRunCsv((result as RunSummary).plans));
      written.push(join(opts.out, 'runs.csv'));
    }
    if (opts.out && command === 'sweep') {
      writeFileSync(join(opts.out, 'sweep.csv'), sweepCsv(result as SweepSummary));
      written.push(join(opts.out, 'sweep.csv'));
    }
  } catch (error) {
    // A results file from another version, or edited by hand, may lack what the report reads.
    if (error instanceof TypeError) throw new InputError(`${file} does not have the fields of a capsim ${command} result (${error.message}); was it written by this version of capsim?`);
    throw error;
  }
  for (const path of written) io.stdout(`wrote ${path}\n`);
}
