/**
 * 1,000,000 requests through an M/M/c fleet (c = 10, utilization 0.9): the engine's
 * raw speed, beside a minimal hand-written loop of the same queue (the ratio says how much
 * of the bare loop's speed capsim keeps). Run with `npm run bench`.
 */
import alea from 'seedrandom/lib/alea.js';
import { simulatePlanRun } from '../src/experiment/index.js';
import { validateScenario } from '../src/scenario/index.js';
import { recordBench } from './record.js';

const RATE = 9;
const REQUESTS = 1_000_000;
const scenario = validateScenario(
  {
    name: 'bench-mmc',
    horizon: REQUESTS / RATE,
    workload: { arrivals: { process: 'poisson', rate: RATE } },
    plans: [{ name: 'ten', backends: [{ kind: 'fleet', replicas: 10, service: { dist: 'exponential', mean: 1 } }] }],
  },
  'bench',
);

// One warm-up run so the JIT has compiled the hot path, then the measured run.
simulatePlanRun(scenario, 0, 99);
const start = process.hrtime.bigint();
const result = simulatePlanRun(scenario, 0, 1);
const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;

/**
 * The same queue as a minimal hand-written loop: one binary heap of (time, kind) events, c
 * servers, a FIFO of waiting arrivals, the same generator (seedrandom's Alea) for the draws,
 * and only the mean wait measured. What an M/M/c simulation costs with nothing else around
 * it; capsim's figure over this one is the share of that speed it keeps.
 */
function minimalMmc(requests: number, rate: number, servers: number, seed: string): { wallSeconds: number; meanWait: number; events: number } {
  const rng = alea(seed);
  const exp = (mean: number) => -Math.log(1 - rng()) * mean;
  const size = servers + 2;
  const times = new Float64Array(size);
  const kinds = new Uint8Array(size); // 0 arrival, 1 departure
  let n = 0;
  const push = (t: number, k: number) => {
    let i = n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (times[p]! <= t) break;
      times[i] = times[p]!;
      kinds[i] = kinds[p]!;
      i = p;
    }
    times[i] = t;
    kinds[i] = k;
  };
  const pop = () => {
    const t = times[--n]!;
    const k = kinds[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && times[c + 1]! < times[c]!) c++;
      if (times[c]! >= t) break;
      times[i] = times[c]!;
      kinds[i] = kinds[c]!;
      i = c;
    }
    times[i] = t;
    kinds[i] = k;
  };
  const queue = new Float64Array(requests);
  let head = 0;
  let tail = 0;
  let busy = 0;
  let arrived = 0;
  let waited = 0;
  let started = 0;
  let events = 0;
  const begin = process.hrtime.bigint();
  push(exp(1 / rate), 0);
  while (n > 0) {
    const now = times[0]!;
    const kind = kinds[0]!;
    pop();
    events++;
    if (kind === 0) {
      arrived++;
      if (arrived < requests) push(now + exp(1 / rate), 0);
      if (busy < servers) {
        busy++;
        started++;
        push(now + exp(1), 1);
      } else queue[tail++] = now;
    } else if (head < tail) {
      waited += now - queue[head++]!;
      started++;
      push(now + exp(1), 1);
    } else busy--;
  }
  return { wallSeconds: Number(process.hrtime.bigint() - begin) / 1e9, meanWait: waited / started, events };
}

minimalMmc(REQUESTS, RATE, 10, 'warm-up');
const minimal = minimalMmc(REQUESTS, RATE, 10, 'bench');
const minimalRate = REQUESTS / minimal.wallSeconds;
const capsimRate = result.requests.arrived / wallSeconds;
process.stdout.write(
  `minimal M/M/10 loop: ${REQUESTS.toLocaleString('en-US')} requests in ${minimal.wallSeconds.toFixed(3)} s = ${Math.round(minimalRate).toLocaleString('en-US')} requests/s ` +
    `(mean wait ${minimal.meanWait.toFixed(3)} s; Erlang C: 0.668 s); capsim keeps ${(capsimRate / minimalRate).toFixed(2)} of it\n`,
);
recordBench('mmc', { requests: result.requests.arrived, events: result.events, wallSeconds, minimalRequestsPerSecond: Math.round(minimalRate), shareOfMinimalLoop: Number((capsimRate / minimalRate).toFixed(3)) });
