/**
 * Billing months over a measurement window: 730-hour months from the window's start, the
 * last possibly shorter. A run longer than one month reports its bill month by month.
 *
 * Imports nothing of the domain.
 */
export const MONTH_SECONDS = 730 * 3600;

export interface Months {
  readonly from: number;
  readonly to: number;
  /** Number of months (1 when the window is a month or shorter). */
  readonly count: number;
}

export function monthsOf(from: number, to: number): Months {
  return { from, to, count: Math.max(1, Math.ceil((to - from) / MONTH_SECONDS - 1e-9)) };
}

/** The month a time falls in (clamped to the window's months). */
export function monthOf(m: Months, t: number): number {
  const k = Math.floor((t - m.from) / MONTH_SECONDS);
  return k < 0 ? 0 : k >= m.count ? m.count - 1 : k;
}

/** Length of month k. */
export function monthSeconds(m: Months, k: number): number {
  return Math.min(m.to, m.from + (k + 1) * MONTH_SECONDS) - (m.from + k * MONTH_SECONDS);
}

/** Adds the overlap of [a, b] with each month into `into[k]`. */
export function addByMonth(m: Months, a: number, b: number, into: number[]): void {
  const lo = Math.max(a, m.from);
  const hi = Math.min(b, m.to);
  if (!(hi > lo)) return;
  for (let k = monthOf(m, lo); k < m.count; k++) {
    const start = m.from + k * MONTH_SECONDS;
    const end = Math.min(m.to, start + MONTH_SECONDS);
    if (start >= hi) break;
    into[k] = (into[k] ?? 0) + Math.min(hi, end) - Math.max(lo, start);
  }
}
