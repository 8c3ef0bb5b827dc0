/**
 * Worker-thread entry for tinypool: runs a batch of (plan, seed) cells on this thread's
 * copies of their inputs (read and rebuilt once per scenario: thread-inputs.ts), and sends
 * each back whole or compact (`task.compact`). Errors lose their class when they cross
 * the thread boundary, so bad input (a malformed trace row, a scenario a draw made
 * invalid) is marked in the message for the main thread to recognize.
 *
 * The scenario grammar (zod, yaml) is loaded only when a scenario with uncertain inputs
 * comes, whose draws it validates: the rest of a worker's start does not wait for it.
 */
import { threadId } from 'node:worker_threads';
import { DrawError } from '../random/index.js';
import { InputError } from '../scenario/errors.js';
import { certainRun, type DrawnRun } from '../scenario/uncertain.js';
import type { Scenario } from '../scenario/schema.js';
import { TraceError } from '../workload/index.js';
import type { CellTask } from './run-cell.js';
import { compactRun, type CompactRun } from './compact-run.js';
import { simulateDrawnRun, type PlanRunResult } from './simulate-run.js';
import { INPUT_ERROR_MARK, ThreadInputs, type WireTask } from './thread-inputs.js';
import { runBatch, type BatchResult } from './cell-batches.js';

const inputs = new ThreadInputs();

/** The grammar's `scenarioForRun`, once a scenario with uncertain inputs has come. */
let drawRun: ((central: Scenario, seed: number) => DrawnRun) | undefined;

/** Runs a batch of cells in order (cell-batches.ts), timing them so the main thread can size the next batches. */
export default async function (batch: readonly WireTask[]): Promise<BatchResult<PlanRunResult | CompactRun>> {
  const cells = batch.map((task) => inputs.local(task));
  if (drawRun === undefined && cells.some((cell) => cell.scenario.context.uncertain !== undefined)) drawRun = (await import('../scenario/parse.js')).scenarioForRun;
  return runBatch(cells, runOne, markInputError);
}

function runOne(cell: CellTask): PlanRunResult | CompactRun {
  const run = cell.scenario.context.uncertain === undefined ? certainRun(cell.scenario) : drawRun!(cell.scenario, cell.seed);
  const result = simulateDrawnRun(run, cell.planIndex, cell.seed, cell.costs);
  return cell.compact ? compactRun(result, threadId, cell.withSeries) : result;
}

function markInputError(error: unknown): unknown {
  if (error instanceof InputError || error instanceof TraceError || error instanceof DrawError) return new Error(INPUT_ERROR_MARK + error.message + (error instanceof InputError ? '' : '.'));
  return error;
}
