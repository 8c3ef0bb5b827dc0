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

/** A relative error with its sign: +12.3%, −4.0%. */
export const percentSigned = (x: number): string => `${x >= 0 ? '+' : '−'}${(Math.abs(x) * 100).toFixed(1)}%`;

/** An across-runs figure as "mean ± half-width of its 95% CI". */
export function meanCi(s: AcrossRuns, show: (x: number) => string = num): string {
  const half = (s.ci95[1] - s.ci95[0]) / 2;
  // Rounding noise (a figure that is the same in every run) is not an interval.
  const visible = half > 1e-9 * Math.abs(s.mean) && Number.isFinite(half);
  return visible ? `${show(s.mean)} ± ${show(half)}` : show(s.mean);
}

/** How tables print: as text that fits a width (by splitting wide tables), or as Markdown. */
export interface TableLayout {
  /** Columns of the terminal (100 when output is not a terminal). */
  readonly width: number;
  readonly markdown: boolean;
}

export const DEFAULT_LAYOUT: TableLayout = { width: 100, markdown: false };

/**
 * A table: the key columns (the first `keys`) left-aligned, the others right-aligned. A
 * table wider than the layout's width is split into several, each repeating the key
 * columns, so plans side by side never run off a 100-column terminal.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], layout: TableLayout = DEFAULT_LAYOUT, keys = 1): string {
  if (layout.markdown) {
    const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
    return [line(header), `| ${header.map((_, i) => (i < keys ? '---' : '---:')).join(' | ')} |`, ...rows.map(line)].join('\n') + '\n';
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const keyWidth = widths.slice(0, keys).reduce((a, w) => a + w + 2, 0);
  const groups: number[][] = [];
  for (let i = keys, used = keyWidth; i < header.length; i++) {
    const last = groups[groups.length - 1];
    if (!last || (used + widths[i]! > layout.width && last.length > 0)) {
      groups.push([i]);
      used = keyWidth + widths[i]! + 2;
    } else {
      last.push(i);
      used += widths[i]! + 2;
    }
  }
  const render = (columns: readonly number[]) => {
    const all = [...Array.from({ length: keys }, (_, k) => k), ...columns];
    const line = (cells: readonly string[]) => all.map((i) => (i < keys ? (cells[i] ?? '').padEnd(widths[i]!) : (cells[i] ?? '').padStart(widths[i]!))).join('  ').trimEnd();
    return [line(header), all.map((i) => '─'.repeat(widths[i]!)).join('  '), ...rows.map(line)].join('\n') + '\n';
  };
  return (groups.length === 0 ? [render([])] : groups.map(render)).join('\n');
}

/** Text wrapped at spaces to a width; lines after the first of a paragraph indented by `indent`. */
export function wrap(text: string, width: number, indent = '  '): string {
  return text
    .split('\n')
    .map((paragraph) => {
      if (paragraph.length <= width) return paragraph;
      const lead = /^\s*/.exec(paragraph)![0];
      const words = paragraph.trim().split(/ +/);
      const lines: string[] = [];
      let line = lead;
      for (const word of words) {
        if (line.trim() !== '' && line.length + 1 + word.length > width) {
          lines.push(line);
          line = lead + indent + word;
        } else line = line.trim() === '' ? lead + word : `${line} ${word}`;
      }
      lines.push(line);
      return lines.join('\n');
    })
    .join('\n');
}

/** US dollars: whole dollars from $1,000, else three significant digits. */
export const usd = (x: number): string => money(x);

/** Total cost over total successes across runs, ± the half-width of its 95% interval. */
export function pooledCost(ratio: PooledRatio): string {
  if (!Number.isFinite(ratio.value)) return 'none succeeded';
  const half = (ratio.ci95[1] - ratio.ci95[0]) / 2;
  return half > 1e-9 * ratio.value ? `${usd(ratio.value)} ± ${usd(half)}` : usd(ratio.value);
}
