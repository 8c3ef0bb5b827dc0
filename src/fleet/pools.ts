/**
 * GPU capacity pools of a fleet and what they cost. Replicas are placed in pool order:
 * reserved takes as many replicas as its committed GPUs hold, the rest spill to the next
 * pool in `order`. Reserved GPUs are billed for every hour of the window whether a replica
 * uses them or not; on-demand GPUs per second while provisioned; spot GPUs per second
 * while up (not while a preempted replica is being replaced).
 */
export type PoolName = 'reserved' | 'onDemand' | 'spot';

export interface ResolvedPools {
  readonly gpu: string;
  readonly gpusPerReplica: number;
  readonly order: readonly PoolName[];
  readonly reservedGpus: number;
  /** USD per GPU-hour, resolved from the catalog or the scenario. */
  readonly price: { readonly reserved?: number | undefined; readonly onDemand: number; readonly spot?: number | undefined };
  readonly spot?: { readonly preemptionsPerHour: number; readonly notice: number; readonly replacementDelay: number } | undefined;
}

/** Which pool each of `replicas` replicas runs in. */
export function placeReplicas(replicas: number, pools: ResolvedPools): PoolName[] {
  const placement: PoolName[] = [];
  const reservedReplicas = Math.floor(pools.reservedGpus / pools.gpusPerReplica);
  const spill = pools.order.filter((p) => p !== 'reserved');
  for (let i = 0; i < replicas; i++) {
    if (pools.order.includes('reserved') && i < reservedReplicas) placement.push('reserved');
    else placement.push(spill[0] ?? 'onDemand');
  }
  return placement;
}

/** A line item of a bill. */
export interface Charge {
  readonly item: string;
  readonly usd: number;
}

/** GPU charges of a fleet over a window, from each replica's billed seconds. */
export function poolCharges(pools: ResolvedPools, placement: readonly PoolName[], upSeconds: readonly number[], windowSeconds: number): { charges: Charge[]; billedGpuSeconds: number } {
  const charges: Charge[] = [];
  let billedGpuSeconds = 0;
  if (pools.reservedGpus > 0 && pools.price.reserved !== undefined) {
    const seconds = pools.reservedGpus * windowSeconds;
    charges.push({ item: `gpu.reserved.${pools.gpu}`, usd: (seconds / 3600) * pools.price.reserved });
    billedGpuSeconds += seconds;
  }
  for (const pool of ['onDemand', 'spot'] as const) {
    let seconds = 0;
    placement.forEach((p, i) => {
      if (p === pool) seconds += upSeconds[i]! * pools.gpusPerReplica;
    });
    if (seconds === 0) continue;
    const price = pool === 'onDemand' ? pools.price.onDemand : pools.price.spot!;
    charges.push({ item: `gpu.${pool}.${pools.gpu}`, usd: (seconds / 3600) * price });
    billedGpuSeconds += seconds;
  }
  return { charges, billedGpuSeconds };
}
