/**
 * Text for the terminal: numbers with sensible precision and tables with aligned columns.
 */
import type { AcrossRuns, PooledRatio } from '../metrics/index.js';

/** A number with `digits` significant digits and thousands separators for large ones. */
export function num(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '—';
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(digits)).toString();
}

export function pct(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '—';
}

/** Seconds as s or ms, whichever reads better. */
export function secs(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  if (Math.abs(x) < 1) return `${num(x * 1000)}ms`;
  return `${num(x)}s`;
}

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

/** US dollars: whole dollars from $100, else three significant digits. */
export function usd(x: number): string {
  if (x < 0) return `−${usd(-x)}`;
  return !Number.isFinite(x) ? '—' : Math.abs(x) >= 100 ? `$${num(x, 4)}` : `$${Number(x.toPrecision(3))}`;
}

/** Total cost over total successes across runs, ± the half-width of its 95% interval. */
export function pooledCost(ratio: PooledRatio): string {
  if (!Number.isFinite(ratio.value)) return 'none succeeded';
  const half = (ratio.ci95[1] - ratio.ci95[0]) / 2;
  return half > 1e-9 * ratio.value ? `${usd(ratio.value)} ± ${usd(half)}` : usd(ratio.value);
}
