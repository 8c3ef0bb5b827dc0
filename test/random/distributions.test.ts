import { describe, expect, test } from 'vitest';
import {
  distributionMean,
  distributionVariance,
  lognormalParams,
  makeSampler,
  openStream,
  Z99,
  type Distribution,
} from '../../src/random/index.js';
import { meanOf, quantileOf, relativeError, sdOf } from '../support/stats.js';

const N = 200_000;

function draw(d: Distribution, n = N, seed = 7): number[] {
  const rng = openStream(seed, 'test', JSON.stringify(d));
  const sample = makeSampler(d);
  return Array.from({ length: n }, () => sample(rng));
}

describe('named streams', () => {
  test('the same (seed, purpose) gives the same sequence', () => {
    const a = openStream(3, 'arrivals');
    const b = openStream(3, 'arrivals');
    for (let i = 0; i < 100; i++) expect(a()).toBe(b());
  });

  test('another purpose, entity or seed gives another sequence', () => {
    const base = openStream(3, 'arrivals')();
    expect(openStream(3, 'service')()).not.toBe(base);
    expect(openStream(4, 'arrivals')()).not.toBe(base);
    expect(openStream(3, 'arrivals', 'x')()).not.toBe(base);
  });

  test('opening a new stream does not shift an existing one', () => {
    const alone = openStream(5, 'arrivals');
    const first = [alone(), alone(), alone()];
    const shared = openStream(5, 'arrivals');
    const other = openStream(5, 'lengths');
    const mixed = [shared(), other(), shared(), other(), shared()];
    expect([mixed[0], mixed[2], mixed[4]]).toEqual(first);
  });

  test('values lie in [0, 1)', () => {
    const rng = openStream(1, 'test');
    for (let i = 0; i < 10_000; i++) {
      const u = rng();
      expect(u >= 0 && u < 1).toBe(true);
    }
  });
});

describe('distributions: sample moments match the closed forms', () => {
  const cases: Distribution[] = [
    { dist: 'constant', value: 2.5 },
    { dist: 'uniform', min: 1, max: 3 },
    { dist: 'exponential', mean: 2 },
    { dist: 'normal', mean: 10, sd: 3 },
    { dist: 'lognormal', mean: 5, sd: 2 },
    { dist: 'lognormal', median: 1000, p99: 4000 },
    { dist: 'lognormal', mean: 1155, p99: 4142 },
    { dist: 'gamma', mean: 4, cv: 0.5 },
    { dist: 'gamma', mean: 4, cv: 2 },
    { dist: 'erlang', k: 3, mean: 6 },
    { dist: 'empirical', samples: [1, 2, 2, 3, 10] },
  ];
  for (const d of cases) {
    test(`${JSON.stringify(d)}: mean within 1.5%, sd within 4%`, () => {
      const xs = draw(d);
      const mean = distributionMean(d);
      const sd = Math.sqrt(distributionVariance(d));
      expect(relativeError(meanOf(xs), mean)).toBeLessThan(0.015);
      if (sd === 0) expect(sdOf(xs)).toBe(0);
      else expect(relativeError(sdOf(xs), sd)).toBeLessThan(0.04);
    });
  }
});

describe('distributions: quantiles', () => {
  test('lognormal by median and p99 has that median and p99', () => {
    const xs = draw({ dist: 'lognormal', median: 1000, p99: 4000 });
    expect(relativeError(quantileOf(xs, 0.5), 1000)).toBeLessThan(0.02);
    expect(relativeError(quantileOf(xs, 0.99), 4000)).toBeLessThan(0.04);
  });

  test('lognormal by mean and p99 has that mean and p99', () => {
    const xs = draw({ dist: 'lognormal', mean: 211, p99: 601 });
    expect(relativeError(meanOf(xs), 211)).toBeLessThan(0.01);
    expect(relativeError(quantileOf(xs, 0.99), 601)).toBeLessThan(0.03);
  });

  test('lognormal parameters convert between the two forms', () => {
    const { mu, sigma } = lognormalParams({ dist: 'lognormal', median: 100, p99: 500 });
    expect(Math.exp(mu)).toBeCloseTo(100, 9);
    expect(Math.exp(mu + Z99 * sigma)).toBeCloseTo(500, 9);
  });

  test('exponential median is mean·ln 2', () => {
    const xs = draw({ dist: 'exponential', mean: 3 });
    expect(relativeError(quantileOf(xs, 0.5), 3 * Math.LN2)).toBeLessThan(0.02);
  });

  test('uniform quartiles sit a quarter of the way along', () => {
    const xs = draw({ dist: 'uniform', min: 0, max: 8 });
    expect(quantileOf(xs, 0.25)).toBeCloseTo(2, 1);
    expect(quantileOf(xs, 0.75)).toBeCloseTo(6, 1);
  });

  test('empirical draws only its samples, in proportion', () => {
    const xs = draw({ dist: 'empirical', samples: [1, 2, 2, 3] }, 40_000);
    expect(new Set(xs)).toEqual(new Set([1, 2, 3]));
    expect(xs.filter((x) => x === 2).length / xs.length).toBeCloseTo(0.5, 1);
  });
});
