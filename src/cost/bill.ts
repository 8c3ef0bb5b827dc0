/**
 * The bill of a run: each backend's usage meters priced (GPU-hours by pool, managed
 * GPU-seconds, API tokens by kind) plus the plan's overhead (infrastructure as a share of
 * GPU spend, engineering time, storage, observability, egress), over the measured window
 * and normalized to a 730-hour month. Pure functions; the only place usage becomes money.
 *
 * Items are keyed by backend (`<backend>.gpu.onDemand.a100-80gb`, `<backend>.api.input`),
 * so two API backends of one plan keep separate lines, and each carries a label for people
 * ("GPU on-demand, NVIDIA A100 SXM4 80GB").
 *
 * Cost per successful request = total / requests that completed within their SLO.
 */
import { noTokens, sumMeters, type BackendSample, type GpuMeter, type GpuPool, type TokenMeter, type UsageMeters } from '../backend/index.js';
import { findGpu } from '../catalog/index.js';
import type { Overhead } from '../scenario/index.js';
import type { BackendCosts, ResolvedApiCosts } from './prices.js';

export const HOURS_PER_MONTH = 730;

/** A line of a bill. */
export interface BillItem {
  /** Stable key: backend name (if any), what, and its kind. */
  readonly id: string;
  /** In words, for tables and the report. */
  readonly label: string;
  /** The backend it belongs to; undefined for the plan's overhead. */
  readonly backend: string | undefined;
  readonly usd: number;
}

export interface Bill {
  /** Line items, USD over the window, in a fixed order: backends in plan order, then overhead. */
  readonly items: readonly BillItem[];
  readonly total: number;
  readonly perMonth: number;
  readonly perSuccessfulRequest: number;
  readonly perMillionOutputTokens: number;
  /** Busy GPU time / billed GPU time (NaN where no GPU time was billed). */
  readonly paidUtilization: number;
}

/** A backend's usage over the window and the prices it bills at. */
export interface MeteredBackend {
  readonly name: string;
  readonly usage: UsageMeters;
  readonly costs: BackendCosts;
}

/** A routing classifier's calls, per request class, and what one call costs. */
export interface ClassifierUsage {
  readonly callsByClass: readonly number[];
  readonly promptTokensByClass: readonly number[];
  readonly outputTokensPerCall: number;
  readonly usdPerCall: number;
  /** The classifier model's token prices, when it names one. */
  readonly prices: ResolvedApiCosts | undefined;
}

/** What the classifier cost for the requests of class k. */
export function classifierUsd(c: ClassifierUsage, k: number): number {
  const calls = c.callsByClass[k] ?? 0;
  const tokens = c.prices ? ((c.promptTokensByClass[k] ?? 0) * c.prices.input + calls * c.outputTokensPerCall * c.prices.output) / 1e6 : 0;
  return calls * c.usdPerCall + tokens;
}

export interface BillInput {
  readonly backends: readonly MeteredBackend[];
  /** The plan's routing classifier, if it has one. */
  readonly classifier?: ClassifierUsage | undefined;
  readonly overhead: Overhead | undefined;
  readonly windowSeconds: number;
  readonly successfulRequests: number;
  /** Output tokens of completed requests (for cost per million and egress). */
  readonly outputTokens: number;
}

/** A monthly amount prorated to the window. */
export function prorate(usdPerMonth: number, windowSeconds: number): number {
  return (usdPerMonth * windowSeconds) / (HOURS_PER_MONTH * 3600);
}

export interface Charge {
  readonly item: string;
  readonly label: string;
  readonly usd: number;
}

export function overheadCharges(overhead: Overhead, gpuSpendUsd: number, windowSeconds: number, outputTokens: number): Charge[] {
  const charges: Charge[] = [];
  const add = (item: string, label: string, usd: number) => {
    if (usd > 0) charges.push({ item, label, usd });
  };
  add('overhead.infrastructure', `infrastructure (${overhead.infraPercentOfGpu}% of GPU spend)`, (gpuSpendUsd * overhead.infraPercentOfGpu) / 100);
  add('overhead.engineering', 'engineering', prorate((overhead.engineeringFte * overhead.engineerAnnualUsd) / 12 + overhead.engineeringUsdPerMonth, windowSeconds));
  add('overhead.storage', 'storage', prorate(overhead.storageUsdPerMonth, windowSeconds));
  add('overhead.observability', 'observability', prorate(overhead.observabilityUsdPerMonth, windowSeconds));
  add('overhead.egress', 'egress', ((outputTokens * overhead.egressBytesPerToken) / 1e9) * overhead.egressUsdPerGB);
  return charges;
}

/** USD of API tokens at a model's per-million prices. */
export function tokenUsd(t: TokenMeter, prices: ResolvedApiCosts): number {
  return (t.input * prices.input + t.cachedInput * prices.cachedInput + t.output * prices.output) / 1e6;
}

/** USD of a backend's GPU meters at its pools' prices. */
function gpuUsd(meters: readonly GpuMeter[], costs: BackendCosts): number {
  let usd = 0;
  for (const m of meters) usd += (m.gpuSeconds * gpuHourPrice(costs, m.pool)) / 3600;
  return usd;
}

/** USD per GPU-hour of a meter's pool under a backend's prices. */
export function gpuHourPrice(costs: BackendCosts, pool: GpuPool): number {
  if (costs.kind === 'managed') return pool === 'managed' ? costs.pricePerGpuHour : NaN;
  if (costs.kind !== 'fleet' || pool === 'managed') return NaN;
  return costs.price[pool] ?? NaN;
}

const POOL_WORDS: Record<GpuPool, string> = { reserved: 'GPU reserved', onDemand: 'GPU on-demand', spot: 'GPU spot', managed: 'managed endpoint GPU time' };

function gpuName(id: string): string {
  return findGpu(id)?.name ?? id;
}

/** The priced lines of one backend's usage. */
export function backendCharges(backend: MeteredBackend): Charge[] {
  const { usage, costs } = backend;
  const charges: Charge[] = [];
  for (const m of aggregateGpu(usage.gpu)) {
    const id = m.pool === 'managed' ? `managed.${m.gpu}` : `gpu.${m.pool}.${m.gpu}`;
    charges.push({ item: id, label: `${POOL_WORDS[m.pool]}, ${gpuName(m.gpu)}`, usd: (m.gpuSeconds / 3600) * gpuHourPrice(costs, m.pool) });
  }
  if (usage.apiTokensByClass && costs.kind === 'api') {
    const tokens = sumMeters(usage.apiTokensByClass);
    const prefix = costs.tier === 'batch' ? 'api.batch' : 'api';
    const tier = costs.tier === 'batch' ? ' (batch tier)' : '';
    const lines: [keyof TokenMeter, string, number][] = [
      ['input', 'API input tokens', costs.input],
      ['cachedInput', 'API cached input tokens', costs.cachedInput],
      ['output', 'API output tokens', costs.output],
    ];
    for (const [kind, words, perMillion] of lines) {
      const usd = (tokens[kind] * perMillion) / 1e6;
      if (usd > 0) charges.push({ item: `${prefix}.${kind}`, label: `${words}, ${costs.model}${tier}`, usd });
    }
  }
  return charges;
}

function aggregateGpu(meters: readonly GpuMeter[]): GpuMeter[] {
  const byKey = new Map<string, GpuMeter>();
  for (const m of meters) {
    const key = `${m.pool}/${m.gpu}`;
    const seen = byKey.get(key);
    byKey.set(key, { pool: m.pool, gpu: m.gpu, gpuSeconds: (seen?.gpuSeconds ?? 0) + m.gpuSeconds });
  }
  return [...byKey.values()];
}

export function billRun(input: BillInput): Bill {
  const several = input.backends.length > 1;
  const items: BillItem[] = [];
  let gpuSpend = 0;
  for (const backend of input.backends) {
    for (const c of backendCharges(backend)) {
      items.push({ id: `${backend.name}.${c.item}`, label: several ? `${c.label} (${backend.name})` : c.label, backend: backend.name, usd: c.usd });
      if (c.item.startsWith('gpu.') || c.item.startsWith('managed.')) gpuSpend += c.usd;
    }
  }
  const c = input.classifier;
  if (c) {
    const usd = c.callsByClass.reduce((a, _, k) => a + classifierUsd(c, k), 0);
    if (usd > 0) items.push({ id: 'router.classifier', label: `routing classifier${c.prices ? `, ${c.prices.model}` : ''}`, backend: undefined, usd });
  }
  if (input.overhead) {
    for (const c of overheadCharges(input.overhead, gpuSpend, input.windowSeconds, input.outputTokens)) items.push({ id: c.item, label: c.label, backend: undefined, usd: c.usd });
  }
  const total = items.reduce((a, b) => a + b.usd, 0);
  let billedGpuSeconds = 0;
  let busyGpuSeconds = 0;
  for (const b of input.backends) {
    for (const m of b.usage.gpu) billedGpuSeconds += m.gpuSeconds;
    busyGpuSeconds += b.usage.busyGpuSeconds;
  }
  return {
    items,
    total,
    perMonth: (total * HOURS_PER_MONTH * 3600) / input.windowSeconds,
    perSuccessfulRequest: input.successfulRequests > 0 ? total / input.successfulRequests : Infinity,
    perMillionOutputTokens: input.outputTokens > 0 ? total / (input.outputTokens / 1e6) : Infinity,
    paidUtilization: billedGpuSeconds > 0 ? busyGpuSeconds / billedGpuSeconds : NaN,
  };
}

/**
 * The bill's total worked out a second way, straight from the meters and the prices (each
 * GPU meter and each class's tokens priced on its own, no item aggregation): the money
 * invariant compares it with the sum of the bill's items.
 */
export function totalFromMeters(input: BillInput): number {
  let gpu = 0;
  let tokens = 0;
  for (const b of input.backends) {
    gpu += gpuUsd(b.usage.gpu, b.costs);
    const c = b.costs;
    if (c.kind === 'api') for (const t of b.usage.apiTokensByClass ?? []) tokens += tokenUsd(t, c);
  }
  const c = input.classifier;
  if (c) for (let k = 0; k < c.callsByClass.length; k++) tokens += classifierUsd(c, k);
  const o = input.overhead;
  if (!o) return gpu + tokens;
  const monthly = (o.engineeringFte * o.engineerAnnualUsd) / 12 + o.engineeringUsdPerMonth + o.storageUsdPerMonth + o.observabilityUsdPerMonth;
  const egress = ((input.outputTokens * o.egressBytesPerToken) / 1e9) * o.egressUsdPerGB;
  return gpu * (1 + o.infraPercentOfGpu / 100) + tokens + prorate(monthly, input.windowSeconds) + egress;
}

/**
 * Each request class's part of the bill (USD). API tokens are attributed exactly; a fleet's
 * or managed endpoint's GPU cost is shared by the tokens each class was served there; the
 * overhead, and GPU cost with no tokens served, follow the shares of what was attributed
 * (or the arrivals, when nothing was).
 */
export function classCosts(input: BillInput, bill: Bill, arrivalsByClass: readonly number[]): number[] {
  const n = arrivalsByClass.length;
  const direct = new Array<number>(n).fill(0);
  let unattributed = bill.total;
  for (const b of input.backends) {
    const c = b.costs;
    if (c.kind === 'api' && b.usage.apiTokensByClass) {
      b.usage.apiTokensByClass.forEach((t, k) => {
        const usd = tokenUsd(t, c);
        if (k < n) direct[k]! += usd;
        unattributed -= usd;
      });
    }
    const gpu = gpuUsd(b.usage.gpu, c);
    const served = b.usage.servedTokensByClass;
    const servedTotal = served.reduce((a, x) => a + (x ?? 0), 0);
    if (gpu > 0 && servedTotal > 0) {
      for (let k = 0; k < n; k++) direct[k]! += (gpu * (served[k] ?? 0)) / servedTotal;
      unattributed -= gpu;
    }
  }
  const c = input.classifier;
  if (c) {
    for (let k = 0; k < n; k++) {
      const usd = classifierUsd(c, k);
      direct[k]! += usd;
      unattributed -= usd;
    }
  }
  const attributed = direct.reduce((a, x) => a + x, 0);
  const arrivals = arrivalsByClass.reduce((a, x) => a + x, 0);
  return direct.map((usd, k) => usd + unattributed * (attributed > 0 ? usd / attributed : arrivals > 0 ? arrivalsByClass[k]! / arrivals : 1 / n));
}

/**
 * The rate of spend at one moment, USD per hour: GPUs billed now at their pools' prices,
 * and the API tokens metered since the previous sample. Overhead is left out (it is a
 * share of GPU spend or a monthly amount, not a rate the fleet moves).
 */
export function spendPerHour(costs: readonly BackendCosts[], now: readonly BackendSample[], before: readonly BackendSample[] | undefined, interval: number): number {
  let usd = 0;
  now.forEach((s, b) => {
    const c = costs[b];
    if (!c) return;
    for (const pool of ['reserved', 'onDemand', 'spot', 'managed'] as const) if (s.billedGpus[pool] > 0) usd += s.billedGpus[pool] * gpuHourPrice(c, pool);
    const t = s.tokens;
    if (c.kind === 'api' && t) {
      const p = before?.[b]?.tokens ?? noTokens();
      usd += tokenUsd({ input: t.input - p.input, cachedInput: t.cachedInput - p.cachedInput, output: t.output - p.output }, c) * (3600 / interval);
    }
  });
  return usd;
}

/**
 * What reservations still owe after the window: for each fleet with a commitment whose term
 * runs past the window, the GPUs reserved × the hours of term left × the reserved price. Not
 * in the bill's total (the window did not use it), never silently dropped either.
 */
export function commitmentOwed(costs: readonly BackendCosts[], windowSeconds: number): number {
  let usd = 0;
  for (const c of costs) {
    if (c.kind !== 'fleet' || !c.reservation || c.price.reserved === undefined) continue;
    const left = c.reservation.termHours - windowSeconds / 3600;
    if (left > 0) usd += c.reservation.gpus * left * c.price.reserved;
  }
  return usd;
}
