/**
 * A pay-per-token API as seen by its client: each call takes a time to first token and
 * then streams at some tokens per second; rate limits (requests and tokens per minute)
 * answer 429; provider outages make calls fail. The client retries a failed or
 * rate-limited call with exponential backoff and full jitter (a delay drawn uniformly from
 * [0, min(maxDelay, baseDelay·2^(attempt−1))]) up to `maxRetries`, then the request fails.
 *
 * Metering follows the providers' billing: a 429 or a call refused during an outage uses
 * nothing; a call that fails after it started streaming uses its input and the output it
 * produced; a completed call uses it all, with `cachedInputShare` of its input read from
 * the prompt cache. The batch tier answers after `batchLatency`. A request whose prompt
 * plus output exceeds the model's context window is refused (`tooLong`), as providers do.
 * Tokens are metered per request class; cost/ prices them.
 */
import { grown } from '../engine/index.js';
import { NO_GPUS, noReplicaFigures, noTokens, sumMeters, type Backend, type BackendSample, type BackendContext, type BackendReport, type Refusal, type ReqId, type TokenMeter } from '../backend/index.js';
import { monthOf, monthsOf, type FailureReason, type Months } from '../metrics/index.js';
import type { Rng, Sampler } from '../random/index.js';
import { OutageTimeline } from './outages.js';

export interface ApiBackendOptions {
  readonly name: string;
  readonly tier: 'standard' | 'batch';
  /** The model's context window (prompt + output tokens); undefined when the catalog does not say. */
  readonly contextWindow: number | undefined;
  readonly cachedInputShare: number;
  /** Per request class: the share of its prompt that is a shared prefix (cached), overriding cachedInputShare. */
  readonly sharedPrefixByClass?: readonly (number | undefined)[] | undefined;
  /** Time to first token of a call with this many prompt tokens. */
  readonly ttft: (rng: Rng, promptTokens: number) => number;
  readonly outputTokensPerSecond: Sampler;
  readonly batchLatency: Sampler;
  readonly rateLimit: { readonly rpm?: number | undefined; readonly tpm?: number | undefined } | undefined;
  readonly retry: { readonly maxRetries: number; readonly baseDelay: number; readonly maxDelay: number };
  readonly outages: { readonly mtbf: number; readonly mttr: number } | { readonly errorRate: number } | undefined;
  /** Latency draws and retry jitter. */
  readonly rng: Rng;
  /** Outage timeline and error draws. */
  readonly failureRng: Rng;
}

function addTokens(m: TokenMeter, input: number, cachedInput: number, output: number): void {
  m.input += input;
  m.cachedInput += cachedInput;
  m.output += output;
}

export class ApiBackend implements Backend {
  readonly name: string;
  /** When the call in progress streams its first token (per request id). */
  private callFirstToken = new Float64Array(256);
  /** Requests submitted here and not yet ended, and how many of them are counted (arrived after the warmup). */
  private held = 0;
  private heldCounted = 0;

  private minute = -1;
  private minuteRequests = 0;
  private minuteTokens = 0;
  private readonly timeline: OutageTimeline | undefined;
  private readonly errorRate: number;

  private readonly callKind: number;
  private readonly doneKind: number;
  private readonly failKind: number;

  private readonly tokensByClass: TokenMeter[] = [];
  /** Tokens per billing month of the window (metered when the call ends). */
  private readonly tokensByMonth: TokenMeter[] = [];
  private readonly months: Months;
  private calls = 0;
  private rateLimitedCalls = 0;
  private errors = 0;
  private retries = 0;

  constructor(
    private readonly ctx: BackendContext,
    private readonly opts: ApiBackendOptions,
  ) {
    this.name = opts.name;
    this.months = monthsOf(ctx.window.from, ctx.window.to);
    const o = opts.outages;
    this.timeline = o && 'mtbf' in o ? new OutageTimeline(o.mtbf, o.mttr, opts.failureRng) : undefined;
    this.errorRate = o && 'errorRate' in o ? o.errorRate : 0;
    const sim = ctx.sim;
    this.callKind = sim.register((id, _gen, now) => this.call(id, now));
    this.doneKind = sim.register((id, _gen, now) => this.complete(id, now));
    // A failed call's event carries the output tokens it produced as its generation.
    this.failKind = sim.register((id, tokens, now) => this.failed(id, tokens, now));
  }

  get outstanding(): number {
    return this.held;
  }

  refusal(inputTokens: number, outputTokens: number): Refusal | undefined {
    const window = this.opts.contextWindow;
    return window !== undefined && inputTokens + outputTokens > window ? 'tooLong' : undefined;
  }

  /** An API has no queue the client sees; a spent rate limit makes a new call wait for the next minute. */
  predictedWait(now: number): number {
    const limit = this.opts.rateLimit;
    if (this.opts.tier !== 'standard' || !limit || Math.floor(now / 60) !== this.minute) return 0;
    const spent = (limit.rpm !== undefined && this.minuteRequests >= limit.rpm) || (limit.tpm !== undefined && this.minuteTokens >= limit.tpm);
    return spent ? (this.minute + 1) * 60 - now : 0;
  }

  sample(): BackendSample {
    return { serving: 0, provisioning: 0, billedGpus: NO_GPUS, waiting: 0, running: this.held, busy: 0, kvOccupancy: NaN, tokens: sumMeters(this.tokensByClass) };
  }

  /** A client learns of an outage only by calling: to a router the API is always there. */
  available(): boolean {
    return true;
  }

  submit(id: ReqId, now: number): void {
    this.ctx.table.resetWork(id, now);
    if (id >= this.callFirstToken.length) this.callFirstToken = grown(this.callFirstToken, Math.max(2 * this.callFirstToken.length, id + 1));
    this.held++;
    if (this.counts(id)) this.heldCounted++;
    this.call(id, now);
  }

  private counts(id: ReqId): boolean {
    return this.ctx.table.arrival[id]! >= this.ctx.window.from;
  }

  private call(id: ReqId, now: number): void {
    const o = this.opts;
    const t = this.ctx.table;
    if (o.tier === 'standard' && o.rateLimit && this.rateLimited(id, now)) {
      if (this.counts(id)) this.rateLimitedCalls++;
      this.retryOrFail(id, now, 'rateLimited');
      return;
    }
    if (this.counts(id)) this.calls++;
    if (this.timeline?.isDown(now)) {
      if (this.counts(id)) this.errors++;
      this.retryOrFail(id, now, 'errored');
      return;
    }
    let ttft: number;
    let end: number;
    const output = t.output[id]!;
    if (o.tier === 'batch') {
      end = now + o.batchLatency(o.rng);
      ttft = end - now;
    } else {
      ttft = o.ttft(o.rng, t.prompt[id]!);
      end = now + ttft + (output - 1) / o.outputTokensPerSecond(o.rng);
    }
    this.callFirstToken[id] = now + ttft;
    // When, if at all, this call fails: at the next outage's start, or at a uniform point for a fixed error rate.
    let failAt = Infinity;
    if (this.timeline) failAt = this.timeline.nextDownStart(now);
    if (this.errorRate > 0 && o.failureRng() < this.errorRate) failAt = Math.min(failAt, now + o.failureRng() * (end - now));
    if (failAt < end) {
      const produced = failAt < now + ttft ? 0 : Math.min(output - 1, 1 + Math.floor(((failAt - now - ttft) / (end - now - ttft)) * (output - 1)));
      this.ctx.sim.schedule(failAt, this.failKind, id, produced);
    } else {
      this.ctx.sim.schedule(end, this.doneKind, id);
    }
  }

  /** Fixed one-minute windows of requests and tokens (input + output), as providers count them. */
  private rateLimited(id: ReqId, now: number): boolean {
    const minute = Math.floor(now / 60);
    if (minute !== this.minute) {
      this.minute = minute;
      this.minuteRequests = 0;
      this.minuteTokens = 0;
    }
    const t = this.ctx.table;
    const tokens = t.prompt[id]! + t.output[id]!;
    const { rpm, tpm } = this.opts.rateLimit!;
    if ((rpm !== undefined && this.minuteRequests + 1 > rpm) || (tpm !== undefined && this.minuteTokens + tokens > tpm)) return true;
    this.minuteRequests++;
    this.minuteTokens += tokens;
    return false;
  }

  /** Meters the tokens of one call: its whole prompt (part of it cached) and `outputTokens`. */
  private meter(id: ReqId, outputTokens: number): void {
    if (!this.counts(id)) return;
    const t = this.ctx.table;
    const input = t.prompt[id]!;
    const classId = t.classId[id]!;
    const cached = Math.round(input * (this.opts.sharedPrefixByClass?.[classId] ?? this.opts.cachedInputShare));
    addTokens((this.tokensByClass[classId] ??= noTokens()), input - cached, cached, outputTokens);
    addTokens((this.tokensByMonth[monthOf(this.months, this.ctx.sim.now)] ??= noTokens()), input - cached, cached, outputTokens);
  }

  private complete(id: ReqId, now: number): void {
    const output = this.ctx.table.output[id]!;
    this.meter(id, output);
    this.release(id);
    this.ctx.sink.firstToken(id, this.callFirstToken[id]!);
    this.ctx.sink.completed(id, now, output);
  }

  private failed(id: ReqId, produced: number, now: number): void {
    if (produced > 0) this.meter(id, produced);
    if (this.counts(id)) this.errors++;
    this.retryOrFail(id, now, 'errored');
  }

  private retryOrFail(id: ReqId, now: number, reason: FailureReason): void {
    const r = this.opts.retry;
    const t = this.ctx.table;
    const attempt = ++t.attempt[id]!;
    if (attempt > r.maxRetries) {
      this.release(id);
      this.ctx.sink.failed(id, now, reason);
      return;
    }
    if (this.counts(id)) this.retries++;
    const cap = Math.min(r.maxDelay, r.baseDelay * Math.pow(2, attempt - 1));
    this.ctx.sim.schedule(now + cap * this.opts.rng(), this.callKind, id);
  }

  /** The request's outcome is about to be reported: it is no longer held here. */
  private release(id: ReqId): void {
    this.held--;
    if (this.counts(id)) this.heldCounted--;
  }

  /** The run's end: tokens metered per class, no GPU time, and the API's own counters. */
  end(_horizon: number): BackendReport {
    return {
      inFlight: this.heldCounted,
      usage: {
        gpu: [],
        busyGpuSeconds: 0,
        apiTokensByClass: Array.from(this.tokensByClass, (m) => ({ ...(m ?? noTokens()) })),
        servedTokensByClass: [],
        byMonth: this.months.count > 1 ? Array.from({ length: this.months.count }, (_, k) => ({ gpu: [], apiTokens: { ...(this.tokensByMonth[k] ?? noTokens()) } })) : undefined,
      },
      figures: noReplicaFigures({ calls: this.calls, rateLimited: this.rateLimitedCalls, errors: this.errors, retries: this.retries }),
    };
  }
}
