/**
 * The scenario file's grammar, in zod: what users may write. Parsing turns durations into
 * seconds and shorthands into one form, so the `Scenario` type (zod's output) is what the
 * rest of capsim trusts; nothing downstream re-validates.
 *
 * Objects are strict: an unknown field is an error with a did-you-mean (see validate.ts).
 * Absent is not zero: optional fields stay undefined, defaulted ones say so here.
 */
import { z } from 'zod';
import { Z99, type Distribution } from '../random/index.js';
import { GPU_IDS, KV_DTYPES, MODEL_IDS, WEIGHT_DTYPES } from '../catalog/index.js';
import { DURATION_PATTERN, parseDuration } from './duration.js';
import { unknownIdMessage } from './errors.js';

const EXPECTED_DURATION = 'a duration: seconds as a number, or a string like 90s, 15m, 3h, 30d';

const durationInput = z.union([z.number().nonnegative({ error: EXPECTED_DURATION }), z.string().regex(DURATION_PATTERN, { error: EXPECTED_DURATION })], {
  error: EXPECTED_DURATION,
});
/** Seconds, >= 0. */
export const duration = durationInput.transform((v) => (typeof v === 'number' ? v : parseDuration(v)!));
/** Seconds, > 0. */
export const positiveDuration = duration.refine((s) => s > 0, { error: `${EXPECTED_DURATION}, greater than zero` });

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

/**
 * A distribution of a non-negative quantity (service time, token count, latency).
 * Lognormal takes either {mean, sd} or {median, p99}.
 */
export const distribution = z
  .discriminatedUnion('dist', [
    z.strictObject({ dist: z.literal('constant'), value: nonNegative }),
    z
      .strictObject({ dist: z.literal('uniform'), min: nonNegative, max: nonNegative })
      .refine((d) => d.max >= d.min, { error: 'max >= min', path: ['max'] }),
    z.strictObject({ dist: z.literal('exponential'), mean: positive }),
    z.strictObject({ dist: z.literal('normal'), mean: z.number(), sd: nonNegative }),
    z
      .strictObject({
        dist: z.literal('lognormal'),
        mean: positive.optional(),
        sd: positive.optional(),
        median: positive.optional(),
        p99: positive.optional(),
      })
      .refine(
        (d) => {
          const given = (['mean', 'sd', 'median', 'p99'] as const).filter((k) => d[k] !== undefined).join(',');
          return given === 'mean,sd' || given === 'median,p99' || given === 'mean,p99';
        },
        { error: 'one of {mean, sd}, {median, p99} or {mean, p99}' },
      )
      .refine((d) => d.p99 === undefined || d.p99 > (d.median ?? d.mean ?? 0), {
        error: 'p99 greater than the median or mean',
        path: ['p99'],
      })
      .refine((d) => d.median !== undefined || d.p99 === undefined || d.mean === undefined || 2 * Math.log(d.p99 / d.mean) < Z99 * Z99, {
        error: 'p99 less than 14.9 × mean (no lognormal has a heavier p99 for its mean)',
        path: ['p99'],
      }),
    z.strictObject({ dist: z.literal('gamma'), mean: positive, cv: positive }),
    z.strictObject({ dist: z.literal('erlang'), k: z.int().min(1), mean: positive }),
    z.strictObject({ dist: z.literal('empirical'), samples: z.array(nonNegative).min(1) }),
  ])
  .transform((d): Distribution => {
    if (d.dist !== 'lognormal') return d;
    if (d.median !== undefined) return { dist: 'lognormal', median: d.median, p99: d.p99! };
    if (d.sd !== undefined) return { dist: 'lognormal', mean: d.mean!, sd: d.sd };
    return { dist: 'lognormal', mean: d.mean!, p99: d.p99! };
  });

export const arrivals = z.discriminatedUnion('process', [
  z.strictObject({ process: z.literal('poisson'), rate: positive }),
]);

export const workload = z.strictObject({
  arrivals,
  /** Prompt tokens per request (rounded to a whole number, at least 1). Needed by LLM fleets. */
  input: distribution.optional(),
  /** Output tokens per request (rounded, at least 1). Needed by LLM fleets. */
  output: distribution.optional(),
});

export const queue = z.strictObject({
  /** Waiting room (requests not yet in service); 0 makes a loss system. */
  capacity: z.int().min(0).optional(),
  /** Longest wait in the queue before the request abandons and fails. */
  timeout: positiveDuration.optional(),
});

/** vLLM-style scheduler limits of an LLM replica. */
export const scheduler = z
  .strictObject({
    maxNumSeqs: z.int().min(1).default(256),
    maxNumBatchedTokens: z.int().min(1).default(8192),
    chunkedPrefill: z.boolean().default(false),
  })
  .refine((s) => s.maxNumBatchedTokens >= s.maxNumSeqs, { error: 'maxNumBatchedTokens >= maxNumSeqs', path: ['maxNumBatchedTokens'] });

/** Measured step times that replace the roofline. */
export const profile = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('linear'), a: positive, b: nonNegative, c: nonNegative }),
  z
    .strictObject({
      kind: z.literal('table'),
      batch: z.array(z.int().min(1)).min(1),
      context: z.array(nonNegative).min(1),
      seconds: z.array(z.array(positive).min(1)).min(1),
    })
    .refine((t) => t.seconds.length === t.batch.length && t.seconds.every((row) => row.length === t.context.length), {
      error: 'one row of seconds per batch size, one column per context length',
      path: ['seconds'],
    })
    .refine((t) => increasing(t.batch) && increasing(t.context), { error: 'batch and context in increasing order', path: ['batch'] }),
]);

function increasing(xs: readonly number[]): boolean {
  return xs.every((x, i) => i === 0 || x > xs[i - 1]!);
}

const catalogId = (known: readonly string[], what: string) =>
  z.string().superRefine((id, ctx) => {
    if (known.includes(id)) return;
    ctx.addIssue({ code: 'custom', input: id, message: unknownIdMessage(id, known, what) });
  });

/**
 * A fleet of replicas. Plain servers give `service` (a service-time distribution, one
 * request at a time); LLM replicas give `model` and `gpu` (and optionally tp, dtype,
 * scheduler limits, or a measured `profile`).
 */
export const fleetBackend = z
  .strictObject({
    kind: z.literal('fleet'),
    name: z.string().min(1).optional(),
    replicas: z.int().min(1),
    service: distribution.optional(),
    model: catalogId(MODEL_IDS, 'model').optional(),
    gpu: catalogId(GPU_IDS, 'GPU').optional(),
    tp: z.int().min(1).max(64).optional(),
    dtype: z.enum(WEIGHT_DTYPES).optional(),
    kvDtype: z.enum(KV_DTYPES).optional(),
    gpuMemoryUtilization: z.number().gt(0).lte(1).optional(),
    scheduler: scheduler.optional(),
    profile: profile.optional(),
    queue: queue.optional(),
  })
  .superRefine((f, ctx) => {
    const llmFields = (['model', 'gpu', 'tp', 'dtype', 'kvDtype', 'gpuMemoryUtilization', 'scheduler', 'profile'] as const).filter((k) => f[k] !== undefined);
    if (f.service !== undefined && llmFields.length > 0) {
      ctx.addIssue({ code: 'custom', path: [llmFields[0]!], input: f[llmFields[0]!], message: 'no LLM fields on a plain-server fleet (it has service:); give either service, or model and gpu' });
    } else if (f.service === undefined) {
      if (f.model === undefined) ctx.addIssue({ code: 'custom', path: ['model'], input: undefined, message: 'a model id (an LLM fleet), or service: (a plain-server fleet)' });
      if (f.gpu === undefined) ctx.addIssue({ code: 'custom', path: ['gpu'], input: undefined, message: 'a GPU id (an LLM fleet), or service: (a plain-server fleet)' });
    }
  })
  .transform((f) => {
    const common = { kind: f.kind, ...(f.name !== undefined ? { name: f.name } : {}), replicas: f.replicas, ...(f.queue !== undefined ? { queue: f.queue } : {}) };
    if (f.service !== undefined) return { ...common, perf: { kind: 'service' as const, service: f.service } };
    return {
      ...common,
      perf: {
        kind: 'llm' as const,
        model: f.model!,
        gpu: f.gpu!,
        tp: f.tp ?? 1,
        dtype: f.dtype ?? 'bf16',
        kvDtype: f.kvDtype ?? (f.dtype === 'fp8' ? 'fp8' : 'bf16'),
        gpuMemoryUtilization: f.gpuMemoryUtilization ?? 0.9,
        scheduler: f.scheduler ?? { maxNumSeqs: 256, maxNumBatchedTokens: 8192, chunkedPrefill: false },
        ...(f.profile !== undefined ? { profile: f.profile } : {}),
      },
    };
  });

export const backend = z.discriminatedUnion('kind', [fleetBackend]);

export const plan = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  backends: z
    .array(backend)
    .min(1)
    .max(1, { error: 'exactly one backend per plan (routing across several backends is not built yet)' }),
});

export const scenario = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    horizon: positiveDuration,
    warmup: duration.default(0),
    seeds: z.int().min(1).max(100000).default(10),
    seed: z.int().min(0).default(1),
    workload,
    plans: z
      .array(plan)
      .min(1)
      .refine((plans) => new Set(plans.map((p) => p.name)).size === plans.length, {
        error: 'plan names that differ from each other',
      }),
  })
  // zod runs these checks even when a field inside failed (and was left untransformed), so
  // they read fields defensively.
  .refine((s) => !(typeof s.warmup === 'number' && typeof s.horizon === 'number') || s.warmup < s.horizon, {
    error: 'a warmup shorter than the horizon',
    path: ['warmup'],
  })
  .superRefine((s, ctx) => {
    const llm = s.plans.some((p) => p.backends?.some((b) => (b as { perf?: { kind: string } }).perf?.kind === 'llm'));
    if (!llm) return;
    for (const key of ['input', 'output'] as const) {
      if (s.workload[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: ['workload', key], input: undefined, message: `a token-length distribution (LLM fleets need ${key} lengths), e.g. { dist: lognormal, median: 1000, p99: 4000 }` });
      }
    }
  });

export type ScenarioInput = z.input<typeof scenario>;
export type Scenario = z.output<typeof scenario>;
export type Plan = Scenario['plans'][number];
export type Backend = Plan['backends'][number];
export type FleetBackend = Extract<Backend, { kind: 'fleet' }>;
export type LlmPerf = Extract<FleetBackend['perf'], { kind: 'llm' }>;
export type StepProfile = z.output<typeof profile>;
