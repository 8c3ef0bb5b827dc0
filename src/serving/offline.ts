/**
 * A replica on its own, fed a fixed set of requests that are all waiting at time zero:
 * MLPerf's "Offline" scenario, and how `capsim perf` finds a replica's saturation
 * throughput. Returns output tokens per second over the makespan.
 */
import { Simulation } from '../engine/index.js';
import { LlmReplica, type SchedulerLimits } from './replica.js';
import { RequestTable } from '../backend/index.js';
import type { StepTimeModel } from './step-time.js';

export interface OfflineRequest {
  readonly input: number;
  readonly output: number;
}

export interface OfflineResult {
  readonly requests: number;
  readonly outputTokens: number;
  readonly makespanS: number;
  readonly outputTokensPerSecond: number;
  readonly requestsPerSecond: number;
  /** Mean time to first token, and mean time per output token after the first. */
  readonly meanTtftS: number;
  readonly meanTpotS: number;
}

export function runOffline(stepTime: StepTimeModel, kvBlocks: number, limits: SchedulerLimits, requests: readonly OfflineRequest[]): OfflineResult {
  const sim = new Simulation();
  const table = new RequestTable();
  let finished = 0;
  let outputTokens = 0;
  let last = 0;
  let ttftSum = 0;
  let tpotSum = 0;
  let tpotCount = 0;
  const kind = sim.register((_target, gen, now) => replica.wake(gen, now));
  const replica: LlmReplica = new LlmReplica(
    sim,
    table,
    {
      onAdmit: () => {},
      onFirstToken: (id, now) => (ttftSum += now - table.arrival[id]!),
      onFinish: (id, now) => {
        finished++;
        outputTokens += table.output[id]!;
        last = now;
        if (table.output[id]! > 1) {
          tpotSum += (now - table.firstToken[id]!) / (table.output[id]! - 1);
          tpotCount++;
        }
        table.release(id);
      },
      onTimeout: () => {},
      onQueueChange: () => {},
    },
    { index: 0, stepTime, kvBlocks, limits, queueTimeout: undefined, window: { from: 0, to: Infinity } },
    kind,
  );
  for (const r of requests) replica.enqueue(table.add(0, r.input, r.output), 0);
  sim.runUntil(Infinity);
  return {
    requests: finished,
    outputTokens,
    makespanS: last,
    outputTokensPerSecond: outputTokens / last,
    requestsPerSecond: finished / last,
    meanTtftS: ttftSum / finished,
    meanTpotS: tpotCount > 0 ? tpotSum / tpotCount : NaN,
  };
}

/**
 * Requests per second one replica serves when saturated with requests of these lengths:
 * a full queue of them (twice the batch limit, at least 64) worked through offline.
 */
export function saturationRate(stepTime: StepTimeModel, kvBlocks: number, limits: SchedulerLimits, input: number, output: number): number {
  const count = Math.max(64, 2 * limits.maxNumSeqs);
  return runOffline(stepTime, kvBlocks, limits, Array.from({ length: count }, () => ({ input, output }))).requestsPerSecond;
}
