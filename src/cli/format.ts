/**
 * Text for the terminal: numbers with sensible precision and tables with aligned columns.
 */
import type { AcrossRuns, PooledRatio } from '../metrics/index.js';
import { duration, money, percent, significant } from '../report/format.js';

/** A number with `digits` significant digits and thousands separators for large ones (never scientific notation). */
export const num = (x: number, digits = 3): string => significant(x, digits);

export function pct(x: number, digits = 1): string {
  return percent(x, digits);
}

/** Seconds as ms, s, min or h, whichever reads better. */
export const secs = (x: number): string => duration(x);

/** An across-runs figure as "mean ± half-width of its 95% CI". */
export function meanCi(s: AcrossRuns, show: (x: number) => string = num): string {
  const half = (s.ci95[1] - s.ci95[0]) / 2;
  // Rounding noise (a figure that is the same in every run) is not an interval.
  const visible = half > 1e-9 * Math.abs(s.mean) && Number.isFinite(half);
  return visible ? `${show(s.mean)} ± ${show(half)}` : show(s.mean);
}

/** A table: first column left-aligned labels, the others right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

/** US dollars: whole dollars from $1,000, else three significant digits. */
export const usd = (x: number): string => money(x);

/** Total cost over total successes across runs, ± the half-width of its 95% interval. */
export function pooledCost(ratio: PooledRatio): string {
  if (!Number.isFinite(ratio.value)) return 'none succeeded';
  const half = (ratio.ci95[1] - ratio.ci95[0]) / 2;
  return half > 1e-9 * ratio.value ? `${usd(ratio.value)} ± ${usd(half)}` : usd(ratio.value);
}
