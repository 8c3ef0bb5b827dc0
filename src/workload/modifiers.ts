/**
 * Time-varying rate multipliers that shape synthetic traffic: a diurnal cycle, a weekly
 * cycle, a repeating profile of interval weights, on-off bursts, scheduled spikes and a
 * growth trend. Each is a function of time with a known maximum; arrivals multiply them
 * together and thin a faster process by the product (Lewis–Shedler thinning).
 *
 * Cycles and bursts are normalized to a mean of 1, so `rate` stays the long-run average
 * rate (before spikes and growth). Time 0 is Monday 00:00.
 */
import type { Rng } from '../random/index.js';

export interface RateModifier {
  /** Multiplier at time t; calls come in non-decreasing t. */
  at(t: number): number;
  /** An upper bound of `at` over [0, horizon]. */
  readonly max: number;
}

export const DAY = 86400;
export const MONTH = 30 * DAY;

/** Modified Bessel function I0, by its power series (converges fast for the κ used here). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 200; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-16 * sum) break;
  }
  return sum;
}

/** κ of a von Mises daily shape whose peak is `peakToAverage` times its mean. */
export function diurnalConcentration(peakToAverage: number): number {
  if (peakToAverage <= 1) return 0;
  let lo = 0;
  let hi = 60;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (Math.exp(mid) / besselI0(mid) < peakToAverage) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * A smooth daily cycle peaking at `peakHour` at `peakToAverage` × the mean:
 * m(t) = exp(κ·cos(2π(h − peak)/24)) / I0(κ), which averages exactly 1 over a day.
 */
export function diurnalCycle(peakHour: number, peakToAverage: number): RateModifier {
  const kappa = diurnalConcentration(peakToAverage);
  const norm = besselI0(kappa);
  return {
    at: (t) => Math.exp(kappa * Math.cos((2 * Math.PI * ((t / 3600) % 24 - peakHour)) / 24)) / norm,
    max: Math.exp(kappa) / norm,
  };
}

/** Piecewise-constant weights, one per `interval`, repeating, normalized to mean 1. */
export function repeatingWeights(interval: number, weights: readonly number[]): RateModifier {
  const mean = weights.reduce((a, b) => a + b, 0) / weights.length;
  const w = weights.map((x) => x / mean);
  const period = interval * w.length;
  return {
    at: (t) => w[Math.floor((t % period) / interval)]!,
    max: Math.max(...w),
  };
}

/** Scheduled spikes: the rate is multiplied inside [at, at + duration]. */
export function spikes(list: readonly { at: number; duration: number; multiplier: number }[]): RateModifier {
  return {
    at: (t) => {
      let m = 1;
      for (const s of list) if (t >= s.at && t < s.at + s.duration) m *= s.multiplier;
      return m;
    },
    // The largest product of spikes active at once: the product changes only where one starts.
    max: list.reduce((best, s) => {
      let m = 1;
      for (const other of list) if (s.at >= other.at && s.at < other.at + other.duration) m *= other.multiplier;
      return Math.max(best, m);
    }, 1),
  };
}

/** Compound growth of `percentPerMonth` (30-day months) from time 0. */
export function growth(percentPerMonth: number, horizon: number): RateModifier {
  const perSecond = Math.log(1 + percentPerMonth / 100) / MONTH;
  return {
    at: (t) => Math.exp(perSecond * t),
    max: Math.max(1, Math.exp(perSecond * horizon)),
  };
}

/**
 * On-off bursts (a two-state Markov-modulated Poisson process): exponential on and off
 * periods; the on rate is `onMultiplier` × the off rate, normalized so the mean is 1.
 */
export function bursts(meanOn: number, meanOff: number, onMultiplier: number, rng: Rng): RateModifier {
  const onShare = meanOn / (meanOn + meanOff);
  const off = 1 / (onShare * onMultiplier + (1 - onShare));
  const on = off * onMultiplier;
  const draw = (mean: number) => -mean * Math.log(1 - rng());
  // Start in the stationary state distribution.
  let isOn = rng() < onShare;
  let switchAt = draw(isOn ? meanOn : meanOff);
  return {
    at: (t) => {
      while (t >= switchAt) {
        isOn = !isOn;
        switchAt += draw(isOn ? meanOn : meanOff);
      }
      return isOn ? on : off;
    },
    max: Math.max(on, off),
  };
}

/** The product of several modifiers. */
export function combine(modifiers: readonly RateModifier[]): RateModifier {
  if (modifiers.length === 1) return modifiers[0]!;
  return {
    at: (t) => {
      let m = 1;
      for (const mod of modifiers) m *= mod.at(t);
      return m;
    },
    max: modifiers.reduce((m, mod) => m * mod.max, 1),
  };
}
