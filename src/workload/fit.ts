/**
 * A synthetic workload fitted to a trace: Poisson arrivals at the trace's mean rate,
 * shaped by a repeating profile of its per-minute request counts (which carries its
 * burstiness: per-minute peak-to-average and CV), and empirical length distributions of
 * 1,000 quantiles of its input and output tokens. Users can then scale the rate, extend
 * the horizon, add growth or vary it, instead of replaying one fixed log. A trace whose
 * rows all arrive at one time has no rate to fit. Pure.
 */
import type { TraceSummary } from './trace-stats.js';
import { TraceError } from './trace.js';

export interface FittedWorkload {
  arrivals: { process: 'poisson'; rate: number; profile: { interval: number; weights: number[] } };
  input: { dist: 'empirical'; samples: number[] };
  output: { dist: 'empirical'; samples: number[] };
}

export function fitWorkload(summary: TraceSummary): FittedWorkload {
  if (!(summary.stats.span_s > 0)) throw new TraceError(summary.stats.trace, 0, `its ${summary.stats.rows} row${summary.stats.rows === 1 ? '' : 's'} all arrive at one time, so the trace has no rate to fit`);
  const perMinute = summary.perMinute;
  const mean = perMinute.reduce((a, b) => a + b, 0) / perMinute.length;
  return {
    arrivals: {
      process: 'poisson',
      rate: Number((mean / 60).toPrecision(6)),
      profile: { interval: 60, weights: perMinute.map((c) => Number((c / mean).toFixed(4))) },
    },
    input: { dist: 'empirical', samples: summary.inputQuantiles.map((v) => Math.max(1, v)) },
    output: { dist: 'empirical', samples: summary.outputQuantiles.map((v) => Math.max(1, v)) },
  };
}
