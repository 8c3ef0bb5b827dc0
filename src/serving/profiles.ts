/**
 * Step times from measurements instead of the roofline:
 * - `LinearProfile`: step = a + b·tokens + c·context, a fit to measured steps (tokens is the
 *   batch size for decode steps; context is the batch's total context, `kvRead`);
 * - `TableProfile`: measured step seconds on a grid of batch sizes × per-sequence context,
 *   interpolated linearly in both (and extended linearly past the grid's edges).
 * Both sum decode spans in closed form.
 */
import { sumLinearOverSpan, type StepTimeModel } from './step-time.js';

export class LinearProfile implements StepTimeModel {
  readonly description: string;
  readonly key: string;
  constructor(
    private readonly a: number,
    private readonly b: number,
    private readonly c: number,
  ) {
    this.description = `measured linear profile: step = ${a} + ${b}·tokens + ${c}·context`;
    this.key = `linear ${a} ${b} ${c}`;
  }
  stepSeconds(tokens: number, _attention: number, kvRead: number, _prefillTokens = 0): number {
    return this.a + this.b * tokens + this.c * kvRead;
  }
  decodeSpanSeconds(batch: number, context0: number, n: number): number {
    return sumLinearOverSpan(this.a + this.b * batch, this.c, batch, context0, 0, n);
  }
}

export interface StepTable {
  /** Increasing batch sizes (rows). */
  readonly batch: readonly number[];
  /** Increasing per-sequence context lengths (columns). */
  readonly context: readonly number[];
  /** seconds[i][k]: step time at batch[i], context[k]. */
  readonly seconds: readonly (readonly number[])[];
}

export class TableProfile implements StepTimeModel {
  readonly description: string;
  readonly key: string;
  constructor(private readonly table: StepTable) {
    this.description = `measured step table: ${table.batch.length} batch sizes × ${table.context.length} context lengths`;
    this.key = `table ${JSON.stringify([table.batch, table.context, table.seconds])}`;
  }

  /** Row weights for a batch size: the two bracketing rows (or the edge pair, extrapolating). */
  private rows(batch: number): { lo: number; hi: number; w: number } {
    const b = this.table.batch;
    if (b.length === 1) return { lo: 0, hi: 0, w: 0 };
    let i = 0;
    while (i < b.length - 2 && batch > b[i + 1]!) i++;
    return { lo: i, hi: i + 1, w: (batch - b[i]!) / (b[i + 1]! - b[i]!) };
  }

  /** The line p + q·x that a row mix follows on column segment k (between context[k] and context[k+1]). */
  private segmentLine(batch: number, k: number): { p: number; q: number } {
    const { lo, hi, w } = this.rows(batch);
    const ctx = this.table.context;
    const at = (row: number, col: number) => this.table.seconds[row]![col]!;
    const mix = (col: number) => (1 - w) * at(lo, col) + w * at(hi, col);
    if (ctx.length === 1) return { p: mix(0), q: 0 };
    const x0 = ctx[k]!;
    const x1 = ctx[k + 1]!;
    const q = (mix(k + 1) - mix(k)) / (x1 - x0);
    return { p: mix(k) - q * x0, q };
  }

  private segmentOf(x: number): number {
    const ctx = this.table.context;
    let k = 0;
    while (k < ctx.length - 2 && x > ctx[k + 1]!) k++;
    return k;
  }

  stepSeconds(tokens: number, _attention: number, kvRead: number, _prefillTokens = 0): number {
    const x = kvRead / tokens;
    const { p, q } = this.segmentLine(tokens, this.segmentOf(x));
    return Math.max(p + q * x, 1e-6);
  }

  /** Per-sequence context at step j is x0 + j + 1 with x0 = context0/batch: piecewise linear in j. */
  decodeSpanSeconds(batch: number, context0: number, n: number): number {
    if (n <= 0) return 0;
    const ctx = this.table.context;
    const x0 = context0 / batch;
    let total = 0;
    let j = 0;
    while (j < n) {
      const k = this.segmentOf(x0 + j + 1);
      // Steps j.. stay on segment k while x0 + j + 1 <= ctx[k+1] (the last segment runs on).
      let end = n;
      if (k < ctx.length - 2) end = Math.min(n, Math.max(j + 1, Math.floor(ctx[k + 1]! - x0 - 1) + 1));
      const { p, q } = this.segmentLine(batch, k);
      total += sumLinearOverSpan(p, q, 1, x0, j, end);
      j = end;
    }
    return total;
  }
}
