import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { acrossRuns, BUCKETS, bucketByLog, GROWTH, LogHistogram, MIN_VALUE, packedLength, packHistogram, TimeWeightedLevel } from '../../src/metrics/index.js';
import { makeSampler, openStream } from '../../src/random/index.js';
import { quantileOf } from '../support/stats.js';

describe('LogHistogram', () => {
  const rng = openStream(2, 'test');
  const sample = makeSampler({ dist: 'lognormal', median: 0.5, p99: 20 });
  const values = Array.from({ length: 100_000 }, () => sample(rng));
  const h = new LogHistogram();
  for (const v of values) h.record(v);

  test('quantiles are within 1% of the exact nearest-rank quantiles', () => {
    for (const q of [0.01, 0.1, 0.5, 0.9, 0.99, 0.999]) {
      const exact = quantileOf(values, q);
      expect(Math.abs(h.quantile(q) / exact - 1)).toBeLessThanOrEqual(0.0101);
    }
  });

  test('the mean is exact', () => {
    const exact = values.reduce((a, b) => a + b, 0) / values.length;
    expect(h.mean()).toBeCloseTo(exact, 9);
  });

  test('memory does not grow with the number of values', () => {
    expect(h.counts.length).toBe(BUCKETS);
    expect(BUCKETS).toBeLessThan(2000);
  });

  test('merging two halves equals recording all', () => {
    const a = new LogHistogram();
    const b = new LogHistogram();
    values.forEach((v, i) => (i % 2 ? a : b).record(v));
    a.merge(b);
    expect(a.quantile(0.99)).toBe(h.quantile(0.99));
    expect(a.count).toBe(h.count);
  });

  test('survives a JSON round trip', () => {
    const back = LogHistogram.fromJSON(JSON.parse(JSON.stringify(h.toJSON())));
    expect(back.summary()).toEqual(h.summary());
  });

  test('zeros are reported as zero; an empty histogram reports NaN', () => {
    const z = new LogHistogram();
    z.record(0);
    z.record(0);
    expect(z.quantile(0.5)).toBe(0);
    expect(new LogHistogram().quantile(0.5)).toBeNaN();
  });
});

describe('the bucket a value is recorded in', () => {
  // One histogram, emptied again after each value: which bucket did record() count it in?
  const h = new LogHistogram();
  const recordedIn = (value: number): number => {
    h.record(value);
    const bucket = h.counts.findIndex((n) => n > 0);
    if (bucket >= 0) h.counts[bucket] = 0;
    return bucket;
  };
  const bitsOf = (x: number) => new BigInt64Array(new Float64Array([x]).buffer)[0]!;
  const fromBits = (b: bigint) => new Float64Array(new BigInt64Array([b]).buffer)[0]!;
  /** The smallest positive double the formula puts in bucket `b` or above (bisection on the bits). */
  const edge = (b: number): number => {
    let lo = bitsOf(MIN_VALUE * GROWTH ** (b - 1) * 0.99);
    let hi = bitsOf(MIN_VALUE * GROWTH ** (b - 1) * 1.01);
    while (hi - lo > 1n) {
      const mid = (lo + hi) / 2n;
      if (bucketByLog(fromBits(mid)) >= b) hi = mid;
      else lo = mid;
    }
    return fromBits(hi);
  };

  test('is the formula\'s at every bucket edge, one and a few steps of a double either side, and where the fast path\'s margins end', () => {
    const wrong: string[] = [];
    for (let b = 1; b < BUCKETS; b++) {
      const e = edge(b);
      const near = [-3n, -2n, -1n, 0n, 1n, 2n, 3n].map((d) => fromBits(bitsOf(e) + d));
      for (const margin of [1e-9, 1e-10, 1e-8]) near.push(e * (1 + margin), e * (1 - margin), fromBits(bitsOf(e * (1 + margin)) + 1n), fromBits(bitsOf(e * (1 - margin)) - 1n));
      for (const v of near) if (recordedIn(v) !== bucketByLog(v)) wrong.push(`${v}: ${recordedIn(v)} != ${bucketByLog(v)}`);
    }
    expect(wrong).toEqual([]);
  });

  test('is the formula\'s for any value, and for zero, negatives, infinity and NaN', () => {
    for (const v of [0, -0, -1, MIN_VALUE, 2 ** -20, 2 ** 26, 1e8, 1e300, Infinity, -Infinity]) expect(recordedIn(v)).toBe(bucketByLog(v));
    h.record(NaN);
    expect(h.counts.every((n) => n === 0)).toBe(true);
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.double({ min: 1e-7, max: 1e4, noNaN: true })), (v) => recordedIn(v) === bucketByLog(v)),
      { numRuns: 20_000 },
    );
  });
});

describe('TimeWeightedLevel', () => {
  test('averages a level by time inside the window only', () => {
    const level = new TimeWeightedLevel(10, 20);
    level.set(5, 4); // 4 from t=5
    level.set(15, 2); // 2 from t=15
    // window 10..20: 4 for 5 s, 2 for 5 s → 3
    expect(level.average()).toBeCloseTo(3, 12);
  });

  test('retract removes time a level did not really hold', () => {
    const level = new TimeWeightedLevel(0, 10);
    level.set(0, 1);
    level.set(8, 0);
    level.retract(4, 8, 1); // it really ended at 4
    expect(level.average()).toBeCloseTo(0.4, 12);
  });
});

describe('acrossRuns', () => {
  test('mean, sd, t-interval and percentiles of known values', () => {
    const s = acrossRuns([1, 2, 3, 4, 5]);
    expect(s.mean).toBe(3);
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    const half = (2.776 * Math.sqrt(2.5)) / Math.sqrt(5);
    expect(s.ci95[0]).toBeCloseTo(3 - half, 9);
    expect(s.ci95[1]).toBeCloseTo(3 + half, 9);
    expect(s.p50).toBe(3);
  });

  test('one run has a zero-width interval', () => {
    expect(acrossRuns([7])).toEqual({ mean: 7, sd: 0, ci95: [7, 7], p5: 7, p50: 7, p95: 7 });
  });
});

describe('a histogram packed in numbers (what a worker thread sends)', () => {
  test('adds exactly what its serialized form adds, one after another in one array', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { maxLength: 40 }), { minLength: 1, maxLength: 4 }), (samples) => {
        const parts = samples.map((values) => {
          const h = new LogHistogram();
          for (const v of values) h.record(v);
          return h.toJSON();
        });
        const packed = new Float64Array(parts.reduce((n, part) => n + packedLength(part), 0));
        let end = 0;
        for (const part of parts) end = packHistogram(part, packed, end);
        expect(end).toBe(packed.length);
        const fromSerialized = parts.map(() => new LogHistogram());
        const fromPacked = parts.map(() => new LogHistogram());
        let at = 0;
        parts.forEach((part, k) => {
          fromSerialized[k]!.record(0.5);
          fromPacked[k]!.record(0.5);
          fromSerialized[k]!.mergeSerialized(part);
          at = fromPacked[k]!.mergePacked(packed, at);
        });
        expect(at).toBe(packed.length);
        parts.forEach((_, k) => expect(fromPacked[k]!.toJSON()).toEqual(fromSerialized[k]!.toJSON()));
      }),
    );
  });
});
