/**
 * Hybrid plans: routing by class and classifier, overflow, fallback, pinning of sensitive
 * classes, and replica failures.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { resolveCosts } from '../../src/cost/index.js';
import { simulatePlanRun, type PlanRunResult } from '../../src/experiment/index.js';
import { ScenarioError, validateScenario, type Scenario } from '../../src/scenario/index.js';
import { itemUsd } from '../support/bill.js';

const SMALL = { name: 'small', kind: 'fleet', model: 'llama-3.1-8b', gpu: 'l4', dtype: 'fp8', replicas: 1 };
const FRONTIER = { name: 'frontier', kind: 'api', model: 'claude-3.5-sonnet' };
const LENGTHS = { input: { dist: 'constant', value: 2000 }, output: { dist: 'constant', value: 200 } };

function twoClasses(extra: Record<string, unknown>[] = [{}, {}]): Record<string, unknown>[] {
  return [
    { name: 'simple', share: 0.7, complexity: 'simple', ...LENGTHS, slo: { ttft: '5s' }, ...extra[0] },
    { name: 'complex', share: 0.3, complexity: 'complex', ...LENGTHS, slo: { ttft: '5s' }, ...extra[1] },
  ];
}

function hybrid(plans: Record<string, unknown>[], rate: number, horizon = '1d', classes = twoClasses()): Scenario {
  return validateScenario({ name: 'hybrid', horizon, workload: { arrivals: { process: 'poisson', rate }, classes }, plans }, 'test');
}

const successOf = (r: PlanRunResult, k: number) => r.classes[k]!.succeeded / r.classes[k]!.arrived;

describe('routing by class, with API fallback through a self-hosted outage', () => {
  // One small replica that fails about every 8 hours and takes 2 hours to repair.
  const failing = { ...SMALL, failures: { mtbf: '8h', mttr: '2h' } };
  const scenario = hybrid(
    [
      { name: 'with-fallback', backends: [failing, FRONTIER], routing: { rules: [{ when: { class: 'simple' }, to: 'small', fallback: 'frontier' }, { to: 'frontier' }] } },
      { name: 'without', backends: [failing, FRONTIER], routing: { rules: [{ when: { class: 'simple' }, to: 'small' }, { to: 'frontier' }] } },
    ],
    0.1,
    '3d',
  );
  const withFallback = simulatePlanRun(scenario, 0, 1);
  const without = simulatePlanRun(scenario, 1, 1);

  test('the outages happen in both plans (same draws)', () => {
    expect(withFallback.replicaFailures).toBeGreaterThan(3);
    expect(without.replicaFailures).toBe(withFallback.replicaFailures);
  });

  test('with fallback the simple class keeps its success rate; without, it drops', () => {
    expect(successOf(withFallback, 0)).toBeGreaterThan(0.99);
    expect(successOf(without, 0)).toBeLessThan(0.95);
    expect(withFallback.routing!.fallbacks).toBeGreaterThan(100);
    expect(without.routing!.fallbacks).toBe(0);
  });

  test('the fallback shows in the bill: the frontier API served simple requests too', () => {
    expect(withFallback.classes[0]!.byBackend['frontier']).toBe(withFallback.routing!.fallbacks);
    expect(without.classes[0]!.byBackend['frontier']).toBe(0);
    expect(itemUsd(withFallback.cost, 'api.input')! - itemUsd(without.cost, 'api.input')!).toBeGreaterThan(0);
    // A failed on-demand replica stays billed while it is repaired: the GPU line is the same.
    expect(itemUsd(withFallback.cost, 'gpu.onDemand.l4')).toBeCloseTo(itemUsd(without.cost, 'gpu.onDemand.l4')!, 9);
  });
});

describe('a classifier', () => {
  const rules = [{ when: { complexity: 'simple' }, to: 'small' }, { to: 'frontier' }];
  const scenario = hybrid(
    [
      { name: 'escalate', backends: [{ ...SMALL, replicas: 2 }, FRONTIER], routing: { classifier: { accuracy: 0.9, latency: '50ms', costPerCall: 0.001, onMisroute: 'escalate' }, rules } },
      { name: 'fail', backends: [{ ...SMALL, replicas: 2 }, FRONTIER], routing: { classifier: { accuracy: 0.9, latency: '50ms', costPerCall: 0.001, onMisroute: 'fail' }, rules } },
    ],
    0.1,
  );
  const escalate = simulatePlanRun(scenario, 0, 7);
  const fail = simulatePlanRun(scenario, 1, 7);

  test('routes as often as its accuracy says: within the binomial 99.9% interval', () => {
    const n = escalate.requests.arrived;
    // P(labelled simple) = 0.7 × 0.9 + 0.3 × 0.1
    const p = 0.66;
    const share = escalate.routing!.byRule[0]! / n;
    expect(Math.abs(share - p)).toBeLessThan(3.3 * Math.sqrt((p * (1 - p)) / n));
    // Misroutes: complex requests labelled simple, 0.3 × 0.1 of arrivals.
    const q = 0.03;
    expect(Math.abs(escalate.routing!.misroutes / n - q)).toBeLessThan(3.3 * Math.sqrt((q * (1 - q)) / n) + 2 / n);
    // The same classifier makes the same mistakes in both plans (common random numbers).
    expect(fail.routing!.misroutes).toBe(escalate.routing!.misroutes);
  });

  test('escalation bills both calls; a quality failure is billed and not a success', () => {
    const e = escalate.routing!;
    expect(e.escalations).toBe(e.misroutes);
    // Escalated requests were given to the small fleet and then to the frontier.
    expect(escalate.classes[1]!.byBackend['small']).toBe(e.misroutes);
    expect(escalate.classes[1]!.byBackend['frontier']).toBe(escalate.classes[1]!.arrived);
    expect(escalate.requests.failedBy.misrouted).toBe(0);
    expect(fail.requests.failedBy.misrouted).toBe(fail.routing!.misroutes);
    expect(fail.classes[1]!.byBackend['frontier']).toBe(fail.classes[1]!.arrived - fail.routing!.misroutes);
    // The classifier is billed per call, one call per request.
    expect(itemUsd(escalate.cost, 'router.classifier')).toBeCloseTo(0.001 * escalate.requests.arrived, 9);
    // The frontier bills the 2,000-token prompt of every complex request, escalated ones included.
    expect(itemUsd(escalate.cost, 'api.input')).toBeCloseTo((escalate.classes[1]!.byBackend['frontier']! + escalate.classes[0]!.byBackend['frontier']!) * 2000 * 3e-6, 6);
  });

  test('a classifier naming an API model bills the prompt it reads at that model\'s prices', () => {
    const s = hybrid([{ name: 'p', backends: [SMALL, FRONTIER], routing: { classifier: { accuracy: 1, model: 'gpt-4o-mini', outputTokens: 2 }, rules } }], 0.05, '2h');
    const r = simulatePlanRun(s, 0, 1, resolveCosts(s));
    expect(itemUsd(r.cost, 'router.classifier')).toBeCloseTo(r.routing!.classifierCalls * (2000 * 0.15 + 2 * 0.6) / 1e6, 9);
    expect(r.routing!.misroutes).toBe(0);
  });
});

describe('overflow', () => {
  test('a saturated small fleet overflows to the API and keeps the TTFT SLO, where it misses without', () => {
    const rules = (overflow: boolean) => [{ when: { complexity: 'simple' }, to: 'small', ...(overflow ? { overflow: { maxWait: '1s', to: 'frontier' } } : {}) }, { to: 'frontier' }];
    const scenario = hybrid(
      [
        { name: 'overflow', backends: [SMALL, FRONTIER], routing: { rules: rules(true) } },
        { name: 'no-overflow', backends: [SMALL, FRONTIER], routing: { rules: rules(false) } },
      ],
      2.5,
      '1h',
    );
    const overflow = simulatePlanRun(scenario, 0, 1);
    const plain = simulatePlanRun(scenario, 1, 1);
    expect(overflow.routing!.overflows).toBeGreaterThan(0);
    // Of the simple requests that finished within the hour (a saturated fleet still holds some at the end):
    const finishedWithinSlo = (r: PlanRunResult) => r.classes[0]!.succeeded / (r.classes[0]!.succeeded + r.classes[0]!.late + r.classes[0]!.failed);
    expect(finishedWithinSlo(overflow)).toBeGreaterThan(0.99);
    expect(finishedWithinSlo(plain)).toBeLessThan(0.9);
  });
});

describe('sensitive classes stay on own hardware', () => {
  test('validation rejects a plan in which a sensitive class has no self-hosted fleet', () => {
    expect(() => hybrid([{ name: 'api-only', backends: [FRONTIER] }], 0.1, '1h', twoClasses([{ sensitive: true }, {}]))).toThrow(ScenarioError);
    expect(() => hybrid([{ name: 'api-only', backends: [FRONTIER] }], 0.1, '1h', twoClasses([{ sensitive: true }, {}]))).toThrow(/plans\.0\.backends: .*a self-hosted fleet: class simple is sensitive/);
  });

  test('property: whatever the rules say, a sensitive request never reaches an API backend', () => {
    const names = ['own', 'api-a', 'api-b'];
    const name = fc.constantFrom(...names);
    const rule = fc.record({ to: name, fallback: fc.option(name, { nil: undefined }), overflow: fc.option(fc.record({ to: name, maxQueue: fc.integer({ min: 0, max: 3 }) }), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(rule, { minLength: 0, maxLength: 3 }), fc.boolean(), fc.boolean(), fc.integer({ min: 1, max: 500 }), (rules, sensitiveSimple, failing, seed) => {
        const backends = [
          { ...SMALL, name: 'own', ...(failing ? { failures: { mtbf: '20m', mttr: '10m' } } : {}) },
          { kind: 'api', name: 'api-a', model: 'gpt-4o-mini' },
          { kind: 'api', name: 'api-b', model: 'claude-3.5-sonnet', outages: { errorRate: 0.3 }, retry: { maxRetries: 0 } },
        ];
        const all = [{ when: { class: 'complex' }, to: 'api-a', fallback: 'api-b' }, ...rules, { to: 'api-b', fallback: 'own' }];
        const scenario = hybrid([{ name: 'p', backends, routing: { rules: all } }], 0.3, '1h', twoClasses([{ sensitive: sensitiveSimple }, { sensitive: !sensitiveSimple }]));
        const r = simulatePlanRun(scenario, 0, seed);
        for (const c of r.classes) {
          const sensitive = c.name === 'simple' ? sensitiveSimple : !sensitiveSimple;
          if (sensitive) {
            expect(c.byBackend['api-a']).toBe(0);
            expect(c.byBackend['api-b']).toBe(0);
          }
        }
        expect(r.requests.arrived).toBe(r.requests.succeeded + r.requests.late + r.requests.failed + r.requests.inFlight);
      }),
      { numRuns: 30, seed: 11 },
    );
  });

  test('a sensitive request with no own capacity up fails as unavailable', () => {
    const failing = { ...SMALL, name: 'own', failures: { mtbf: '2h', mttr: '4h' } };
    const scenario = hybrid([{ name: 'p', backends: [failing, FRONTIER], routing: { rules: [{ to: 'frontier' }] } }], 0.2, '1d', twoClasses([{ sensitive: true }, {}]));
    const r = simulatePlanRun(scenario, 0, 1);
    expect(r.classes[0]!.byBackend['frontier']).toBe(0);
    expect(r.classes[0]!.failedBy.unavailable).toBeGreaterThan(0);
  });
});

describe('routing validation names what is wrong', () => {
  test('unknown backends, classes and labels, and classes no rule matches', () => {
    const bad = (routing: Record<string, unknown>) => () => hybrid([{ name: 'p', backends: [SMALL, FRONTIER], routing }], 0.1, '1h');
    expect(bad({ rules: [{ to: 'nowhere' }] })).toThrow(/plans\.0\.routing\.rules\.0\.to: got "nowhere", expected the name of a backend of this plan \(small, frontier\)/);
    expect(bad({ rules: [{ when: { class: 'chat' }, to: 'small' }, { to: 'frontier' }] })).toThrow(/rules\.0\.when\.class: got "chat", expected a request class of the workload \(simple, complex\)/);
    expect(bad({ rules: [{ when: { complexity: 'simple' }, to: 'small' }] })).toThrow(/plans\.0\.routing\.rules: .*a rule for class complex with complexity complex/);
    expect(bad({ classifier: { accuracy: 0.9 }, rules: [{ when: { class: 'simple' }, to: 'small' }, { when: { class: 'complex', complexity: 'complex' }, to: 'frontier' }] })).toThrow(/a rule for class complex with complexity simple/);
  });
});

describe('batch work on the own fleet at low priority', () => {
  const small = { ...SMALL, name: 'small' };
  const batchApi = { name: 'batchapi', kind: 'api', model: 'gpt-4o-mini', tier: 'batch' };
  const scenario = (docsRate: number, deadline: string) =>
    validateScenario(
      {
        name: 'batch',
        horizon: '2d',
        workload: {
          arrivals: { process: 'poisson', rate: 0.1 + docsRate, diurnal: { peakHour: 14, peakToAverage: 2 } },
          classes: [
            { name: 'chat', share: 0.1 / (0.1 + docsRate), input: { dist: 'lognormal', median: 1500, p99: 6000 }, output: { dist: 'lognormal', median: 200, p99: 800 }, slo: { ttft: '3s' } },
            { name: 'documents', share: docsRate / (0.1 + docsRate), input: { dist: 'constant', value: 4000 }, output: { dist: 'constant', value: 400 }, deadline },
          ],
        },
        plans: [
          { name: 'own-batch', backends: [small, batchApi], routing: { rules: [{ when: { class: 'documents' }, to: 'small', priority: 'batch' }, { to: 'small' }] }, overhead: { infraPercentOfGpu: 40 } },
          { name: 'api-batch', backends: [small, batchApi], routing: { rules: [{ when: { class: 'documents' }, to: 'batchapi' }, { to: 'small' }] }, overhead: { infraPercentOfGpu: 40 } },
        ],
      },
      'test',
    );

  test('filling idle hours raises paid utilization, meets the deadlines, keeps interactive TTFT, and costs less per success', () => {
    const s = scenario(0.15, '24h');
    const own = simulatePlanRun(s, 0, 1);
    const api = simulatePlanRun(s, 1, 1);
    expect(own.cost.paidUtilization - api.cost.paidUtilization).toBeGreaterThan(0.2);
    const docs = own.classes[1]!;
    expect(docs.failedBy.deadlineMissed).toBe(0);
    expect(docs.succeeded / docs.arrived).toBeGreaterThan(0.99);
    expect(successOf(own, 0)).toBeGreaterThan(0.99);
    expect(own.cost.perSuccessfulRequest).toBeLessThan(api.cost.perSuccessfulRequest);
  });

  test('more batch work than the fleet can take: deadlines are missed, interactive requests still come first', () => {
    const own = simulatePlanRun(scenario(1, '10m'), 0, 1);
    expect(own.classes[1]!.failedBy.deadlineMissed).toBeGreaterThan(0.3 * own.classes[1]!.arrived);
    expect(successOf(own, 0)).toBeGreaterThan(0.97);
  });

  test('validation: batch priority needs a fleet as the target', () => {
    expect(() => hybrid([{ name: 'p', backends: [SMALL, FRONTIER], routing: { rules: [{ to: 'frontier', priority: 'batch' }] } }], 0.1, '1h')).toThrow(/rules\.0\.priority: got "batch", expected a fleet of the plan as the rule's target/);
  });
});
