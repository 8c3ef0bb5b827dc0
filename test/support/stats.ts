/** Helpers for statistical assertions in tests. */
import { expect } from 'vitest';

export function meanOf(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function sdOf(xs: readonly number[]): number {
  const m = meanOf(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

/** Nearest-rank quantile of unsorted values. */
export function quantileOf(xs: readonly number[], q: number): number {
  const sorted = xs.slice().sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual / expected - 1);
}

/** Asserts that `actual` is within `tolerance` (relative) of `expected`. */
export function within(actual: number, expected: number, tolerance: number): void {
  expect(relativeError(actual, expected)).toBeLessThanOrEqual(tolerance);
}
