/**
 * Numbers in words for people: the terminal tables and the HTML report print figures the
 * same way. Never scientific notation (a price reads $0.00000031, not 3.1e-7), thousands
 * separators from 1,000, "—" where a figure does not apply.
 *
 * Pure.
 */
import type { ApiLatencySource } from '../api/index.js';

/**
 * An integer with commas between its thousands, as `toLocaleString('en-US')` writes it,
 * without loading the locale's data (that first call takes about 18 ms, a tenth of a short
 * `capsim run`). Past the safe integers, toLocaleString itself.
 */
export function thousands(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let text = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = text.length; i < digits.length; i += 3) text += ',' + digits.slice(i, i + 3);
  return n < 0 || Object.is(n, -0) ? '-' + text : text;
}

/** `x` with `digits` significant digits, in plain decimals; whole numbers with separators from 1,000. */
export function significant(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1000) return thousands(Math.round(x));
  const decimals = Math.min(20, Math.max(0, digits - 1 - Math.floor(Math.log10(abs))));
  const text = x.toFixed(decimals);
  return decimals > 0 ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** US dollars: whole dollars from $1,000, else `digits` significant digits; a minus sign before the $. */
export function money(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '—';
  if (x < 0) return `−${money(-x, digits)}`;
  return `$${significant(x, x >= 100 ? 4 : digits)}`;
}

/** An API backend's latency in words: where its figures come from, and its medians. */
export function apiLatencyWords(l: ApiLatencySource): string {
  if (l.kind === 'scenario') return "the scenario's distributions";
  const figures = `TTFT ${duration(l.ttftAt1kS!)} at 1k prompt tokens, ${significant(l.outputTokensPerSecond!, 3)} tokens/s`;
  return l.kind === 'default' ? `DEFAULT (no measurement): ${figures}` : `measured: ${figures}`;
}

export function percent(x: number, decimals = 1): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(decimals)}%` : '—';
}

/** Seconds as ms, s, min or h, whichever reads best. */
export function duration(x: number): string {
  if (!Number.isFinite(x)) return '—';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs < 1) return `${significant(x * 1000)}ms`;
  if (abs < 120) return `${significant(x)}s`;
  if (abs < 7200) return `${significant(x / 60)} min`;
  if (abs < 172_800) return `${significant(x / 3600)} h`;
  return `${significant(x / 86_400)} d`;
}
