/**
 * capsim's own fuzz suite: generated inputs through the CLI entry, in-process. Scenario
 * files (valid ones from a few bases, then broken by replacing, deleting or adding fields
 * with hostile values), trace files (rows of random text, numbers and dates) and command
 * lines (flags and values from pools of good and bad ones). Every case must exit 0 or 2,
 * print no stack trace, finish in bounded time, and, when it exits 0 with a run, keep the
 * invariants: every request ends once (arrived = succeeded + late + failed + in flight),
 * money is finite and never negative, latencies are never negative.
 *
 * Quick in `npm test` (350 cases, a fixed seed); CAPSIM_FUZZ_RUNS=N runs N cases of each
 * kind and CAPSIM_FUZZ_SEED=S explores from another seed.
 */
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { capsim, SMALL_SCENARIO, tempDir, tempFile } from '../support/cli.js';

const RUNS = Number(process.env['CAPSIM_FUZZ_RUNS'] ?? 0);
/** A fixed seed keeps npm test repeatable; CAPSIM_FUZZ_SEED explores elsewhere. */
const SEED = Number(process.env['CAPSIM_FUZZ_SEED'] ?? 20261124);
const runs = (quick: number) => (RUNS > 0 ? RUNS : quick);
/** Longest a case may take (seconds): a run is two seeds of a few simulated seconds. */
const CASE_SECONDS = 20;

const BASES = [
  SMALL_SCENARIO,
  `
name: api
horizon: 30s
seeds: 2
workload:
  arrivals: { process: poisson, rate: 2 }
  input: { dist: lognormal, median: 500, p99: 4000 }
  output: { dist: constant, value: 50 }
  slo: { ttft: 2s }
plans:
  - name: mini
    backends: [{ kind: api, model: gpt-4o-mini, rateLimits: { rpm: 60 } }]
  - name: own
    backends: [{ kind: fleet, replicas: 1, model: llama-3.1-8b, gpu: l4, dtype: fp8 }]
    overhead: { engineeringUsdPerMonth: 100 }
`,
  `
name: hybrid
horizon: 30s
seeds: 2
workload:
  arrivals: { process: gamma, rate: 1, cv: 2 }
  classes:
    - { name: a, share: 0.7, complexity: simple, input: { dist: constant, value: 100 }, output: { dist: constant, value: 20 } }
    - { name: b, share: 0.3, complexity: complex, input: { dist: uniform, min: 10, max: 2000 }, output: { dist: exponential, mean: 40 } }
plans:
  - name: h
    backends:
      - { name: own, kind: fleet, replicas: 1, model: llama-3.1-8b, gpu: h100-sxm, failures: { mtbf: 1h, mttr: 10m } }
      - { name: api, kind: api, model: claude-3.5-sonnet }
    routing:
      rules:
        - { class: a, to: own, fallback: api }
        - { class: b, to: api }
`,
];

/** Values that break things: extremes, wrong types, text with control characters. */
const HOSTILE: unknown[] = [0, -1, 1e308, -1e308, 1e-300, 2 ** 53, 9007199254740993, 1e15, 0.5, 1e9, '', 'x', '1e999', 'NaN', '-0', null, true, [], {}, [1, 2], { dist: 'normal', mean: 0.1, sd: 5 }, { dist: 'gamma', mean: 1, cv: 1e-200 }, 'a'.repeat(5000), '\u0007\u001b[31mred', '2023-13-45', '__proto__', { __proto__: { x: 1 } }];

/** Paths of every field in a parsed scenario (for mutation targets). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return [prefix, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (typeof value === 'object' && value !== null) return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return [prefix];
}

type Mutation = { kind: 'set' | 'delete' | 'add'; target: number; value: number };

function mutate(base: unknown, mutations: readonly Mutation[]): unknown {
  const doc = structuredClone(base) as Record<string, unknown>;
  for (const m of mutations) {
    const all = paths(doc).filter((p) => p.length > 0);
    const path = all[m.target % all.length]!;
    const key = path[path.length - 1]!;
    // Rates and horizons scale the work: keep them in a range that runs in seconds.
    // A copy: a later mutation may add fields inside it, and the pool is shared by every case.
    const value = structuredClone(/^(rate|perDay|horizon|warmup|seeds|replicas|max|min)$/.test(String(key)) ? [0, -1, 'x', 3, 0.5, null][m.value % 6] : HOSTILE[m.value % HOSTILE.length]);
    let parent: unknown = doc;
    for (const k of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[k];
    const node = parent as Record<string | number, unknown>;
    if (m.kind === 'set') node[key] = value;
    else if (m.kind === 'delete') {
      if (Array.isArray(node)) node.splice(Number(key), 1);
      else delete node[key];
    } else if (typeof node === 'object' && !Array.isArray(node)) node[`unknown${m.value}`] = value;
  }
  return doc;
}

function expectClean(r: { code: number; stderr: string }, started: number): void {
  expect([0, 2], r.stderr).toContain(r.code);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(r.stderr.length).toBeLessThan(20_000);
  expect((Date.now() - started) / 1000).toBeLessThan(CASE_SECONDS);
}

/** The invariants of an accepted run's --json document. */
function expectInvariants(doc: { plans: { requests: Record<string, { mean: number }>; perRun: { costTotal: number | null; costPerMonth: number | null }[]; cost: { total: { mean: number } }; latency: Record<string, Record<string, number | null>> }[] }): void {
  for (const plan of doc.plans) {
    const r = plan.requests;
    expect(r['arrived']!.mean).toBeCloseTo(r['succeeded']!.mean + r['late']!.mean + r['failed']!.mean + r['inFlight']!.mean, 6);
    for (const run of plan.perRun) {
      expect(typeof run.costTotal).toBe('number');
      expect(run.costTotal!).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(run.costPerMonth)).toBe(true);
    }
    for (const metric of Object.values(plan.latency)) for (const v of Object.values(metric)) if (typeof v === 'number') expect(v).toBeGreaterThanOrEqual(0);
  }
}

describe('fuzz: generated inputs through the CLI', () => {
  const bases = BASES.map((text) => parse(text) as unknown);
  const mutation = fc.record({ kind: fc.constantFrom('set', 'delete', 'add'), target: fc.nat(), value: fc.nat() }) as fc.Arbitrary<Mutation>;

  test('scenario files: exit 0 or 2, no stack trace, bounded time; accepted runs keep their invariants', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(bases.length - 1), fc.array(mutation, { minLength: 0, maxLength: 3 }), fc.boolean(), async (b, mutations, asJson) => {
        const doc = mutate(bases[b], mutations);
        const file = tempFile(asJson ? 's.json' : 's.yaml', asJson ? JSON.stringify(doc) : stringify(doc));
        const started = Date.now();
        const r = await capsim('run', file, '--json', '--workers', '1', '--quiet', '--seeds', '2', '--set', 'horizon=5s', '--set', 'warmup=0');
        expectClean(r, started);
        if (r.code === 0) {
          accepted++;
          expectInvariants(JSON.parse(r.stdout));
        } else expect(r.stderr).toMatch(/^capsim: /);
      }),
      { numRuns: runs(150), seed: SEED },
    );
    // The generator must reach the simulator, not only the validator.
    expect(accepted).toBeGreaterThan(runs(150) / 10);
  }, 600_000);

  test('trace files: exit 0 or 2, no stack trace', async () => {
    const cell = fc.oneof(fc.constantFrom('2023-11-16 18:17:03.9', '2023-11-16 18:17:04', '2023-02-30 00:00:00', '0x10', '-1', '1e3', '12', '', ' 5 ', '9007199254740993', 'NaN'), fc.string({ maxLength: 12 }), fc.nat().map(String));
    const row = fc.array(cell, { minLength: 0, maxLength: 4 }).map((cells) => cells.join(','));
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 8 }), fc.boolean(), async (rows, skip) => {
        const file = tempFile('t.csv', ['TIMESTAMP,ContextTokens,GeneratedTokens', ...rows].join('\n') + '\n');
        const started = Date.now();
        const r = await capsim('trace', 'stats', file, '--json', ...(skip ? ['--skip-bad-rows'] : []));
        expectClean(r, started);
        if (r.code === 0) {
          const stats = JSON.parse(r.stdout);
          expect(stats.rows).toBeGreaterThan(0);
          expect(stats.span_s).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: runs(100), seed: SEED },
    );
  }, 600_000);

  test('calibrate result files: exit 0 or 2, no stack trace, never a long replay', async () => {
    const number = fc.oneof(fc.constantFrom(0, -1, 1, 2, 1e308, -1e308, 0.5, 3, 20, 400, 25_000, 10_000_000), fc.double({ noNaN: false }), fc.constantFrom('inf', 'x', null, true, [], {}));
    const lens = fc.array(fc.oneof(fc.nat({ max: 3000 }), number), { maxLength: 6 });
    const vllm = fc.record(
      {
        completed: number,
        request_rate: number,
        max_concurrency: number,
        burstiness: number,
        total_input_tokens: number,
        total_output_tokens: number,
        mean_ttft_ms: number,
        median_ttft_ms: number,
        p99_tpot_ms: number,
        mean_itl_ms: number,
        input_lens: lens,
        output_lens: lens,
      },
      { requiredKeys: [] },
    );
    const summary = fc.record({ successful: fc.record({ mean: number, median: number, count: number, percentiles: fc.record({ p99: number }, { requiredKeys: [] }) }, { requiredKeys: [] }) }, { requiredKeys: [] });
    const strategy = fc.record({ type_: fc.constantFrom('synchronous', 'concurrent', 'throughput', 'constant', 'poisson', 'sweep', 3), rate: number, streams: number }, { requiredKeys: [] });
    const guidellm = fc.record({
      benchmarks: fc.array(
        fc.record({ args: fc.record({ strategy }, { requiredKeys: [] }), metrics: fc.record({ time_to_first_token_ms: summary, inter_token_latency_ms: summary, request_latency: summary, prompt_token_count: summary, output_token_count: summary }, { requiredKeys: [] }) }, { requiredKeys: [] }),
        { maxLength: 3 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(vllm, guidellm), async (doc) => {
        const file = tempFile('result.json', JSON.stringify(doc));
        const started = Date.now();
        const r = await capsim('calibrate', file, '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--out', join(tempDir(), 'p.json'));
        expectClean(r, started);
      }),
      { numRuns: runs(60), seed: SEED },
    );
  }, 600_000);

  test('command lines: exit 0 or 2, no stack trace', async () => {
    const scenario = tempFile('small.yaml', SMALL_SCENARIO.replace('horizon: 30m', 'horizon: 20s'));
    const value = fc.constantFrom('0', '1', '-1', '2', '1e308', '', 'x', '0x10', '9007199254740993', '1..3:2', '3..1:2', 'a=1', 'workload.arrivals.rate=2', 'horizon=[', '0/2', '2/2', 'plans.0.name=__proto__', 'h100-sxm', 'llama-3.1-8b', '7');
    const flag = fc.constantFrom('--seeds', '--seed', '--set', '--workers', '--format', '--param', '--range', '--tp', '--model', '--gpu', '--shard', '--tolerance', '--plan', '--plans', '--input', '--engine', '--max-num-seqs');
    const command = fc.constantFrom(['run', scenario], ['validate', scenario], ['sweep', scenario], ['perf'], ['prices'], ['size', scenario], ['breakeven', scenario], ['schema'], ['report'], ['merge']);
    await fc.assert(
      fc.asyncProperty(command, fc.array(fc.tuple(flag, value), { maxLength: 4 }), async (cmd, flags) => {
        const argv = [...cmd, ...flags.flat(), '--quiet'].filter((a) => !(a === '--quiet' && (cmd[0] === 'perf' || cmd[0] === 'prices' || cmd[0] === 'schema' || cmd[0] === 'validate')));
        const started = Date.now();
        const r = await capsim(...argv);
        expectClean(r, started);
      }),
      { numRuns: runs(100), seed: SEED },
    );
  }, 600_000);
});
