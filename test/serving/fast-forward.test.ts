/**
 * The fast replica (fast-forwarding decode spans in closed form) against the step-by-step
 * reference twin, on randomized workloads: same outcomes, times equal within 1e-9 relative.
 * Cases are drawn from a fixed base seed; a failure names the case's seed.
 */
import { describe, expect, test } from 'vitest';
import { Simulation } from '../../src/engine/index.js';
import { findGpu, findModel } from '../../src/catalog/index.js';
import { makeSampler, openStream } from '../../src/random/index.js';
import { RequestTable } from '../../src/backend/index.js';
import { LinearProfile, LlmReplica, RooflineStepTime, TableProfile, type SchedulerLimits, type StepTimeModel } from '../../src/serving/index.js';
import { simulateReference } from './reference-replica.js';

interface Case {
  seed: number;
  stepTime: StepTimeModel;
  kvBlocks: number;
  limits: SchedulerLimits;
  arrivals: { arrival: number; prompt: number; output: number }[];
}

const roofline = new RooflineStepTime({ model: findModel('llama-3.1-8b')!, gpu: findGpu('a100-80gb')!, tp: 1, dtype: 'bf16', kvDtype: 'bf16', gpuMemoryUtilization: 0.9 });
const rooflineTp = new RooflineStepTime({ model: findModel('mixtral-8x7b')!, gpu: findGpu('h100-sxm')!, tp: 2, dtype: 'fp8', kvDtype: 'fp8', gpuMemoryUtilization: 0.9 });
const linear = new LinearProfile(0.004, 0.00002, 2e-8);
const table = new TableProfile({ batch: [1, 16, 64], context: [128, 1024, 4096], seconds: [[0.008, 0.009, 0.012], [0.010, 0.013, 0.024], [0.016, 0.028, 0.07]] });
const MODELS = [roofline, rooflineTp, linear, table];
const PACKINGS = ['alone', 'whole', 'chunked'] as const;
/** Randomized cases: enough that every packing meets preemption under prompt-only admission. */
const CASES = 72;

function makeCase(seed: number): Case {
  const rng = openStream(seed, 'test');
  const stepTime = MODELS[seed % MODELS.length]!;
  // Every prefill packing against every step model over the cases (3 packings, 4 models), and both KV admissions.
  const prefill = PACKINGS[seed % PACKINGS.length]!;
  const kvAdmission = Math.floor(seed / PACKINGS.length) % 2 === 0 ? 'prompt' : 'full';
  const maxNumSeqs = 2 + Math.floor(rng() * 40);
  const limits: SchedulerLimits = { maxNumSeqs, maxNumBatchedTokens: prefill !== 'alone' ? Math.max(maxNumSeqs, 64 + Math.floor(rng() * 1024)) : 4096, prefill, kvAdmission };
  // Small KV caches force preemption; large ones let batches grow.
  const kvBlocks = rng() < 0.5 ? 40 + Math.floor(rng() * 200) : 5000;
  const prompt = makeSampler({ dist: 'lognormal', median: 60 + rng() * 300, p99: 1200 });
  const output = makeSampler({ dist: 'lognormal', median: 20 + rng() * 100, p99: 600 });
  const rate = 2 + rng() * 30;
  const maxTokens = kvBlocks * 16;
  let t = 0;
  const arrivals = Array.from({ length: 150 }, () => {
    t += -Math.log(1 - rng()) / rate;
    let p = Math.max(1, Math.round(prompt(rng)));
    let o = Math.max(1, Math.round(output(rng)));
    if (p + o > maxTokens) {
      p = Math.min(p, maxTokens >> 1);
      o = Math.min(o, maxTokens - p);
    }
    return { arrival: t, prompt: p, output: o };
  });
  return { seed, stepTime, kvBlocks, limits, arrivals };
}

function simulateFast(c: Case) {
  const sim = new Simulation();
  const tableOfRequests = new RequestTable();
  const finished: number[] = [];
  let events = 0;
  const wakeKind = sim.register((_i, gen, now) => {
    events++;
    replica.wake(gen, now);
  });
  const replica: LlmReplica = new LlmReplica(
    sim,
    tableOfRequests,
    {
      onAdmit: () => {},
      onFirstToken: () => {},
      onFinish: (id, now) => (finished[id] = now),
      onTimeout: () => {},
      onQueueChange: () => {},
    },
    { index: 0, stepTime: c.stepTime, kvBlocks: c.kvBlocks, limits: c.limits, queueTimeout: undefined, window: { from: 0, to: Infinity } },
    wakeKind,
  );
  let next = 0;
  const arrivalKind = sim.register(() => {
    const a = c.arrivals[next++]!;
    replica.enqueue(tableOfRequests.add(a.arrival, a.prompt, a.output), a.arrival);
    if (next < c.arrivals.length) sim.schedule(c.arrivals[next]!.arrival, arrivalKind);
  });
  sim.schedule(c.arrivals[0]!.arrival, arrivalKind);
  sim.runUntil(Infinity);
  return { table: tableOfRequests, finished, replica, events };
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-12);

describe('fast-forward replica equals the step-by-step reference', () => {
  const BASE_SEED = 1000;
  for (let k = 0; k < CASES; k++) {
    const seed = BASE_SEED + k;
    test(`randomized case seed ${seed}`, () => {
      const c = makeCase(seed);
      const ref = simulateReference(c.stepTime, c.kvBlocks, c.limits, c.arrivals);
      const fast = simulateFast(c);
      for (let i = 0; i < c.arrivals.length; i++) {
        const r = ref.requests[i]!;
        const ok = close(fast.table.admitted[i]!, r.admitted) && close(fast.table.firstToken[i]!, r.firstToken) && close(fast.finished[i]!, r.finished);
        if (!ok) {
          throw new Error(
            `seed ${seed}, request ${i}: fast admitted/first/finish ${fast.table.admitted[i]}/${fast.table.firstToken[i]}/${fast.finished[i]}, reference ${r.admitted}/${r.firstToken}/${r.finished}`,
          );
        }
      }
      expect(fast.replica.preemptions).toBe(ref.preemptions);
      expect(fast.replica.steps).toBe(ref.steps);
      // It skipped work: fewer events than steps.
      expect(fast.events).toBeLessThan(ref.steps);
    });
  }

  test('the cases exercised preemption, both prefill modes and every step model', () => {
    const cases = Array.from({ length: CASES }, (_, k) => makeCase(1000 + k));
    const preempting = cases.filter((c) => simulateReference(c.stepTime, c.kvBlocks, c.limits, c.arrivals).preemptions > 0);
    expect(preempting.length).toBeGreaterThanOrEqual(3);
    // Reserving KV for the whole output means nothing is ever preempted.
    expect(preempting.filter((c) => c.limits.kvAdmission === 'full')).toEqual([]);
    expect(new Set(preempting.map((c) => c.limits.prefill))).toEqual(new Set(PACKINGS));
    expect(new Set(cases.map((c) => c.limits.kvAdmission))).toEqual(new Set(['prompt', 'full']));
    expect(new Set(cases.map((c) => c.stepTime)).size).toBe(MODELS.length);
  });
});

describe('event count does not grow with output length', () => {
  test('doubling every output length leaves the number of replica events about the same', () => {
    const c = makeCase(7);
    const doubled = { ...c, kvBlocks: 100_000, arrivals: c.arrivals.map((a) => ({ ...a, output: a.output * 2 })) };
    const base = { ...c, kvBlocks: 100_000 };
    const e1 = simulateFast(base).events;
    const e2 = simulateFast(doubled).events;
    expect(e2 / e1).toBeLessThan(1.3);
    expect(e2 / e1).toBeGreaterThan(0.7);
  });
});
