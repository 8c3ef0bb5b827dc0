/**
 * Summary statistics of a trace, computed in one streaming pass with flat memory: the
 * same figures as the shared data's trace_stats.py (STATS.json). Token percentiles are
 * exact nearest-rank, from counts per token value; the per-minute profile counts every
 * minute of the span, empty ones included, and leaves out the last (usually partial) one.
 */
import { withRoomFor } from '../engine/index.js';
import { TraceError, TraceReader, type TraceOptions, type TraceRow } from './trace.js';

export interface TraceStats {
  trace: string;
  rows: number;
  first_ts_s: number;
  last_ts_s: number;
  span_s: number;
  span_h: number;
  non_monotonic_rows: number;
  input_mean: number;
  input_p50: number;
  input_p99: number;
  input_max: number;
  output_mean: number;
  output_p50: number;
  output_p99: number;
  output_max: number;
  zero_output_rows: number;
  mean_rate_rps: number | null;
  full_minutes: number;
  per_min_mean: number;
  per_min_p99: number;
  per_min_max: number;
  per_min_min: number;
  peak_to_avg_1min: number | null;
  /** Not in STATS.json: the coefficient of variation of per-minute counts, and rows skipped. */
  per_min_cv: number;
  skipped_rows: number;
}

/** Counts of non-negative integers, for exact nearest-rank percentiles in bounded memory. */
class IntCounts {
  private counts = new Float64Array(1024);
  n = 0;
  sum = 0;
  max = 0;
  add(v: number): void {
    this.counts = withRoomFor(this.counts, v);
    this.counts[v]!++;
    this.n++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }
  percentile(p: number): number {
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    let seen = 0;
    for (let v = 0; v < this.counts.length; v++) {
      seen += this.counts[v]!;
      if (seen >= rank) return v;
    }
    return this.max;
  }
  /** Values at evenly spaced quantiles (i + 0.5)/k, i = 0..k-1: a compact empirical distribution. */
  quantiles(k: number): number[] {
    const out: number[] = [];
    let v = 0;
    let seen = this.counts[0]!;
    for (let i = 0; i < k; i++) {
      const rank = ((i + 0.5) / k) * this.n;
      while (seen < rank && v < this.counts.length - 1) seen += this.counts[++v]!;
      out.push(v);
    }
    return out;
  }
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export interface TraceSummary {
  stats: TraceStats;
  /** Requests per full minute, in order. */
  perMinute: number[];
  inputQuantiles: number[];
  outputQuantiles: number[];
}

export function summarizeTrace(path: string, name: string, options: TraceOptions = {}): TraceSummary {
  const reader = new TraceReader(path, { ...options, skipBadRows: options.skipBadRows ?? false });
  const row: TraceRow = { time: 0, input: 0, output: 0 };
  const input = new IntCounts();
  const output = new IntCounts();
  let perMinute = new Float64Array(256);
  let first = Infinity;
  let last = -Infinity;
  let zeroOutput = 0;
  let minutes = 0;
  try {
    while (reader.next(row)) {
      if (first === Infinity) first = row.time;
      last = row.time;
      input.add(row.input);
      output.add(row.output);
      if (row.output === 0) zeroOutput++;
      const minute = Math.floor((row.time - first) / 60);
      perMinute = withRoomFor(perMinute, minute);
      perMinute[minute]!++;
      if (minute + 1 > minutes) minutes = minute + 1;
    }
  } finally {
    reader.close();
  }
  const n = input.n;
  if (n === 0) throw new TraceError(path, 0, `the trace has no rows${reader.skipped > 0 ? ` (${reader.skipped} malformed rows were skipped)` : ''}; there is nothing to summarize`);
  const span = last - first;
  const count = Math.floor(span / 60) + 1;
  const full = Array.from(perMinute.subarray(0, count > 1 ? count - 1 : count));
  const meanPerMinute = full.reduce((a, b) => a + b, 0) / full.length;
  const sorted = full.slice().sort((a, b) => a - b);
  const variance = full.reduce((a, b) => a + (b - meanPerMinute) ** 2, 0) / full.length;
  const nearest = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return {
    stats: {
      trace: name,
      rows: n,
      first_ts_s: round(first, 3),
      last_ts_s: round(last, 3),
      span_s: round(span, 3),
      span_h: round(span / 3600, 3),
      non_monotonic_rows: 0,
      input_mean: round(input.sum / n, 1),
      input_p50: input.percentile(50),
      input_p99: input.percentile(99),
      input_max: input.max,
      output_mean: round(output.sum / n, 1),
      output_p50: output.percentile(50),
      output_p99: output.percentile(99),
      output_max: output.max,
      zero_output_rows: zeroOutput,
      mean_rate_rps: span > 0 ? round(n / span, 4) : null,
      full_minutes: full.length,
      per_min_mean: round(meanPerMinute, 2),
      per_min_p99: nearest(99),
      per_min_max: sorted[sorted.length - 1]!,
      per_min_min: sorted[0]!,
      peak_to_avg_1min: meanPerMinute > 0 ? round(sorted[sorted.length - 1]! / meanPerMinute, 3) : null,
      per_min_cv: meanPerMinute > 0 ? round(Math.sqrt(variance) / meanPerMinute, 4) : 0,
      skipped_rows: reader.skipped,
    },
    perMinute: full,
    inputQuantiles: input.quantiles(1000),
    outputQuantiles: output.quantiles(1000),
  };
}
