/**
 * The scenario file's grammar, in zod: what users may write. Parsing turns durations into
 * seconds and shorthands into one form, so the `Scenario` type (zod's output) is what the
 * rest of capsim trusts; nothing downstream re-validates.
 *
 * Objects are strict: an unknown field is an error with a did-you-mean (see validate.ts).
 * Absent is not zero: optional fields stay undefined, defaulted ones say so here.
 */
import * as z from 'zod';
import { Z99, type Distribution } from '../random/index.js';
import { ENGINE_IDS, findEngine, findGpu, GPU_IDS, GPU_PROVIDERS, KV_DTYPES, MODEL_IDS, WEIGHT_DTYPES, type EngineId, type EngineScheduling } from '../catalog/index.js';
import { DURATION_PATTERN, parseDuration } from './duration.js';
import { unknownIdMessage } from './errors.js';
import type { UncertainSource } from './uncertain.js';

const EXPECTED_DURATION = 'a duration: seconds as a number, or a string like 90s, 15m, 3h, 30d';

const durationInput = z.union([z.number().nonnegative({ error: EXPECTED_DURATION }), z.string().regex(DURATION_PATTERN, { error: EXPECTED_DURATION })], {
  error: EXPECTED_DURATION,
});
/** Seconds, >= 0. */
export const duration = durationInput.transform((v) => (typeof v === 'number' ? v : parseDuration(v)!));
/** Seconds, > 0. */
export const positiveDuration = duration.refine((s) => s > 0, { error: `${EXPECTED_DURATION}, greater than zero` });
/**
 * A mean time between failures or to repair: at least a second. Shorter ones model nothing
 * real, and a run would spend its time stepping through billions of outages.
 */
const failureDuration = duration.refine((s) => s >= 1, { error: `${EXPECTED_DURATION}, of at least 1 second` });

/** Most replicas a fleet may have: more would not fit in memory, and no plan needs them. */
export const MAX_REPLICAS = 100_000;

const positive = z.number().positive();
/** Most requests per second a workload may ask for (see arrivals.rate). */
export const MAX_ARRIVAL_RATE = 1e6;
const nonNegative = z.number().nonnegative();

/** Relative weights (of hours, days, profile intervals): some must be positive, and their sum finite. */
const weights = z
  .array(nonNegative)
  .refine((w) => w.length === 0 || w.some((x) => x > 0), { error: 'weights of which at least one is greater than zero (all zero would mean no traffic ever)' })
  .refine((w) => Number.isFinite(w.reduce((a, x) => a + x, 0)), { error: 'weights whose sum is a finite number (these overflow)' });

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
        p95: positive.optional(),
        p99: positive.optional(),
      })
      .refine(
        (d) => {
          const given = (['mean', 'sd', 'median', 'p95', 'p99'] as const).filter((k) => d[k] !== undefined).join(',');
          return given === 'mean,sd' || given === 'median,p99' || given === 'mean,p99' || given === 'median,p95';
        },
        { error: 'one of {mean, sd}, {median, p99}, {median, p95} or {mean, p99}' },
      )
      .refine((d) => d.p95 === undefined || d.p95 > d.median!, { error: 'p95 greater than the median', path: ['p95'] })
      .refine((d) => d.p99 === undefined || d.p99 > (d.median ?? d.mean ?? 0), {
        error: 'p99 greater than the median or mean',
        path: ['p99'],
      })
      .refine((d) => d.median !== undefined || d.p99 === undefined || d.mean === undefined || 2 * Math.log(d.p99 / d.mean) < Z99 * Z99, {
        error: 'p99 less than 14.9 × mean (no lognormal has a heavier p99 for its mean)',
        path: ['p99'],
      }),
    // Bounded so draws stay finite: a gamma's shape is 1/cv² (use constant for no variation), an Erlang sums k draws.
    z.strictObject({ dist: z.literal('gamma'), mean: positive, cv: z.number().min(0.001).max(1000) }),
    z.strictObject({ dist: z.literal('erlang'), k: z.int().min(1).max(10_000), mean: positive }),
    z.strictObject({ dist: z.literal('empirical'), samples: z.array(nonNegative).min(1) }),
  ])
  .transform((d): Distribution => {
    if (d.dist !== 'lognormal') return d;
    if (d.median !== undefined) return d.p95 !== undefined ? { dist: 'lognormal', median: d.median, p95: d.p95 } : { dist: 'lognormal', median: d.median, p99: d.p99! };
    if (d.sd !== undefined) return { dist: 'lognormal', mean: d.mean!, sd: d.sd };
    return { dist: 'lognormal', mean: d.mean!, p99: d.p99! };
  });

/**
 * Synthetic arrivals: a Poisson or gamma-renewal process at a mean rate (requests per
 * second, or perDay), shaped by optional modifiers that multiply: a diurnal cycle, a
 * weekly cycle, a repeating profile, on-off bursts, scheduled spikes and growth.
 */
export const arrivals = z
  .strictObject({
    process: z.enum(['poisson', 'gamma']),
    /** Requests per second; at most a million (10^6/s, 8.64 × 10^10 a day): more cannot be simulated in useful time. */
    rate: positive.max(MAX_ARRIVAL_RATE).optional(),
    perDay: positive.max(MAX_ARRIVAL_RATE * 86_400).optional(),
    /** Gamma renewal: coefficient of variation of the gaps (1 = Poisson, > 1 burstier). */
    cv: z.number().min(0.001).max(1000).optional(),
    diurnal: z
      .union(
        [
          z.strictObject({ peakHour: z.number().min(0).lt(24), peakToAverage: z.number().min(1) }),
          z.strictObject({ hourlyWeights: weights.pipe(z.array(nonNegative).length(24)) }),
        ],
        { error: 'either { peakHour, peakToAverage } or { hourlyWeights: [24 numbers] }' },
      )
      .optional(),
    weekly: z.strictObject({ weights: weights.pipe(z.array(nonNegative).length(7)) }).optional(),
    profile: z.strictObject({ interval: positiveDuration, weights: weights.pipe(z.array(nonNegative).min(1)) }).optional(),
    bursts: z.strictObject({ meanOn: positiveDuration, meanOff: positiveDuration, onMultiplier: z.number().min(1) }).optional(),
    spikes: z.array(z.strictObject({ at: duration, duration: positiveDuration, multiplier: positive })).optional(),
    growth: z.strictObject({ percentPerMonth: z.number().gt(-100) }).optional(),
  })
  .refine((a) => (a.rate === undefined) !== (a.perDay === undefined), { error: 'either rate (requests per second) or perDay (requests per day)', path: ['rate'] })
  .refine((a) => a.process === 'gamma' || a.cv === undefined, { error: 'cv only with process: gamma', path: ['cv'] })
  .refine((a) => a.process !== 'gamma' || a.cv !== undefined, { error: 'a cv for process: gamma', path: ['cv'] })
  .transform(({ perDay, ...a }) => ({ ...a, rate: a.rate ?? perDay! / 86400 }));

/**
 * Latency limits a request must meet to succeed, and the attainment target: the share of
 * arrived requests that must succeed for a plan to be eligible (default 0.99 when a limit
 * is set; see `sloTarget`).
 */
const slo = z.strictObject({
  ttft: positiveDuration.optional(),
  e2e: positiveDuration.optional(),
  target: z.number().gt(0).lte(1).optional(),
});

/** A kind of request: its share of traffic, lengths, SLO and the labels routing uses. */
export const requestClass = z.strictObject({
  name: z.string().min(1),
  share: positive,
  input: distribution,
  output: distribution,
  slo: slo.optional(),
  /** Work that may wait (batch tiers): it succeeds if done within the deadline. */
  deadline: positiveDuration.optional(),
  complexity: z.string().min(1).optional(),
  /** Data that must stay on self-hosted capacity. */
  sensitive: z.boolean().default(false),
  /** Share of the prompt that is a shared prefix (read from the provider's prompt cache). */
  sharedPrefix: z.number().min(0).max(1).optional(),
  /** Trace replay with classBy: inputLength: requests with at most this many input tokens (the last class takes the rest). */
  maxInput: z.int().min(1).optional(),
});

/** Replay of a real request log instead of synthetic arrivals. */
export const trace = z
  .strictObject({
    /** Path to the trace, relative to the scenario file. */
    file: z.string().min(1),
    format: z.enum(['azure', 'mooncake', 'csv', 'jsonl']).optional(),
    columns: z.strictObject({ timestamp: z.string(), input: z.string(), output: z.string(), timeUnit: z.enum(['s', 'ms', 'us']).optional() }).optional(),
    /** Replay this many times faster (2 = twice the rate, same shape). */
    timeScale: positive.default(1),
    /** Thin (< 1) or duplicate (> 1) requests to change volume, keeping the shape; or give a target rate. */
    volumeScale: positive.optional(),
    targetRate: positive.optional(),
    /** Start over when the trace ends before the horizon. */
    loop: z.boolean().default(false),
    skipBadRows: z.boolean().default(false),
    /** How replayed requests get a class: at random by share, or by input length (each class's maxInput, in order). */
    classBy: z.enum(['share', 'inputLength']).default('share'),
  })
  .refine((t) => t.volumeScale === undefined || t.targetRate === undefined, { error: 'either volumeScale or targetRate', path: ['targetRate'] });

export const workload = z
  .strictObject({
    arrivals: arrivals.optional(),
    trace: trace.optional(),
    /** Prompt tokens per request (rounded to a whole number, at least 1). Needed by LLM fleets and APIs. */
    input: distribution.optional(),
    /** Output tokens per request (rounded, at least 1). */
    output: distribution.optional(),
    /** A request succeeds only if it completes within these (both optional). */
    slo: slo.optional(),
    /** Several kinds of request instead of one input/output/slo. */
    classes: z.array(requestClass).min(1).optional(),
  })
  .refine((w) => (w.arrivals === undefined) !== (w.trace === undefined), { error: 'either arrivals (synthetic traffic) or trace (replay)', path: ['arrivals'] })
  .refine((w) => w.classes === undefined || (w.input === undefined && w.output === undefined && w.slo === undefined), {
    error: 'input, output and slo inside each class when classes are given',
    path: ['classes'],
  });

export const queue = z.strictObject({
  /** Waiting room (requests not yet in service); 0 makes a loss system. */
  capacity: z.int().min(0).optional(),
  /** Longest wait in the queue before the request abandons and fails. */
  timeout: positiveDuration.optional(),
});

/**
 * Scheduler limits of an LLM replica; each field not given takes the engine's default on
 * that GPU (catalog/engines.ts).
 */
export const scheduler = z
  .strictObject({
    // Bounded so a replica's per-sequence arrays fit in memory.
    maxNumSeqs: z.int().min(1).max(65_536).optional(),
    maxNumBatchedTokens: z.int().min(1).max(10_000_000).optional(),
    /** true: split prompts into chunks that share steps with decoding; false: the engine's way without chunking. */
    chunkedPrefill: z.boolean().optional(),
    /** `prompt`: admit on the prompt's KV blocks, preempt by recompute when a decode step finds none; `full`: reserve the whole output's blocks, never preempt. */
    kvAdmission: z.enum(['prompt', 'full']).optional(),
  })
  .refine((s) => s.maxNumBatchedTokens === undefined || s.maxNumSeqs === undefined || s.maxNumBatchedTokens >= s.maxNumSeqs, {
    error: 'maxNumBatchedTokens >= maxNumSeqs',
    path: ['maxNumBatchedTokens'],
  });

/** The serving engine of an LLM replica: its scheduling defaults and step costs. */
export const engine = z.enum(ENGINE_IDS);

/** The engine's defaults on this GPU, overridden field by field by what the scenario gives. */
export function resolveScheduler(engineId: EngineId, gpuId: string, given: z.output<typeof scheduler> | undefined): EngineScheduling {
  const gpu = findGpu(gpuId);
  // The grammar lets only catalog GPUs through; a miss here is a bug, not bad input.
  if (!gpu) throw new Error(`catalog has no GPU ${gpuId}`);
  const defaults = findEngine(engineId).scheduling(gpu);
  const maxNumSeqs = given?.maxNumSeqs ?? defaults.maxNumSeqs;
  const prefill = given?.chunkedPrefill === undefined ? defaults.prefill : given.chunkedPrefill ? 'chunked' : defaults.prefill === 'chunked' ? 'alone' : defaults.prefill;
  return {
    maxNumSeqs,
    // A step holds at least one token per running sequence.
    maxNumBatchedTokens: given?.maxNumBatchedTokens ?? Math.max(defaults.maxNumBatchedTokens, maxNumSeqs),
    prefill,
    kvAdmission: given?.kvAdmission ?? defaults.kvAdmission,
  };
}

/** Measured step times that replace the roofline, or a measured correction of it (`capsim calibrate` writes one). */
export const profile = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('roofline'),
    /** Memory traffic and compute take these multiples of the roofline's time. */
    scale: z.strictObject({ memory: z.number().min(0.05).max(20), compute: z.number().min(0.05).max(20) }),
    /** What it was fitted to (model, GPU, tp, engine, result file): checked against the fleet it is used on. */
    fittedTo: z
      .strictObject({ model: z.string(), gpu: z.string(), tp: z.int().min(1), engine: z.string(), dtype: z.string().optional(), file: z.string().optional(), format: z.string().optional() })
      .optional(),
    /** Errors before and after the fit, as `capsim calibrate` measured them (not used by the simulation). */
    errors: z.unknown().optional(),
  }),
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

/**
 * A profile kept in its own JSON file (what `capsim calibrate` writes), named relative to the
 * scenario: validateScenario reads it in place of this reference, so one left here could
 * not be read.
 */
const profileFile = z.strictObject({ file: z.string().min(1) }).superRefine((ref, ctx) => {
  ctx.addIssue({ code: 'custom', path: ['file'], input: ref.file, message: 'a readable JSON profile file (capsim calibrate writes one)' });
});

/** A profile given in place, or the file that holds one. */
const profileField = z.union([profile, profileFile]);

/**
 * A calibrated profile fitted to another replica than the one it is used on is refused: its
 * scale would not carry over. Checked on the replica as resolved (defaults filled in).
 */
function checkProfileFitsReplica(
  backend: { perf: { kind: 'service' } | { kind: 'llm'; model: string; gpu: string; tp: number; engine: string; dtype: string; profile?: z.output<typeof profile> } },
  ctx: z.RefinementCtx,
): void {
  if (backend.perf.kind !== 'llm') return;
  const { model, gpu, tp, engine, dtype, profile: p } = backend.perf;
  if (!p || p.kind !== 'roofline' || !p.fittedTo) return;
  const f = p.fittedTo;
  if (f.model === model && f.gpu === gpu && f.tp === tp && f.engine === engine && (f.dtype === undefined || f.dtype === dtype)) return;
  const was = `${f.model}${f.dtype ? ` (${f.dtype})` : ''} on ${f.tp} × ${f.gpu} with ${f.engine}`;
  ctx.addIssue({ code: 'custom', path: ['profile', 'fittedTo'], input: p, message: `a profile fitted to this replica: it was fitted to ${was}, this fleet runs ${model} (${dtype}) on ${tp} × ${gpu} with ${engine}` });
}

function increasing(xs: readonly number[]): boolean {
  return xs.every((x, i) => i === 0 || x > xs[i - 1]!);
}

const catalogId = (known: readonly string[], what: string) =>
  z.string().superRefine((id, ctx) => {
    if (known.includes(id)) return;
    ctx.addIssue({ code: 'custom', input: id, message: unknownIdMessage(id, known, what) });
  });

/**
 * Money in a scenario (a price, an hourly rate, a monthly amount): at most a billion
 * dollars, so that sums over millions of requests stay finite numbers, never Infinity.
 */
export const MAX_USD = 1e9;
const usd = nonNegative.max(MAX_USD);
const usdPerHour = usd;
const share = z.number().min(0).lt(1);

/**
 * Where a fleet's GPUs come from. Replicas fill the pools in `order`: reserved first (up to
 * its committed GPUs), then the rest spill to on-demand or spot. Prices default to the
 * catalog row for (gpu, provider); give `pricePerGpuHour` or a `discount` off on-demand.
 */
export const pools = z
  .strictObject({
    provider: z.enum(GPU_PROVIDERS).default('aws'),
    reserved: z
      .strictObject({
        // 0 is allowed, so a sweep or a commit study can start from no commitment.
        gpus: z.int().min(0),
        term: z.enum(['1y', '3y']).default('1y'),
        pricePerGpuHour: usdPerHour.optional(),
        discount: share.optional(),
      })
      .optional(),
    onDemand: z.strictObject({ pricePerGpuHour: usdPerHour.optional() }).optional(),
    spot: z
      .strictObject({
        pricePerGpuHour: usdPerHour.optional(),
        discount: share.optional(),
        /** Preemptions per replica-hour (a Poisson hazard). */
        preemptionsPerHour: nonNegative.default(0),
        /** Warning before the replica is taken away; it stops taking new requests then. */
        notice: duration.default(120),
        /** Time to get a replacement replica serving again (GPU start + model load). */
        replacementDelay: duration.default(600),
      })
      .optional(),
    order: z.array(z.enum(['reserved', 'onDemand', 'spot'])).min(1).optional(),
  })
  .superRefine((p, ctx) => {
    for (const name of p.order ?? []) {
      if (name !== 'onDemand' && p[name] === undefined) ctx.addIssue({ code: 'custom', path: ['order'], input: p.order, message: `a pool named in order to be configured: ${name} is missing` });
    }
  });

/**
 * An autoscaler for an LLM fleet, as Kubernetes' Horizontal Pod Autoscaler works (and BLIS
 * models it): every `tick` it reads a metric as it was `metricsDelay` ago, wants
 * ceil(replicas × metric / target) replicas (no change within `tolerance` of the target),
 * scales up at once (new replicas serve after a provisioning delay, billed meanwhile) and
 * down only to the highest want of the last `scaleDownWindow`, by at most `maxStep` a tick,
 * between `min` (raised by `schedule` at times of day) and `max`.
 */
export const autoscale = z
  .strictObject({
    /**
     * waitingPerReplica and runningPerReplica: requests queued or running per serving replica;
     * kvOccupancy and busyFraction: shares (0–1); arrivalsPerReplica: requests per second per
     * serving replica (the target is then a replica's capacity).
     */
    metric: z.enum(['waitingPerReplica', 'runningPerReplica', 'kvOccupancy', 'busyFraction', 'arrivalsPerReplica']),
    target: positive,
    min: z.int().min(0).default(1),
    max: z.int().min(1).max(MAX_REPLICAS),
    tick: positiveDuration.default(15),
    metricsDelay: duration.default(15),
    /** GPU acquisition plus model load; default: about a minute plus 1 s per 2 GB of weights (an assumption). */
    provisioning: distribution.optional(),
    scaleDownWindow: duration.default(300),
    maxStep: z.int().min(1).optional(),
    tolerance: z.number().min(0).lt(1).default(0.1),
    /** Allow zero replicas; the first request then waits for a replica to provision (a cold start). */
    scaleToZero: z.boolean().default(false),
    /** Higher minimums at times of day (from and to are times of day, e.g. 8h and 20h). */
    schedule: z.array(z.strictObject({ from: duration, to: duration, min: z.int().min(0) })).optional(),
    /** Chance that an on-demand GPU asked for is not available (asked again next tick). */
    stockout: z.number().min(0).max(1).default(0),
  })
  .refine((a) => a.max >= a.min, { error: 'max >= min', path: ['max'] })
  .refine((a) => a.scaleToZero || a.min >= 1, { error: 'min >= 1 (or scaleToZero: true)', path: ['min'] });

/**
 * A fleet of replicas. Plain servers give `service` (a service-time distribution, one
 * request at a time); LLM replicas give `model` and `gpu` (and optionally tp, dtype,
 * scheduler limits, or a measured `profile`).
 */
export const fleetBackend = z
  .strictObject({
    kind: z.literal('fleet'),
    name: z.string().min(1).optional(),
    /** Replicas (at the start, with an autoscaler; 0 allowed only with autoscale.scaleToZero). */
    replicas: z.int().min(0).max(MAX_REPLICAS),
    service: distribution.optional(),
    model: catalogId(MODEL_IDS, 'model').optional(),
    gpu: catalogId(GPU_IDS, 'GPU').optional(),
    tp: z.int().min(1).max(64).optional(),
    dtype: z.enum(WEIGHT_DTYPES).optional(),
    kvDtype: z.enum(KV_DTYPES).optional(),
    gpuMemoryUtilization: z.number().gt(0).lte(1).optional(),
    engine: engine.optional(),
    scheduler: scheduler.optional(),
    profile: profileField.optional(),
    pools: pools.optional(),
    queue: queue.optional(),
    /** Replica failures: mean time between failures and to repair, and what happens to the requests a failed replica was running. */
    failures: z
      .strictObject({ mtbf: failureDuration, mttr: failureDuration, inFlight: z.enum(['requeue', 'fail']).default('requeue') })
      .optional(),
    autoscale: autoscale.optional(),
  })
  .superRefine((f, ctx) => {
    const a = f.autoscale;
    if (!a && f.replicas === 0) ctx.addIssue({ code: 'custom', path: ['replicas'], input: 0, message: 'an integer >= 1 (0 only with an autoscaler that may scale to zero)' });
    if (a && typeof f.replicas === 'number' && (f.replicas < a.min || f.replicas > a.max)) {
      ctx.addIssue({ code: 'custom', path: ['replicas'], input: f.replicas, message: `a starting replica count between autoscale.min (${a.min}) and autoscale.max (${a.max})` });
    }
    const llmFields = (['model', 'gpu', 'tp', 'dtype', 'kvDtype', 'gpuMemoryUtilization', 'engine', 'scheduler', 'profile', 'pools', 'failures', 'autoscale'] as const).filter((k) => f[k] !== undefined);
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
        engine: f.engine ?? 'vllm',
        scheduler: resolveScheduler(f.engine ?? 'vllm', f.gpu!, f.scheduler),
        ...(f.profile !== undefined && 'kind' in f.profile ? { profile: f.profile } : {}),
      },
      pools: f.pools ?? { provider: 'aws' as const },
      ...(f.failures !== undefined ? { failures: f.failures } : {}),
      ...(f.autoscale !== undefined ? { autoscale: f.autoscale } : {}),
    };
  })
  .superRefine(checkProfileFitsReplica);


/** Per-million-token prices; any given here override the catalog's. */
export const apiPrices = z.strictObject({
  input: usd.optional(),
  output: usd.optional(),
  cachedInput: usd.optional(),
  batchInput: usd.optional(),
  batchOutput: usd.optional(),
});

/** A pay-per-token API. */
export const apiBackend = z
  .strictObject({
    kind: z.literal('api'),
    name: z.string().min(1).optional(),
    /** Name in the price catalog (built-in, or the --prices file). */
    model: z.string().min(1).optional(),
    prices: apiPrices.optional(),
    /** standard: real-time; batch: the provider's batch tier (batch prices, hours of latency). */
    tier: z.enum(['standard', 'batch']).default('standard'),
    /** Share of input tokens read from the provider's prompt cache. */
    cachedInputShare: z.number().min(0).max(1).default(0),
    /**
     * Time to first token, network round trip included (seconds), whatever the prompt. Not
     * given: the built-in measurement of `model` (catalog/api-latency.ts) plus 50 µs a
     * prompt token, or capsim's default where there is none.
     */
    ttft: distribution.optional(),
    /** Output tokens per second after the first token. Not given: the model's measured median, or the default. */
    outputTokensPerSecond: distribution.optional(),
    /** Batch tier: time from submission to result (seconds). */
    batchLatency: distribution.default({ dist: 'uniform', min: 1800, max: 14400 }),
    rateLimit: z.strictObject({ rpm: positive.optional(), tpm: positive.optional() }).optional(),
    retry: z
      .strictObject({
        maxRetries: z.int().min(0).default(3),
        baseDelay: positiveDuration.default(1),
        maxDelay: positiveDuration.default(60),
      })
      .default({ maxRetries: 3, baseDelay: 1, maxDelay: 60 }),
    /** Provider outages: alternating up and down periods, or a fixed share of calls that fail. */
    outages: z
      .union([
        z.strictObject({ mtbf: failureDuration, mttr: failureDuration }),
        z.strictObject({ errorRate: z.number().min(0).max(1) }),
      ], { error: 'either { mtbf, mttr } (durations) or { errorRate } (a share of calls in [0, 1])' })
      .optional(),
  })
  .superRefine((a, ctx) => {
    if (a.model === undefined && (a.prices?.input === undefined || a.prices?.output === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['model'], input: undefined, message: 'a model name from the price catalog, or prices: { input, output } (USD per million tokens)' });
    }
  });

/** Overhead on top of GPU and token spend, per plan (the costs spreadsheets forget). */
export const overhead = z.strictObject({
  /** Load balancing, monitoring, failover: a percentage of GPU spend. */
  infraPercentOfGpu: z.number().min(0).default(0),
  /** Engineering time: an FTE fraction times an annual cost, and/or a flat monthly amount. */
  engineeringFte: z.number().min(0).default(0),
  engineerAnnualUsd: usd.default(200_000),
  engineeringUsdPerMonth: usd.default(0),
  storageUsdPerMonth: usd.default(0),
  observabilityUsdPerMonth: usd.default(0),
  egressUsdPerGB: usd.default(0),
  /** Bytes sent back per output token (text ≈ 4). */
  egressBytesPerToken: nonNegative.default(4),
});

/**
 * A managed endpoint: LLM replicas run by a platform, billed per GPU-second (rounded up to
 * a minimum increment per warm period) at a premium over raw GPU prices; after
 * `idleTimeout` without requests it scales to zero, and the next request waits a cold start.
 */
export const managedBackend = z
  .strictObject({
    kind: z.literal('managed'),
    name: z.string().min(1).optional(),
    replicas: z.int().min(1).max(MAX_REPLICAS).default(1),
    model: catalogId(MODEL_IDS, 'model'),
    gpu: catalogId(GPU_IDS, 'GPU'),
    tp: z.int().min(1).max(64).default(1),
    dtype: z.enum(WEIGHT_DTYPES).default('bf16'),
    kvDtype: z.enum(KV_DTYPES).optional(),
    gpuMemoryUtilization: z.number().gt(0).lte(1).default(0.9),
    engine: engine.default('vllm'),
    scheduler: scheduler.optional(),
    profile: profileField.optional(),
    /** Raw GPU price to apply the premium to: the catalog's on-demand price for this provider. */
    provider: z.enum(GPU_PROVIDERS).default('aws'),
    premium: z.number().min(0).default(0.3),
    /** The platform's price per GPU-hour, premium included (overrides provider and premium). */
    pricePerGpuHour: usdPerHour.optional(),
    billingIncrement: positiveDuration.default(60),
    idleTimeout: positiveDuration.default(900),
    coldStart: duration.default(120),
    queue: queue.optional(),
  })
  .transform((m) => ({
    kind: m.kind,
    ...(m.name !== undefined ? { name: m.name } : {}),
    replicas: m.replicas,
    perf: {
      kind: 'llm' as const,
      model: m.model,
      gpu: m.gpu,
      tp: m.tp,
      dtype: m.dtype,
      kvDtype: m.kvDtype ?? (m.dtype === 'fp8' ? 'fp8' : 'bf16'),
      gpuMemoryUtilization: m.gpuMemoryUtilization,
      engine: m.engine,
      scheduler: resolveScheduler(m.engine, m.gpu, m.scheduler),
      ...(m.profile !== undefined && 'kind' in m.profile ? { profile: m.profile } : {}),
    },
    billing: {
      provider: m.provider,
      premium: m.premium,
      ...(m.pricePerGpuHour !== undefined ? { pricePerGpuHour: m.pricePerGpuHour } : {}),
      billingIncrement: m.billingIncrement,
      idleTimeout: m.idleTimeout,
      coldStart: m.coldStart,
    },
    ...(m.queue !== undefined ? { queue: m.queue } : {}),
  }))
  .superRefine(checkProfileFitsReplica);

export const backend = z.discriminatedUnion('kind', [fleetBackend, apiBackend, managedBackend]);

/**
 * A classifier in front of the rules: it predicts each request's complexity (right with
 * probability `accuracy`, else another label at random; or by a confusion matrix: for each
 * true label, the probability of each predicted one), adds its latency to every request,
 * and costs per call (a fixed amount, and/or the request's prompt plus `outputTokens` on an
 * API `model`'s prices). A request sent to a backend meant for a simpler label than its
 * own either fails as `misrouted` after it was answered (billed all the same) or is
 * escalated to the backend its true label routes to (both calls billed).
 */
export const classifier = z
  .strictObject({
    accuracy: z.number().min(0).max(1).optional(),
    confusion: z.record(z.string().min(1), z.record(z.string().min(1), nonNegative)).optional(),
    latency: duration.default(0),
    costPerCall: usd.default(0),
    model: z.string().min(1).optional(),
    outputTokens: z.int().min(0).default(1),
    onMisroute: z.enum(['fail', 'escalate']).default('fail'),
  })
  .refine((c) => (c.accuracy === undefined) !== (c.confusion === undefined), { error: 'either accuracy (one figure) or confusion (per true label, the probability of each predicted label)', path: ['accuracy'] });

/** One routing rule: which requests (`when`), where they go, and where else. */
export const routeRule = z.strictObject({
  /** Matches a request class by name and/or a complexity label (the classifier's prediction when there is one). */
  when: z.strictObject({ class: z.string().min(1).optional(), complexity: z.string().min(1).optional() }).optional(),
  to: z.string().min(1),
  /** When `to` would make the request wait longer than maxWait (default: the class's TTFT SLO) or holds more than maxQueue requests. */
  overflow: z.strictObject({ maxWait: positiveDuration.optional(), maxQueue: z.int().min(0).optional(), to: z.string().min(1) }).optional(),
  /** When `to` refuses, is down, or the request fails there. */
  fallback: z.string().min(1).optional(),
  /**
   * batch: work that may wait, on the plan's own fleet at low priority (admitted only into
   * room interactive work leaves, preempted first, failed as deadlineMissed when the class's
   * deadline passes while it waits).
   */
  priority: z.enum(['interactive', 'batch']).default('interactive'),
});

export const routing = z.strictObject({
  classifier: classifier.optional(),
  rules: z.array(routeRule).min(1),
});

/**
 * A plan: its backends (each with a name: given, or its kind and position such as `api0`;
 * random streams and bill items are keyed by it), its routing rules, and its overhead.
 * Without rules, each request goes to the first backend that does not refuse it.
 */
export const plan = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    overhead: overhead.optional(),
    backends: z.array(backend).min(1),
    routing: routing.optional(),
  })
  .transform((p) => ({ ...p, backends: p.backends.map((b, i) => ({ ...b, name: b.name ?? `${b.kind}${i}` })) }))
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.backends.forEach((b, i) => {
      if (seen.has(b.name)) ctx.addIssue({ code: 'custom', path: ['backends', i, 'name'], input: b.name, message: `a backend name not used by another backend of this plan` });
      seen.add(b.name);
    });
  });

export const scenario = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    horizon: positiveDuration,
    warmup: duration.default(0),
    seeds: z.int().min(1).max(100000).default(10),
    // Seeds s, s+1, … must stay exact whole numbers in a double.
    seed: z.int().min(0).max(1e15).default(1),
    workload,
    /** Time series of each run: a sample every `interval`, kept to at most `maxPoints` points (older ones merged). */
    timeSeries: z.strictObject({ interval: positiveDuration.default(60), maxPoints: z.int().min(2).max(100_000).default(240) }).default({ interval: 60, maxPoints: 240 }),
    /** The articles' rule: self-host only if the API costs more than self-hosting × friction. */
    decision: z.strictObject({ friction: z.number().min(1).default(1.5) }).default({ friction: 1.5 }),
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
    if (Array.isArray(s.plans)) s.plans.forEach((p, i) => checkRouting(s, p, i, ctx));
  })
  .superRefine((s, ctx) => {
    const llm = s.plans.some((p) => p.backends?.some((b) => (b as { perf?: { kind: string } }).perf?.kind === 'llm' || b?.kind === 'api' || b?.kind === 'managed'));
    if (!llm) return;
    if (s.workload?.trace !== undefined || s.workload?.classes !== undefined) return;
    for (const key of ['input', 'output'] as const) {
      if (s.workload?.[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: ['workload', key], input: undefined, message: `a token-length distribution (LLM fleets and APIs need ${key} lengths), e.g. { dist: lognormal, median: 1000, p99: 4000 }` });
      }
    }
  });

export type ScenarioInput = z.input<typeof scenario>;
/** What the grammar yields. */
export type ScenarioSpec = z.output<typeof scenario>;
/**
 * A scenario ready to run: the grammar's output plus what parsing resolved beside it, as
 * plain data (so a run cell crosses a worker boundary whole): the folder relative paths
 * start from, and the uncertain inputs each run draws.
 */
export type Scenario = ScenarioSpec & { readonly context: ScenarioContext };

export interface ScenarioContext {
  /** Where a replayed trace's relative path starts: the scenario file's folder. */
  readonly baseDir: string;
  /** Fields given as distributions, and the central raw scenario to re-validate with drawn values. */
  readonly uncertain: UncertainSource | undefined;
}
export type Plan = Scenario['plans'][number];
export type BackendSpec = Plan['backends'][number];
export type FleetBackend = Extract<BackendSpec, { kind: 'fleet' }>;
export type LlmPerf = Extract<FleetBackend['perf'], { kind: 'llm' }>;
export type ManagedBackend = Extract<BackendSpec, { kind: 'managed' }>;
export type ApiBackendSpec = Extract<BackendSpec, { kind: 'api' }>;
export type Pools = z.output<typeof pools>;
export type Autoscale = z.output<typeof autoscale>;
export type Overhead = z.output<typeof overhead>;
export type StepProfile = z.output<typeof profile>;
export type Workload = z.output<typeof workload>;
export type RequestClass = z.output<typeof requestClass>;
export type TraceSpec = z.output<typeof trace>;
export type Arrivals = z.output<typeof arrivals>;

type RefineCtx = z.core.$RefinementCtx;

/**
 * Routing rules name backends of their plan and classes and labels of the workload; every
 * class must be matched by some rule (for every label the classifier may predict); a
 * sensitive class needs a self-hosted fleet in every plan, since it never reaches an API.
 */
function checkRouting(s: { workload?: Workload | undefined }, p: Plan, i: number, ctx: RefineCtx): void {
  if (!p || !Array.isArray(p.backends)) return;
  const names = p.backends.map((b) => b.name);
  const classes = Array.isArray(s.workload?.classes) ? s.workload.classes : [];
  const labels = [...new Set(classes.map((c) => c.complexity).filter((x): x is string => x !== undefined))];
  const at = (...path: (string | number)[]) => ['plans', i, ...path];
  const issue = (path: (string | number)[], input: unknown, message: string) => ctx.addIssue({ code: 'custom', path, input, message });
  if (classes.some((c) => c.sensitive) && !p.backends.some((b) => b.kind === 'fleet')) {
    issue(at('backends'), names, `a self-hosted fleet: class ${classes.find((c) => c.sensitive)!.name} is sensitive and never goes to an API or a managed endpoint`);
  }
  const r = p.routing;
  if (!r || !Array.isArray(r.rules) || r.rules.some((rule) => typeof rule?.to !== 'string')) return;
  const backendName = (path: (string | number)[], name: string) => {
    if (!names.includes(name)) issue(path, name, `the name of a backend of this plan (${names.join(', ')})`);
  };
  r.rules.forEach((rule, k) => {
    backendName(at('routing', 'rules', k, 'to'), rule.to);
    if (rule.overflow) backendName(at('routing', 'rules', k, 'overflow', 'to'), rule.overflow.to);
    if (rule.fallback !== undefined) backendName(at('routing', 'rules', k, 'fallback'), rule.fallback);
    if (rule.priority === 'batch' && p.backends.find((b) => b.name === rule.to)?.kind !== 'fleet') {
      issue(at('routing', 'rules', k, 'priority'), rule.priority, `a fleet of the plan as the rule's target (batch priority fills the plan's own fleet; ${rule.to} is not one; for an API's batch tier use kind: api with tier: batch)`);
    }
    const cls = rule.when?.class;
    if (cls !== undefined && !classes.some((c) => c.name === cls)) issue(at('routing', 'rules', k, 'when', 'class'), cls, `a request class of the workload (${classes.map((c) => c.name).join(', ') || 'it has none'})`);
    const label = rule.when?.complexity;
    if (label !== undefined && !labels.includes(label)) issue(at('routing', 'rules', k, 'when', 'complexity'), label, `a complexity label of the workload's classes (${labels.join(', ') || 'they have none'})`);
  });
  const c = r.classifier;
  if (c?.confusion) {
    for (const [truth, row] of Object.entries(c.confusion)) {
      if (!labels.includes(truth)) issue(at('routing', 'classifier', 'confusion', truth), truth, `a complexity label of the workload's classes (${labels.join(', ')})`);
      for (const predicted of Object.keys(row)) if (!labels.includes(predicted)) issue(at('routing', 'classifier', 'confusion', truth, predicted), predicted, `a complexity label of the workload's classes (${labels.join(', ')})`);
      const sum = Object.values(row).reduce((a, x) => a + x, 0);
      if (Math.abs(sum - 1) > 1e-6) issue(at('routing', 'classifier', 'confusion', truth), row, `probabilities that sum to 1 (these sum to ${sum})`);
    }
  }
  // Every class, with every label it may carry, must meet a rule.
  const list = classes.length > 0 ? classes : [{ name: 'default', complexity: undefined }];
  for (const cl of list) {
    const carried = c && cl.complexity !== undefined ? labels : [cl.complexity];
    for (const label of carried) {
      const matched = r.rules.some((rule) => (rule.when?.class === undefined || rule.when.class === cl.name) && (rule.when?.complexity === undefined || rule.when.complexity === label));
      if (!matched) issue(at('routing', 'rules'), undefined, `a rule for class ${cl.name}${label !== undefined ? ` with complexity ${label}` : ''} (end the rules with one without when:, the default)`);
    }
  }
}
