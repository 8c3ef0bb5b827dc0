/**
 * Calibration: replay a benchmark's request mix at its load on one simulated replica, and
 * find the multiples of the roofline's memory and compute time (RooflineScale) that bring
 * the simulated latencies closest to the measured ones. The objective is the sum of squared
 * log ratios, simulated over measured, of every latency statistic both sides have (p99s
 * weighted half: tails are noisier); the search is golden-section along each factor in
 * turn, in log space between 1/10 and 10, repeated until neither moves by 0.1%.
 */
import { openStream } from '../random/index.js';
import { runLoad, RooflineStepTime, type LoadPattern, type RooflineScale, type ReplicaConfig, type SchedulerLimits } from '../serving/index.js';
import type { EngineId } from '../catalog/index.js';
import { latencyStats, type BenchmarkRun, type LatencyMetric, type LatencyStat, type Observed } from './results.js';

export interface CalibrationReplica {
  readonly config: ReplicaConfig;
  readonly engine: EngineId;
  readonly limits: SchedulerLimits;
  readonly kvBlocks: number;
}

export interface MetricError {
  readonly run: string;
  readonly metric: LatencyMetric;
  readonly stat: LatencyStat;
  /** Seconds. */
  readonly measured: number;
  readonly simulated: number;
  /** simulated / measured − 1. */
  readonly error: number;
}

export interface Calibration {
  readonly scale: RooflineScale;
  readonly before: readonly MetricError[];
  readonly after: readonly MetricError[];
  /** Median absolute error over every compared statistic, before and after. */
  readonly medianBefore: number;
  readonly medianAfter: number;
  readonly replays: number;
  /** Factors that ended at the search's range (1/10 or 10): the measurements pull past what scaling the roofline can do. */
  readonly atBound: readonly ('memory' | 'compute')[];
}

const NO_STATS: Record<LatencyStat, number> = { mean: NaN, p50: NaN, p99: NaN };
const stats = (values: readonly number[]) => latencyStats(values) ?? NO_STATS;

function loadPattern(run: BenchmarkRun): LoadPattern {
  const l = run.load;
  // One named stream: every replay of a run sees the same arrivals, so the objective is smooth in the factors.
  return l.kind === 'poisson' ? { kind: 'poisson', rate: l.rate, rng: openStream(1, 'arrivals', 'calibrate') } : l;
}

/** The latency statistics of one replay, in seconds: the same ones the benchmark tools report. */
export function replay(replica: CalibrationReplica, run: BenchmarkRun, scale: RooflineScale): Observed {
  const stepTime = new RooflineStepTime(replica.config, replica.engine, scale);
  const r = runLoad(stepTime, replica.kvBlocks, replica.limits, run.requests, loadPattern(run));
  let decodeTime = 0;
  let decodeTokens = 0;
  run.requests.forEach((q, i) => {
    if (q.output > 1) {
      decodeTime += r.e2eS[i]! - r.ttftS[i]!;
      decodeTokens += q.output - 1;
    }
  });
  return {
    ttft: stats(Array.from(r.ttftS)),
    tpot: stats(Array.from(r.tpotS)),
    // Every inter-token gap of every request: their mean is decode time over decode tokens.
    itl: { mean: decodeTokens > 0 ? decodeTime / decodeTokens : NaN },
    e2e: stats(Array.from(r.e2eS)),
  };
}

export function compare(run: BenchmarkRun, simulated: Observed): MetricError[] {
  const rows: MetricError[] = [];
  for (const metric of ['ttft', 'tpot', 'itl', 'e2e'] as const) {
    for (const stat of ['mean', 'p50', 'p99'] as const) {
      const measured = run.observed[metric]?.[stat];
      const sim = simulated[metric]?.[stat];
      if (measured === undefined || sim === undefined || !Number.isFinite(sim) || !(measured > 0)) continue;
      rows.push({ run: run.label, metric, stat, measured, simulated: sim, error: sim / measured - 1 });
    }
  }
  return rows;
}

function errorsAt(replica: CalibrationReplica, runs: readonly BenchmarkRun[], scale: RooflineScale): MetricError[] {
  return runs.flatMap((run) => compare(run, replay(replica, run, scale)));
}

function objective(errors: readonly MetricError[]): number {
  return errors.reduce((sum, e) => {
    const d = Math.log(e.simulated / e.measured);
    return sum + (e.stat === 'p99' ? 0.5 : 1) * d * d;
  }, 0);
}

export function medianAbsError(errors: readonly MetricError[]): number {
  const a = errors.map((e) => Math.abs(e.error)).sort((x, y) => x - y);
  return a.length === 0 ? NaN : a.length % 2 ? a[(a.length - 1) >> 1]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
}

const GOLDEN = (Math.sqrt(5) - 1) / 2;
const LOG_RANGE = Math.log(10);

export function calibrate(replica: CalibrationReplica, runs: readonly BenchmarkRun[]): Calibration {
  let replays = 0;
  const cost = (scale: RooflineScale) => {
    replays += runs.length;
    return objective(errorsAt(replica, runs, scale));
  };
  const log = { memory: 0, compute: 0 };
  const at = () => ({ memory: Math.exp(log.memory), compute: Math.exp(log.compute) });
  for (let round = 0; round < 8; round++) {
    const start = { ...log };
    for (const key of ['memory', 'compute'] as const) {
      // Golden-section search for this factor with the other held.
      let a = -LOG_RANGE;
      let b = LOG_RANGE;
      const f = (x: number) => cost({ ...at(), [key]: Math.exp(x) });
      let c = b - GOLDEN * (b - a);
      let d = a + GOLDEN * (b - a);
      let fc = f(c);
      let fd = f(d);
      while (b - a > 1e-3) {
        if (fc < fd) {
          b = d;
          d = c;
          fd = fc;
          c = b - GOLDEN * (b - a);
          fc = f(c);
        } else {
          a = c;
          c = d;
          fc = fd;
          d = a + GOLDEN * (b - a);
          fd = f(d);
        }
      }
      const best = (a + b) / 2;
      // Keep the old value when the search found nothing better (a flat objective in this factor).
      if (f(best) <= cost(at())) log[key] = best;
    }
    if (Math.abs(log.memory - start.memory) < 1e-3 && Math.abs(log.compute - start.compute) < 1e-3) break;
  }
  const scale = { memory: round4(Math.exp(log.memory)), compute: round4(Math.exp(log.compute)) };
  const before = errorsAt(replica, runs, { memory: 1, compute: 1 });
  const after = errorsAt(replica, runs, scale);
  const atBound = (['memory', 'compute'] as const).filter((k) => Math.abs(Math.abs(log[k]) - LOG_RANGE) < 0.01);
  return { scale, before, after, medianBefore: medianAbsError(before), medianAfter: medianAbsError(after), replays, atBound };
}

const round4 = (x: number) => Number(x.toPrecision(4));
