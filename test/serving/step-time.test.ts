/**
 * The first step boundary of a decode span after some time: the galloping search finds the
 * same step as a plain bisection of [0, n), for every step model, at boundaries exactly and
 * between them.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { findGpu, findModel } from '../../src/catalog/index.js';
import { firstBoundaryAtOrAfter, LinearProfile, RooflineStepTime, TableProfile, type StepTimeModel } from '../../src/serving/index.js';

const MODELS: StepTimeModel[] = [
  new RooflineStepTime({ model: findModel('llama-3.1-8b')!, gpu: findGpu('a100-80gb')!, tp: 1, dtype: 'bf16', kvDtype: 'bf16', gpuMemoryUtilization: 0.9 }),
  // Long contexts cross from memory-bound to compute-bound within a span.
  new RooflineStepTime({ model: findModel('mixtral-8x7b')!, gpu: findGpu('h100-sxm')!, tp: 2, dtype: 'fp8', kvDtype: 'fp8', gpuMemoryUtilization: 0.9 }),
  new LinearProfile(0.004, 0.00002, 2e-8),
  // Steps that do not grow with context: the span is a straight line, the first guess lands on the boundary.
  new LinearProfile(0.004, 0.00002, 0),
  new TableProfile({ batch: [1, 16, 64], context: [128, 1024, 4096], seconds: [[0.008, 0.009, 0.012], [0.01, 0.013, 0.024], [0.016, 0.028, 0.07]] }),
];

/** The search as it was: bisection of [0, n) for the smallest k whose span reaches `elapsed`. */
function bisection(model: StepTimeModel, batch: number, context0: number, n: number, elapsed: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (model.decodeSpanSeconds(batch, context0, mid) >= elapsed) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

describe('first step boundary in a decode span', () => {
  test('the same step as bisection, between boundaries, exactly on them, before the span and past its end', () => {
    const span = fc.record({
      model: fc.nat({ max: MODELS.length - 1 }),
      batch: fc.integer({ min: 1, max: 256 }),
      context0: fc.integer({ min: 0, max: 2_000_000 }),
      n: fc.integer({ min: 0, max: 20_000 }),
      at: fc.double({ min: -0.1, max: 1.2, noNaN: true }),
      onBoundary: fc.boolean(),
    });
    fc.assert(
      fc.property(span, ({ model: m, batch, context0, n, at, onBoundary }) => {
        const model = MODELS[m]!;
        const whole = model.decodeSpanSeconds(batch, context0, n);
        // On a boundary: the time at which step k of the span ends, for k near `at` of the way.
        const k = Math.min(n, Math.max(0, Math.round(at * n)));
        const elapsed = onBoundary ? model.decodeSpanSeconds(batch, context0, k) : at * whole;
        expect(firstBoundaryAtOrAfter(model, batch, context0, n, elapsed)).toBe(bisection(model, batch, context0, n, elapsed));
      }),
      { numRuns: 3000 },
    );
  });
});
