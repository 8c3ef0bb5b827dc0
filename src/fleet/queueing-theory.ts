/**
 * Closed forms of queueing theory that the plain-server fleet must agree with, and that
 * a user can reach for when sizing: Erlang B and C for M/M/c, Pollaczek–Khinchine for
 * M/G/1, and the M/M/1/K blocking probability. Pure functions; rates per second.
 */

/** Erlang B: probability that an arrival finds all c servers busy in M/M/c/c, offered load a = λ/μ. */
export function erlangB(c: number, offeredLoad: number): number {
  // The stable recursion B(0) = 1, B(k) = a·B(k-1) / (k + a·B(k-1)).
  let b = 1;
  for (let k = 1; k <= c; k++) b = (offeredLoad * b) / (k + offeredLoad * b);
  return b;
}

/** Erlang C: probability that an arrival waits in M/M/c, offered load a = λ/μ < c. */
export function erlangC(c: number, offeredLoad: number): number {
  const rho = offeredLoad / c;
  if (rho >= 1) return 1;
  const b = erlangB(c, offeredLoad);
  return b / (1 - rho * (1 - b));
}

/** Mean wait in queue for M/M/c: Wq = C(c, a) / (c·μ − λ). */
export function mmcMeanQueueWait(c: number, arrivalRate: number, meanService: number): number {
  const a = arrivalRate * meanService;
  if (a >= c) return Infinity;
  return erlangC(c, a) / (c / meanService - arrivalRate);
}

/** Mean wait in queue for M/G/1 (Pollaczek–Khinchine): Wq = λ·E[S²] / (2(1 − ρ)). */
export function mg1MeanQueueWait(arrivalRate: number, meanService: number, serviceVariance: number): number {
  const rho = arrivalRate * meanService;
  if (rho >= 1) return Infinity;
  const secondMoment = serviceVariance + meanService * meanService;
  return (arrivalRate * secondMoment) / (2 * (1 - rho));
}

/** Blocking probability of M/M/1/K (K = room in the system, in service included). */
export function mm1kBlocking(arrivalRate: number, meanService: number, systemCapacity: number): number {
  const rho = arrivalRate * meanService;
  const k = systemCapacity;
  if (rho === 1) return 1 / (k + 1);
  return ((1 - rho) * Math.pow(rho, k)) / (1 - Math.pow(rho, k + 1));
}
