/**
 * The scenario file's grammar, in zod: what users may write. Parsing turns durations into
 * seconds and shorthands into one form, so the `Scenario` type (zod's output) is what the
 * rest of capsim trusts; nothing downstream re-validates.
 *
 * Objects are strict: an unknown field is an error with a did-you-mean (see validate.ts).
 * Absent is not zero: optional fields stay undefined, defaulted ones say so here.
 */
import { z } from 'zod';
import type { Distribution } from '../random/index.js';
import { DURATION_PATTERN, parseDuration } from './duration.js';

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
        (d) =>
          (d.mean !== undefined && d.sd !== undefined && d.median === undefined && d.p99 === undefined) ||
          (d.median !== undefined && d.p99 !== undefined && d.mean === undefined && d.sd === undefined),
        { error: 'either {mean, sd} or {median, p99}' },
      )
      .refine((d) => d.median === undefined || d.p99 === undefined || d.p99 > d.median, {
        error: 'p99 greater than median',
        path: ['p99'],
      }),
    z.strictObject({ dist: z.literal('gamma'), mean: positive, cv: positive }),
    z.strictObject({ dist: z.literal('erlang'), k: z.int().min(1), mean: positive }),
    z.strictObject({ dist: z.literal('empirical'), samples: z.array(nonNegative).min(1) }),
  ])
  .transform((d): Distribution => {
    if (d.dist !== 'lognormal') return d;
    return d.median !== undefined ? { dist: 'lognormal', median: d.median, p99: d.p99! } : { dist: 'lognormal', mean: d.mean!, sd: d.sd! };
  });

export const arrivals = z.discriminatedUnion('process', [
  z.strictObject({ process: z.literal('poisson'), rate: positive }),
]);

export const workload = z.strictObject({ arrivals });

export const queue = z.strictObject({
  /** Waiting room (requests not yet in service); 0 makes a loss system. */
  capacity: z.int().min(0).optional(),
  /** Longest wait in the queue before the request abandons and fails. */
  timeout: positiveDuration.optional(),
});

export const fleetBackend = z.strictObject({
  kind: z.literal('fleet'),
  name: z.string().min(1).optional(),
  replicas: z.int().min(1),
  service: distribution,
  queue: queue.optional(),
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
  .refine((s) => s.warmup < s.horizon, { error: 'a warmup shorter than the horizon', path: ['warmup'] });

export type ScenarioInput = z.input<typeof scenario>;
export type Scenario = z.output<typeof scenario>;
export type Plan = Scenario['plans'][number];
export type Backend = Plan['backends'][number];
export type FleetBackend = Extract<Backend, { kind: 'fleet' }>;
