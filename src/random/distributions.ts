/**
 * Probability distributions as data, and samplers built from them.
 *
 * A `Distribution` is a plain, validated description (what a scenario file holds); a
 * `Sampler` draws from it with a generator passed in, so that which stream feeds which
 * draw is always the caller's decision. Parameterisations are the ones users think in:
 * lognormal by mean and sd, by median and p99, or by mean and p99 (what trace summaries
 * give), gamma by mean and coefficient of
 * variation, Erlang by shape and mean.
 *
 * Imports nothing of the domain.
 */
import type { Rng } from './streams.js';

export type Distribution =
  | { readonly dist: 'constant'; readonly value: number }
  | { readonly dist: 'uniform'; readonly min: number; readonly max: number }
  | { readonly dist: 'exponential'; readonly mean: number }
  | { readonly dist: 'normal'; readonly mean: number; readonly sd: number }
  | { readonly dist: 'lognormal'; readonly mean: number; readonly sd: number }
  | { readonly dist: 'lognormal'; readonly median: number; readonly p99: number }
  | { readonly dist: 'lognormal'; readonly mean: number; readonly p99: number }
  | { readonly dist: 'lognormal'; readonly median: number; readonly p95: number }
  | { readonly dist: 'gamma'; readonly mean: number; readonly cv: number }
  | { readonly dist: 'erlang'; readonly k: number; readonly mean: number }
  | { readonly dist: 'empirical'; readonly samples: readonly number[] };

export type Sampler = (rng: Rng) => number;

/** z such that P(Z <= z) = 0.99 for a standard normal. */
export const Z99 = 2.3263478740408408;
/** z such that P(Z <= z) = 0.95. */
export const Z95 = 1.6448536269514722;

/** Log-space parameters (mu, sigma) of a lognormal given either of its parameterisations. */
export function lognormalParams(d: Extract<Distribution, { dist: 'lognormal' }>): { mu: number; sigma: number } {
  if ('median' in d) {
    return 'p95' in d ? { mu: Math.log(d.median), sigma: Math.log(d.p95 / d.median) / Z95 } : { mu: Math.log(d.median), sigma: Math.log(d.p99 / d.median) / Z99 };
  }
  if ('p99' in d) {
    // ln(p99/mean) = z·σ − σ²/2: the smaller root (the larger one puts the median below the mean by far more).
    const sigma = Z99 - Math.sqrt(Z99 * Z99 - 2 * Math.log(d.p99 / d.mean));
    return { mu: Math.log(d.mean) - (sigma * sigma) / 2, sigma };
  }
  const sigma2 = Math.log(1 + (d.sd * d.sd) / (d.mean * d.mean));
  return { mu: Math.log(d.mean) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
}

/** A standard normal draw (Box–Muller; uses two uniforms, keeps no state between calls). */
export function standardNormal(rng: Rng): number {
  const u1 = 1 - rng(); // (0, 1]: log is finite
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Gamma(shape, scale=1) by Marsaglia and Tsang (2000); shape < 1 via the boost u^(1/shape). */
export function standardGamma(shape: number, rng: Rng): number {
  if (shape < 1) {
    const u = 1 - rng();
    return standardGamma(shape + 1, rng) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A sampler for `d`. The returned function allocates nothing per draw. */
export function makeSampler(d: Distribution): Sampler {
  switch (d.dist) {
    case 'constant': {
      const value = d.value;
      return () => value;
    }
    case 'uniform': {
      const { min } = d;
      const width = d.max - d.min;
      return (rng) => min + width * rng();
    }
    case 'exponential': {
      const mean = d.mean;
      return (rng) => -mean * Math.log(1 - rng());
    }
    case 'normal': {
      const { mean, sd } = d;
      return (rng) => mean + sd * standardNormal(rng);
    }
    case 'lognormal': {
      const { mu, sigma } = lognormalParams(d);
      return (rng) => Math.exp(mu + sigma * standardNormal(rng));
    }
    case 'gamma': {
      const shape = 1 / (d.cv * d.cv);
      const scale = d.mean / shape;
      return (rng) => scale * standardGamma(shape, rng);
    }
    case 'erlang': {
      // Sum of k exponentials with mean mean/k, as one log of a product.
      const { k } = d;
      const stageMean = d.mean / k;
      return (rng) => {
        let product = 1;
        for (let i = 0; i < k; i++) product *= 1 - rng();
        return -stageMean * Math.log(product);
      };
    }
    case 'empirical': {
      const samples = d.samples.slice();
      const n = samples.length;
      return (rng) => samples[Math.floor(rng() * n)]!;
    }
  }
}

/** The distribution's mean (used for capacity checks and closed forms). */
export function distributionMean(d: Distribution): number {
  switch (d.dist) {
    case 'constant':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'exponential':
    case 'normal':
    case 'gamma':
    case 'erlang':
      return d.mean;
    case 'lognormal': {
      const { mu, sigma } = lognormalParams(d);
      return Math.exp(mu + (sigma * sigma) / 2);
    }
    case 'empirical': {
      let sum = 0;
      for (const x of d.samples) sum += x;
      return sum / d.samples.length;
    }
  }
}

/** The distribution's variance (for Pollaczek–Khinchine and similar closed forms). */
export function distributionVariance(d: Distribution): number {
  switch (d.dist) {
    case 'constant':
      return 0;
    case 'uniform':
      return ((d.max - d.min) * (d.max - d.min)) / 12;
    case 'exponential':
      return d.mean * d.mean;
    case 'normal':
      return d.sd * d.sd;
    case 'gamma':
      return (d.mean * d.cv) ** 2;
    case 'erlang':
      return (d.mean * d.mean) / d.k;
    case 'lognormal': {
      const { mu, sigma } = lognormalParams(d);
      return (Math.exp(sigma * sigma) - 1) * Math.exp(2 * mu + sigma * sigma);
    }
    case 'empirical': {
      const m = distributionMean(d);
      let ss = 0;
      for (const x of d.samples) ss += (x - m) * (x - m);
      return ss / d.samples.length;
    }
  }
}

/** The distribution's median (the central value of an uncertain input). */
export function distributionMedian(d: Distribution): number {
  switch (d.dist) {
    case 'constant':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'exponential':
      return d.mean * Math.LN2;
    case 'normal':
      return d.mean;
    case 'lognormal':
      return Math.exp(lognormalParams(d).mu);
    case 'gamma':
    case 'erlang':
      // No closed form; the mean is close enough for a central value.
      return d.mean;
    case 'empirical': {
      const sorted = d.samples.slice().sort((a, b) => a - b);
      return sorted[Math.floor((sorted.length - 1) / 2)]!;
    }
  }
}

/** A distribution that cannot give the quantity it describes (bad input, named by the caller). */
export class DrawError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrawError';
  }
}

/**
 * A sampler for a quantity that must be finite and not negative (a duration), or positive
 * (a rate): a draw outside that range is drawn again (the distribution truncated there);
 * a distribution that keeps giving such draws is bad input, named by `what`.
 */
export function boundedSampler(d: Distribution, what: string, positive = false): Sampler {
  const draw = makeSampler(d);
  const ok = (x: number) => Number.isFinite(x) && (positive ? x > 0 : x >= 0);
  return (rng) => {
    for (let tries = 0; tries < 100; tries++) {
      const x = draw(rng);
      if (ok(x)) return x;
    }
    throw new DrawError(`${what}: ${JSON.stringify(d)} gave 100 draws in a row that are ${positive ? 'not positive' : 'negative'} or not finite; expected a distribution of ${positive ? 'positive' : 'non-negative'} values`);
  };
}
