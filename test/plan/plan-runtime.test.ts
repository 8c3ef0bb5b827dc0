/**
 * The plan runtime: plans of several backends, every arrival ending exactly once per plan
 * and per backend, and the first-that-accepts order.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { RequestTable, type BackendContext, type OutcomeSink } from '../../src/backend/index.js';
import { Simulation } from '../../src/engine/index.js';
import { runScenario, simulatePlanRun, summarizeRuns } from '../../src/experiment/index.js';
import { ApiBackend } from '../../src/api/index.js';
import { FAILURE_REASONS, type FailureReason } from '../../src/metrics/index.js';
import { makeSampler, openStream } from '../../src/random/index.js';
import { validateScenario, type Scenario } from '../../src/scenario/index.js';

const LENGTHS = { input: { dist: 'lognormal', median: 400, p99: 3000 }, output: { dist: 'lognormal', median: 150, p99: 800 } };

function scenarioWith(backends: Record<string, unknown>[], rate: number, extra: Record<string, unknown> = {}): Scenario {
  return validateScenario(
    {
      name: 'plan-runtime',
      horizon: '20m',
      warmup: '2m',
      workload: { arrivals: { process: 'poisson', rate }, ...LENGTHS },
      plans: [{ name: 'p', backends }],
      ...extra,
    },
    'test',
  );
}

// Backends a generated plan may hold: plain servers, LLM fleets (on-demand, spot, bounded
// queues), a managed endpoint and APIs (rate limits, outages, a small context window).
const backendArb = fc.oneof(
  fc.record({
    kind: fc.constant('fleet'),
    replicas: fc.integer({ min: 1, max: 3 }),
    service: fc.constant({ dist: 'exponential', mean: 2 }),
    queue: fc.record({ capacity: fc.integer({ min: 0, max: 5 }), timeout: fc.integer({ min: 1, max: 30 }) }, { requiredKeys: [] }),
  }),
  fc.record({
    kind: fc.constant('fleet'),
    replicas: fc.integer({ min: 1, max: 2 }),
    model: fc.constant('llama-3.1-8b'),
    gpu: fc.constant('l4'),
    queue: fc.record({ capacity: fc.integer({ min: 0, max: 20 }), timeout: fc.integer({ min: 5, max: 60 }) }, { requiredKeys: [] }),
    pools: fc.oneof(fc.constant({ provider: 'aws', onDemand: {} }), fc.constant({ provider: 'aws', spot: { discount: 0.6, preemptionsPerHour: 6, notice: 30, replacementDelay: 60 } })),
  }),
  fc.record({ kind: fc.constant('managed'), model: fc.constant('llama-3.1-8b'), gpu: fc.constant('l4'), idleTimeout: fc.constant(60), coldStart: fc.constant(30) }),
  fc.record({
    kind: fc.constant('api'),
    model: fc.constant('gpt-4o-mini'),
    rateLimit: fc.option(fc.record({ rpm: fc.integer({ min: 5, max: 200 }) }), { nil: undefined }),
    outages: fc.option(fc.oneof(fc.constant({ errorRate: 0.2 }), fc.constant({ mtbf: 300, mttr: 60 })), { nil: undefined }),
    retry: fc.constant({ maxRetries: 2, baseDelay: 1, maxDelay: 8 }),
  }),
);

describe('plans of several backends', () => {
  test('property: every counted arrival ends exactly once, per plan and per backend', () => {
    fc.assert(
      fc.property(fc.array(backendArb, { minLength: 1, maxLength: 4 }), fc.double({ min: 0.2, max: 6, noNaN: true }), fc.integer({ min: 1, max: 1000 }), (backends, rate, seed) => {
        const scenario = scenarioWith(
          backends.map((b) => JSON.parse(JSON.stringify(b)) as Record<string, unknown>),
          rate,
        );
        // The runtime itself throws on a second outcome or an outcome from the wrong backend.
        const r = simulatePlanRun(scenario, 0, seed);
        const q = r.requests;
        expect(q.arrived).toBe(q.succeeded + q.late + q.failed + q.inFlight);
        expect(q.failed).toBe(FAILURE_REASONS.reduce((n, reason) => n + q.failedBy[reason], 0));
        let given = 0;
        let endedAtBackends = 0;
        for (const b of r.backends) {
          expect(b.submitted).toBe(b.completed + b.failed + b.inFlight);
          given += b.submitted;
          endedAtBackends += b.completed + b.failed;
        }
        // What no backend took failed at the door (refused by every backend).
        const refused = q.arrived - given;
        expect(refused).toBeGreaterThanOrEqual(0);
        expect(q.succeeded + q.late + q.failed).toBe(endedAtBackends + refused);
        expect(r.backends.map((b) => b.name)).toEqual(backends.map((b, i) => `${b.kind}${i}`));
        // Per class too (one class here).
        expect(r.classes[0]!.arrived).toBe(q.arrived);
      }),
      { numRuns: 40, seed: 20261123 },
    );
  });

  test('each request goes to the first backend that takes it: a busy loss-system server overflows to the API', () => {
    const scenario = scenarioWith(
      [
        { kind: 'fleet', name: 'server', replicas: 1, service: { dist: 'exponential', mean: 1 }, queue: { capacity: 0 } },
        { kind: 'api', name: 'overflow', model: 'gpt-4o-mini' },
      ],
      0.5,
    );
    const r = simulatePlanRun(scenario, 0, 1);
    const [server, api] = r.backends;
    expect(server!.name).toBe('server');
    expect(api!.name).toBe('overflow');
    // Erlang B with one server at load 0.5: a third of arrivals find it busy.
    const overflowShare = api!.submitted / r.requests.arrived;
    expect(overflowShare).toBeGreaterThan(0.28);
    expect(overflowShare).toBeLessThan(0.39);
    expect(server!.submitted + api!.submitted).toBe(r.requests.arrived);
    expect(r.requests.failed).toBe(0);
    // The bill keys items by backend.
    expect(r.cost.items.map((i) => i.id)).toEqual(['overflow.api.input', 'overflow.api.output']);
  });

  test('when every backend refuses, the request fails with the first backend\'s reason', () => {
    const scenario = scenarioWith([{ kind: 'fleet', replicas: 1, service: { dist: 'constant', value: 100 }, queue: { capacity: 0 } }, { kind: 'fleet', replicas: 1, service: { dist: 'constant', value: 100 }, queue: { capacity: 0 } }], 1);
    const r = simulatePlanRun(scenario, 0, 1);
    expect(r.requests.failedBy.queueFull).toBeGreaterThan(0.9 * r.requests.arrived);
  });

  test('backend names must differ within a plan', () => {
    expect(() => scenarioWith([{ kind: 'api', name: 'x', model: 'gpt-4o-mini' }, { kind: 'api', name: 'x', model: 'gpt-4o' }], 1)).toThrow(/plans\.0\.backends\.1\.name: got "x", expected a backend name not used by another backend of this plan/);
  });
});

describe('failure reasons say what happened', () => {
  test('a prompt beyond the API model\'s context window is refused as tooLong', () => {
    const scenario = validateScenario(
      {
        name: 'long',
        horizon: '10m',
        workload: { arrivals: { process: 'poisson', rate: 1 }, input: { dist: 'constant', value: 127_900 }, output: { dist: 'constant', value: 200 } },
        plans: [{ name: 'mini', backends: [{ kind: 'api', model: 'gpt-4o-mini' }] }],
      },
      'test',
    );
    const r = simulatePlanRun(scenario, 0, 1);
    expect(r.requests.failedBy.tooLong).toBe(r.requests.arrived);
    expect(r.cost.total).toBe(0);
  });

  test('a request longer than an LLM replica holds is tooLong, not a full queue', () => {
    const scenario = validateScenario(
      {
        name: 'long',
        horizon: '10m',
        workload: { arrivals: { process: 'poisson', rate: 0.2 }, input: { dist: 'constant', value: 200_000 }, output: { dist: 'constant', value: 10 } },
        plans: [{ name: 'l4', backends: [{ kind: 'fleet', replicas: 1, model: 'llama-3.1-8b', gpu: 'l4' }] }],
      },
      'test',
    );
    const r = simulatePlanRun(scenario, 0, 1);
    expect(r.requests.failedBy.tooLong).toBe(r.requests.arrived);
    expect(r.requests.failedBy.queueFull).toBe(0);
  });

  test('an API that answers 429 to the last retry fails the request as rateLimited; provider errors as errored', () => {
    const limited = simulatePlanRun(scenarioWith([{ kind: 'api', model: 'gpt-4o-mini', rateLimit: { rpm: 30 }, retry: { maxRetries: 1, baseDelay: 1, maxDelay: 2 } }], 2), 0, 1);
    expect(limited.requests.failedBy.rateLimited).toBeGreaterThan(0.3 * limited.requests.arrived);
    expect(limited.requests.failedBy.errored).toBe(0);
    const flaky = simulatePlanRun(scenarioWith([{ kind: 'api', model: 'gpt-4o-mini', outages: { errorRate: 0.5 }, retry: { maxRetries: 0, baseDelay: 1, maxDelay: 2 } }], 2), 0, 1);
    expect(flaky.requests.failedBy.errored).toBeGreaterThan(0.3 * flaky.requests.arrived);
    expect(flaky.requests.failedBy.rateLimited).toBe(0);
  });

  test('a spot fleet with a bounded queue and every replica preempted refuses as unavailable', () => {
    const scenario = scenarioWith(
      [{ kind: 'fleet', replicas: 1, model: 'llama-3.1-8b', gpu: 'l4', queue: { capacity: 2 }, pools: { provider: 'aws', spot: { discount: 0.6, preemptionsPerHour: 30, notice: 0, replacementDelay: 600 } } }],
      1,
    );
    const r = simulatePlanRun(scenario, 0, 1);
    expect(r.spotPreemptions).toBeGreaterThan(0);
    expect(r.requests.failedBy.unavailable).toBeGreaterThan(0);
  });
});

describe('the API client', () => {
  /** An API backend on its own with a sink that records when each request failed. */
  function failureTimes(maxRetries: number, baseDelay: number, requests: number): number[] {
    const sim = new Simulation();
    const table = new RequestTable();
    const failedAt: number[] = [];
    const sink: OutcomeSink = { started: () => {}, firstToken: () => {}, completed: (id) => table.release(id), failed: (id, at, _reason: FailureReason) => (failedAt.push(at), table.release(id)) };
    const ctx: BackendContext = { sim, table, sink, window: { from: 0, to: 3600 } };
    const api = new ApiBackend(ctx, {
      name: 'api',
      tier: 'standard',
      contextWindow: undefined,
      cachedInputShare: 0,
      ttft: makeSampler({ dist: 'constant', value: 0.5 }),
      outputTokensPerSecond: makeSampler({ dist: 'constant', value: 50 }),
      batchLatency: makeSampler({ dist: 'constant', value: 1 }),
      rateLimit: { rpm: 1 },
      retry: { maxRetries, baseDelay, maxDelay: 1000 },
      outages: undefined,
      rng: openStream(1, 'test', 'api'),
      failureRng: openStream(1, 'test', 'failures'),
    });
    for (let i = 0; i < requests; i++) api.submit(table.add(0, 100, 10), 0);
    sim.runUntil(3600);
    return failedAt;
  }

  test('retries back off exponentially with full jitter: delays drawn from [0, base·2^(k−1)]', () => {
    // One call a minute gets through; the rest are refused at 0 and retry within the minute.
    // Three retries with base 5 s wait U(0,5) + U(0,10) + U(0,20): 17.5 s on average.
    const times = failureTimes(3, 5, 2000);
    expect(times.length).toBe(1999);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    expect(mean).toBeGreaterThan(17.5 * 0.95);
    expect(mean).toBeLessThan(17.5 * 1.05);
    expect(Math.max(...times)).toBeLessThanOrEqual(35);
  });
});

describe('the recommendation respects the SLO', () => {
  test('an overloaded self-hosted plan and a rate-limited API plan are excluded, however cheap', () => {
    const scenario = validateScenario(
      {
        name: 'slo',
        horizon: '30m',
        seeds: 2,
        workload: { arrivals: { process: 'poisson', rate: 8 }, input: { dist: 'constant', value: 1500 }, output: { dist: 'constant', value: 300 }, slo: { ttft: '5s', target: 0.95 } },
        plans: [
          { name: 'one-l4', backends: [{ kind: 'fleet', replicas: 1, model: 'llama-3.1-8b', gpu: 'l4' }] },
          { name: 'limited-mini', backends: [{ kind: 'api', model: 'gpt-4o-mini', rateLimit: { rpm: 150 }, retry: { maxRetries: 1, baseDelay: 1, maxDelay: 2 } }] },
          { name: 'sonnet', backends: [{ kind: 'api', model: 'claude-3.5-sonnet' }] },
        ],
      },
      'test',
    );
    const summary = summarizeRuns(runScenario(scenario));
    const cost = (name: string) => summary.plans.find((p) => p.name === name)!.cost.perSuccessfulRequest.mean;
    // The excluded plans are cheaper per successful request than the one recommended.
    expect(cost('limited-mini')).toBeLessThan(cost('sonnet'));
    expect(summary.decision.recommended).toBe('sonnet');
    expect(summary.decision.excluded.map((e) => e.plan).sort()).toEqual(['limited-mini', 'one-l4']);
    for (const e of summary.decision.excluded) expect(e.reason).toMatch(/% of requests succeeded within the SLO, target 95%$/);
    const l4 = summary.plans.find((p) => p.name === 'one-l4')!;
    expect(l4.classes[0]!.successRate.mean).toBeLessThan(0.95);
  });
});
