import { describe, expect, test } from 'vitest';
import { replicaSaturationRate, simulatePlanRun } from '../../src/experiment/index.js';
import { LogHistogram } from '../../src/metrics/index.js';
import { validateScenario, type Scenario } from '../../src/scenario/index.js';
import { capsim, tempFile } from '../support/cli.js';
import { fleetOf } from '../support/scenarios.js';

function llmScenario(rate: number, horizon: number, extra: Record<string, unknown> = {}): Scenario {
  return validateScenario(
    {
      name: 'llm',
      horizon,
      warmup: 0,
      workload: { arrivals: { process: 'poisson', rate }, input: { dist: 'lognormal', median: 800, p99: 4000 }, output: { dist: 'lognormal', median: 150, p99: 600 } },
      plans: [{ name: 'one', backends: [{ kind: 'fleet', replicas: 1, model: 'llama-3.1-8b', gpu: 'l4', dtype: 'fp8', scheduler: { maxNumSeqs: 64 }, ...extra }] }],
    },
    'test',
  );
}

const meanTtft = (s: Scenario) => LogHistogram.fromJSON(simulatePlanRun(s, 0, 1).latency.ttft).mean();

describe('an LLM fleet below and above its saturation throughput', () => {
  const saturation = replicaSaturationRate(llmScenario(1, 60), fleetOf(llmScenario(1, 60)));

  test('below saturation, TTFT stays bounded as the horizon doubles', () => {
    const short = meanTtft(llmScenario(0.6 * saturation, 1800));
    const long = meanTtft(llmScenario(0.6 * saturation, 3600));
    expect(long / short).toBeLessThan(1.5);
    expect(long).toBeLessThan(5);
  });

  test('above saturation, queue wait and TTFT grow without bound', () => {
    const short = simulatePlanRun(llmScenario(1.5 * saturation, 900), 0, 1);
    const long = simulatePlanRun(llmScenario(1.5 * saturation, 1800), 0, 1);
    const wait = (r: typeof short) => LogHistogram.fromJSON(r.latency.queueWait).mean();
    const ttft = (r: typeof short) => LogHistogram.fromJSON(r.latency.ttft).mean();
    expect(wait(long) / wait(short)).toBeGreaterThan(1.6);
    expect(ttft(long) / ttft(short)).toBeGreaterThan(1.6);
    expect(ttft(long)).toBeGreaterThan(60);
  });

  test('every request is accounted for, with causality of its times', () => {
    for (const rate of [0.5 * saturation, 2 * saturation]) {
      const r = simulatePlanRun(llmScenario(rate, 1200, { queue: { timeout: 120 } }), 0, 3);
      expect(r.requests.arrived).toBe(r.requests.succeeded + r.requests.failed + r.requests.inFlight);
      expect(r.requests.succeeded).toBeGreaterThan(100);
      const ttft = LogHistogram.fromJSON(r.latency.ttft);
      const e2e = LogHistogram.fromJSON(r.latency.e2e);
      expect(ttft.min).toBeGreaterThan(0);
      expect(e2e.mean()).toBeGreaterThan(ttft.mean());
    }
  });
});

describe('LLM scenarios from the command line', () => {
  const text = `
name: llm-cli
horizon: 20m
seeds: 2
workload:
  arrivals: { process: poisson, rate: 3 }
  input: { dist: lognormal, median: 800, p99: 4000 }
  output: { dist: constant, value: 200 }
plans:
  - name: h100
    backends:
      - { kind: fleet, replicas: 1, model: llama-3.1-8b, gpu: h100-sxm }
`;
  test('--json has ttft and tpot, and is byte-identical for the same seed', async () => {
    const file = tempFile('llm.yaml', text);
    const a = await capsim('run', file, '--json');
    const b = await capsim('run', file, '--json');
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const plan = JSON.parse(a.stdout).plans[0];
    for (const q of ['mean', 'p50', 'p90', 'p99']) {
      expect(plan.latency.ttft[q]).toBeGreaterThan(0);
      expect(plan.latency.tpot[q]).toBeGreaterThan(0);
    }
    expect(plan.outputTokensPerSecond.mean).toBeCloseTo(600, -2);
  });

  test('a model that does not fit is bad input naming the backend', async () => {
    const r = await capsim('run', tempFile('big.yaml', text.replace('model: llama-3.1-8b, gpu: h100-sxm', 'model: llama-3.1-70b, gpu: h100-sxm')));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/plans\.0\.backends\.0: got "llama-3\.1-70b on 1 × h100-sxm", expected a replica that fits its GPUs: llama-3\.1-70b in bf16 needs 141 GB for weights; 1 × h100-sxm has 86 GB/);
  });

  test('an unknown model or GPU names the closest known ids', async () => {
    const r = await capsim('run', tempFile('typo.yaml', text.replace('gpu: h100-sxm', 'gpu: h100sxm')));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/plans\.0\.backends\.0\.gpu: got "h100sxm", expected a known GPU id \(did you mean "h100-sxm"\?\)/);
  });

  test('LLM fleets need token lengths', async () => {
    const r = await capsim('validate', tempFile('nolen.yaml', text.replace(/  input: .*\n  output: .*\n/, '')));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/workload\.input: got nothing, expected a token-length distribution/);
  });

  test('capsim perf --json reports KV capacity, decode and prefill tables', async () => {
    const r = await capsim('perf', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    // (81,559 MiB × 0.9 − 1.5 GB − 16.06 GB) / 131,072 bytes a token, in whole 16-token blocks
    expect(doc.kvCapacityTokens).toBe(453_248);
    expect(doc.decode.map((d: { batch: number }) => d.batch)).toEqual([1, 8, 16, 32, 64, 128, 256]);
    expect(doc.decode[0]).toMatchObject({ batch: 1, context: 1024 });
    expect(doc.prefill.map((p: { tokens: number }) => p.tokens)).toEqual([128, 512, 2048, 8192]);
    // Each step term by term, adding up to its time on the side of the roofline it names.
    for (const row of [...doc.decode, ...doc.prefill]) {
      const t = row.terms;
      expect(t.total).toBeCloseTo(row.stepSeconds ?? row.seconds, 12);
      expect(t.total).toBeCloseTo(t.fixed + t.communication + (t.bound === 'compute' ? t.compute : t.weights + t.kv), 12);
    }
    expect(doc.decode[0].terms.bound).toBe('memory');
    expect(doc.prefill[3].terms.bound).toBe('compute');
    expect(doc.saturation.outputTokensPerSecond).toBeGreaterThan(1000);
  });

  test('capsim perf with an unknown GPU or a model that does not fit exits 2', async () => {
    const unknown = await capsim('perf', '--model', 'llama-3.1-8b', '--gpu', 'h1OO');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--gpu h1OO: expected a known gpu id; closest known: h100-pcie, h100-sxm, /);
    const big = await capsim('perf', '--model', 'llama-3.1-405b', '--gpu', 'h100-sxm', '--tp', '4');
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/needs 812 GB for weights/);
  });
});

describe('an LLM replica that serves one request at a time is an M/D/1 queue', () => {
  test('mean queue wait matches Pollaczek–Khinchine within 3%', async () => {
    const { mg1MeanQueueWait } = await import('../../src/fleet/index.js');
    const [a, b, c] = [0.004, 0.00002, 1e-7];
    const [p, o] = [500, 50];
    // Prefill step, then o − 1 decode steps whose context grows by one each.
    const service = a + b * p + c * p + (o - 1) * (a + b) + c * ((o - 1) * p + ((o - 1) * o) / 2);
    const rate = 0.7 / service;
    const scenario = validateScenario(
      {
        name: 'md1',
        horizon: 40_000 * service,
        warmup: 200 * service,
        workload: { arrivals: { process: 'poisson', rate }, input: { dist: 'constant', value: p }, output: { dist: 'constant', value: o } },
        plans: [{ name: 'one', backends: [{ kind: 'fleet', replicas: 1, model: 'llama-3.1-8b', gpu: 'h100-sxm', scheduler: { maxNumSeqs: 1 }, profile: { kind: 'linear', a, b, c } }] }],
      },
      'md1',
    );
    const waits = Array.from({ length: 8 }, (_, i) => LogHistogram.fromJSON(simulatePlanRun(scenario, 0, i + 1).latency.queueWait).mean());
    const mean = waits.reduce((x, y) => x + y, 0) / waits.length;
    const exact = mg1MeanQueueWait(rate, service, 0);
    expect(Math.abs(mean / exact - 1)).toBeLessThan(0.03);
    // And a request takes the service time once admitted (the two means differ only by the
    // few requests admitted but unfinished at the horizon).
    const run = simulatePlanRun(scenario, 0, 1);
    const e2e = LogHistogram.fromJSON(run.latency.e2e);
    const wait = LogHistogram.fromJSON(run.latency.queueWait);
    expect(Math.abs((e2e.mean() - wait.mean()) / service - 1)).toBeLessThan(1e-3);
    expect(e2e.min).toBeCloseTo(service, 9);
  });
});

describe('the LLM fleet dispatcher', () => {
  test('sends each request to the least-loaded replica: four replicas share the work evenly', () => {
    const one = llmScenario(1, 60);
    const saturation = replicaSaturationRate(one, fleetOf(one));
    // Four replicas at 40% of their joint saturation rate.
    const r = simulatePlanRun(llmScenario(0.4 * 4 * saturation, 1800, { replicas: 4 }), 0, 1);
    const u = r.replicaUtilization;
    expect(u.length).toBe(4);
    const mean = u.reduce((a, b) => a + b, 0) / u.length;
    for (const x of u) expect(Math.abs(x / mean - 1)).toBeLessThan(0.25);
    // Dispatching to the first replica would pile the queue on it; least-loaded keeps waits short.
    expect(LogHistogram.fromJSON(r.latency.queueWait).quantile(0.99)).toBeLessThan(2);
  });
});
