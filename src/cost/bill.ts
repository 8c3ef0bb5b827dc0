/**
 * The bill of a run: the backends' charges (GPU hours by pool, API tokens by kind) plus
 * the plan's overhead (infrastructure as a share of GPU spend, engineering time, storage,
 * observability, egress), over the measured window and normalized to a 730-hour month.
 * Pure functions.
 *
 * Cost per successful request = total / requests that completed within their SLO.
 */
import type { Charge } from '../fleet/index.js';
import type { Overhead } from '../scenario/index.js';

export const HOURS_PER_MONTH = 730;

export interface Bill {
  /** Line items, USD over the window. */
  readonly items: Record<string, number>;
  readonly total: number;
  readonly perMonth: number;
  readonly perSuccessfulRequest: number;
  readonly perMillionOutputTokens: number;
  /** Busy GPU time / billed GPU time (NaN where no GPU time was billed). */
  readonly paidUtilization: number;
}

export interface BillInput {
  readonly charges: readonly Charge[];
  readonly overhead: Overhead | undefined;
  readonly windowSeconds: number;
  readonly successfulRequests: number;
  /** Output tokens of successful requests (for cost per million and egress). */
  readonly outputTokens: number;
  readonly billedGpuSeconds: number;
  readonly busyGpuSeconds: number;
}

/** A monthly amount prorated to the window. */
export function prorate(usdPerMonth: number, windowSeconds: number): number {
  return (usdPerMonth * windowSeconds) / (HOURS_PER_MONTH * 3600);
}

export function overheadCharges(overhead: Overhead, gpuSpendUsd: number, windowSeconds: number, outputTokens: number): Charge[] {
  const charges: Charge[] = [];
  const add = (item: string, usd: number) => {
    if (usd > 0) charges.push({ item, usd });
  };
  add('overhead.infrastructure', (gpuSpendUsd * overhead.infraPercentOfGpu) / 100);
  add('overhead.engineering', prorate((overhead.engineeringFte * overhead.engineerAnnualUsd) / 12 + overhead.engineeringUsdPerMonth, windowSeconds));
  add('overhead.storage', prorate(overhead.storageUsdPerMonth, windowSeconds));
  add('overhead.observability', prorate(overhead.observabilityUsdPerMonth, windowSeconds));
  add('overhead.egress', ((outputTokens * overhead.egressBytesPerToken) / 1e9) * overhead.egressUsdPerGB);
  return charges;
}

export function billRun(input: BillInput): Bill {
  const gpuSpend = input.charges.filter((c) => c.item.startsWith('gpu.') || c.item.startsWith('managed.')).reduce((sum, c) => sum + c.usd, 0);
  const all = [...input.charges, ...(input.overhead ? overheadCharges(input.overhead, gpuSpend, input.windowSeconds, input.outputTokens) : [])];
  const items: Record<string, number> = {};
  for (const c of all) items[c.item] = (items[c.item] ?? 0) + c.usd;
  const total = Object.values(items).reduce((a, b) => a + b, 0);
  return {
    items,
    total,
    perMonth: (total * HOURS_PER_MONTH * 3600) / input.windowSeconds,
    perSuccessfulRequest: input.successfulRequests > 0 ? total / input.successfulRequests : Infinity,
    perMillionOutputTokens: input.outputTokens > 0 ? total / (input.outputTokens / 1e6) : Infinity,
    paidUtilization: input.billedGpuSeconds > 0 ? input.busyGpuSeconds / input.billedGpuSeconds : NaN,
  };
}
