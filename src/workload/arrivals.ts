/**
 * Arrival processes: each yields absolute arrival times in increasing order.
 *
 * The base process is Poisson, or a gamma renewal process with a coefficient of variation
 * (the burstiness knob of `vllm bench serve`: cv 1 is Poisson, above 1 is burstier).
 * Rate modifiers (modifiers.ts) shape it over time by thinning: candidates come at the
 * base rate × the modifiers' maximum and each is kept with probability m(t)/max.
 */
import { standardGamma, type Rng } from '../random/index.js';
import { bursts, combine, diurnalCycle, growth, repeatingWeights, spikes, type RateModifier, DAY } from './modifiers.js';

export interface ArrivalSource {
  /** The next arrival time (seconds), after the previous one, or Infinity when done. */
  next(): number;
}

export interface ArrivalSpec {
  readonly process: 'poisson' | 'gamma';
  /** Mean requests per second (before spikes and growth). */
  readonly rate: number;
  /** Gamma renewal: coefficient of variation of inter-arrival times. */
  readonly cv?: number | undefined;
  readonly diurnal?: { readonly peakHour: number; readonly peakToAverage: number } | { readonly hourlyWeights: readonly number[] } | undefined;
  readonly weekly?: { readonly weights: readonly number[] } | undefined;
  readonly profile?: { readonly interval: number; readonly weights: readonly number[] } | undefined;
  readonly bursts?: { readonly meanOn: number; readonly meanOff: number; readonly onMultiplier: number } | undefined;
  readonly spikes?: readonly { readonly at: number; readonly duration: number; readonly multiplier: number }[] | undefined;
  readonly growth?: { readonly percentPerMonth: number } | undefined;
}

/** The modifiers a spec asks for (empty for a stationary process). */
export function rateModifiers(spec: ArrivalSpec, horizon: number, burstRng: Rng): RateModifier[] {
  const mods: RateModifier[] = [];
  const d = spec.diurnal;
  if (d) mods.push('hourlyWeights' in d ? repeatingWeights(3600, d.hourlyWeights) : diurnalCycle(d.peakHour, d.peakToAverage));
  if (spec.weekly) mods.push(repeatingWeights(DAY, spec.weekly.weights));
  if (spec.profile) mods.push(repeatingWeights(spec.profile.interval, spec.profile.weights));
  if (spec.bursts) mods.push(bursts(spec.bursts.meanOn, spec.bursts.meanOff, spec.bursts.onMultiplier, burstRng));
  if (spec.spikes && spec.spikes.length > 0) mods.push(spikes(spec.spikes));
  if (spec.growth) mods.push(growth(spec.growth.percentPerMonth, horizon));
  return mods;
}

/** A renewal process at `rate`: exponential gaps, or gamma gaps with coefficient of variation cv. */
function renewalGap(spec: ArrivalSpec, rate: number, rng: Rng): () => number {
  const mean = 1 / rate;
  if (spec.process === 'gamma' && spec.cv !== undefined && spec.cv !== 1) {
    const shape = 1 / (spec.cv * spec.cv);
    const scale = mean / shape;
    return () => scale * standardGamma(shape, rng);
  }
  return () => -mean * Math.log(1 - rng());
}

class ModulatedArrivals implements ArrivalSource {
  private time = 0;
  private readonly gap: () => number;
  constructor(
    spec: ArrivalSpec,
    private readonly modifier: RateModifier | undefined,
    private readonly rng: Rng,
  ) {
    this.gap = renewalGap(spec, spec.rate * (modifier?.max ?? 1), rng);
  }
  next(): number {
    const m = this.modifier;
    for (;;) {
      this.time += this.gap();
      if (!m || this.rng() * m.max < m.at(this.time)) return this.time;
    }
  }
}

/** Stationary Poisson arrivals: the common case, kept free of indirection for speed. */
class PoissonArrivals implements ArrivalSource {
  private time = 0;
  private readonly mean: number;
  constructor(
    rate: number,
    private readonly rng: Rng,
  ) {
    this.mean = 1 / rate;
  }
  next(): number {
    this.time += -this.mean * Math.log(1 - this.rng());
    return this.time;
  }
}

export function makeArrivals(spec: ArrivalSpec, horizon: number, rng: Rng, burstRng: Rng): ArrivalSource {
  const mods = rateModifiers(spec, horizon, burstRng);
  if (mods.length === 0 && spec.process === 'poisson') return new PoissonArrivals(spec.rate, rng);
  return new ModulatedArrivals(spec, mods.length > 0 ? combine(mods) : undefined, rng);
}

/** Long-run mean arrival rate (requests per second) over the horizon, for capacity checks. */
export function meanArrivalRate(spec: ArrivalSpec, horizon = 0): number {
  if (spec.growth && horizon > 0) {
    const g = Math.log(1 + spec.growth.percentPerMonth / 100) / (30 * DAY);
    if (g !== 0) return (spec.rate * (Math.exp(g * horizon) - 1)) / (g * horizon);
  }
  return spec.rate;
}
