/**
 * GPU capacity pools of a fleet: where its replicas run. Replicas are placed in pool order:
 * reserved takes as many replicas as its committed GPUs hold, the rest spill to the next
 * pool in `order`. What the pools cost is cost/'s business; this says only which GPU-time
 * each pool meters: reserved GPUs for every second of the window whether a replica uses
 * them or not, on-demand GPUs while provisioned, spot GPUs while up (not while a preempted
 * replica is being replaced).
 */
import type { GpuMeter } from '../backend/index.js';
import type { Pools } from '../scenario/index.js';

export type PoolName = 'reserved' | 'onDemand' | 'spot';

export interface FleetPools {
  readonly gpu: string;
  readonly gpusPerReplica: number;
  readonly order: readonly PoolName[];
  readonly reservedGpus: number;
  readonly spot?: { readonly preemptionsPerHour: number; readonly notice: number; readonly replacementDelay: number } | undefined;
}

/**
 * The pools of a fleet as the scenario gives them, with the default order: reserved first
 * when there is a reservation, then spot when spot is the only other pool, else on-demand.
 * (With both on-demand and spot the scenario must give the order; cost/ says so.)
 */
export function fleetPools(gpu: string, gpusPerReplica: number, pools: Pools | undefined): FleetPools {
  const p = pools ?? { provider: 'aws' as const };
  const order: PoolName[] = p.order
    ? [...p.order]
    : [...(p.reserved ? (['reserved'] as const) : []), ...(p.spot && !p.onDemand ? (['spot'] as const) : (['onDemand'] as const))];
  return {
    gpu,
    gpusPerReplica,
    order,
    reservedGpus: p.reserved?.gpus ?? 0,
    spot: p.spot ? { preemptionsPerHour: p.spot.preemptionsPerHour, notice: p.spot.notice, replacementDelay: p.spot.replacementDelay } : undefined,
  };
}

/** Which pool each of `replicas` replicas runs in. */
export function placeReplicas(replicas: number, pools: FleetPools): PoolName[] {
  const placement: PoolName[] = [];
  const reservedReplicas = Math.floor(pools.reservedGpus / pools.gpusPerReplica);
  const spill = pools.order.filter((p) => p !== 'reserved');
  for (let i = 0; i < replicas; i++) {
    if (pools.order.includes('reserved') && i < reservedReplicas) placement.push('reserved');
    else placement.push(spill[0] ?? 'onDemand');
  }
  return placement;
}

/** GPU time a fleet's pools meter over a window, from each replica's seconds up. */
export function poolMeters(pools: FleetPools, placement: readonly PoolName[], upSeconds: readonly number[], windowSeconds: number): GpuMeter[] {
  const meters: GpuMeter[] = [];
  if (pools.reservedGpus > 0) meters.push({ pool: 'reserved', gpu: pools.gpu, gpuSeconds: pools.reservedGpus * windowSeconds });
  for (const pool of ['onDemand', 'spot'] as const) {
    let seconds = 0;
    placement.forEach((p, i) => {
      if (p === pool) seconds += upSeconds[i]! * pools.gpusPerReplica;
    });
    if (seconds > 0) meters.push({ pool, gpu: pools.gpu, gpuSeconds: seconds });
  }
  return meters;
}
