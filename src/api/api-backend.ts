/**
 * A pay-per-token API as seen by its client: each call takes a time to first token and
 * then streams at some tokens per second; rate limits (requests and tokens per minute)
 * answer 429; provider outages make calls fail. The client retries a failed or
 * rate-limited call with exponential backoff and full jitter (a delay drawn uniformly from
 * [0, min(maxDelay, baseDelay·2^(attempt−1))]) up to `maxRetries`, then the request fails.
 *
 * Billing follows the providers: a 429 or a call refused during an outage costs nothing;
 * a call that fails after it started streaming is billed for its input and the output it
 * produced; a completed call is billed in full, with `cachedInputShare` of its input at the
 * prompt-cache price. The batch tier bills at batch prices and answers after `batchLatency`.
 */
import { grown, type Simulation } from '../engine/index.js';
import type { RunRecorder } from '../metrics/index.js';
import type { Rng, Sampler } from '../random/index.js';
import { OutageTimeline } from './outages.js';

export interface ResolvedApiPrices {
  /** USD per million tokens, for the tier in use. */
  readonly input: number;
  readonly cachedInput: number;
  readonly output: number;
}

export interface ApiBackendOptions {
  readonly tier: 'standard' | 'batch';
  readonly prices: ResolvedApiPrices;
  readonly cachedInputShare: number;
  /** Per request class: the share of its prompt that is a shared prefix (cached), overriding cachedInputShare. */
  readonly sharedPrefixByClass?: readonly (number | undefined)[] | undefined;
  readonly ttft: Sampler;
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

/** What the API did in a run, for the bill (counted requests only). */
export interface ApiUsage {
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  calls: number;
  rateLimited: number;
  errors: number;
  retries: number;
  usd: { input: number; cachedInput: number; output: number };
}

/** What an API backend reports at the horizon (structurally a fleet/ FleetEnd). */
export interface ApiEnd {
  inFlight: number;
  replicaUtilization: number[];
  utilization: number;
  queueLength: number;
  inSystem: number;
  charges: { item: string; usd: number }[];
  billedGpuSeconds: number;
  busyGpuSeconds: number;
  api: { calls: number; rateLimited: number; errors: number; retries: number };
}

export class ApiBackend {
  // Requests in flight, as typed columns with recycled slots.
  private arrival = new Float64Array(256);
  private input = new Int32Array(256);
  private output = new Int32Array(256);
  private attempt = new Int32Array(256);
  private classOf = new Int32Array(256);
  private firstToken = new Float64Array(256);
  private free: number[] = [];
  private next = 0;

  private minute = -1;
  private minuteRequests = 0;
  private minuteTokens = 0;
  private readonly timeline: OutageTimeline | undefined;
  private readonly errorRate: number;

  private readonly callKind: number;
  private readonly doneKind: number;
  private readonly failKind: number;

  readonly usage: ApiUsage = {
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    calls: 0,
    rateLimited: 0,
    errors: 0,
    retries: 0,
    usd: { input: 0, cachedInput: 0, output: 0 },
  };

  constructor(
    private readonly sim: Simulation,
    private readonly recorder: RunRecorder,
    private readonly opts: ApiBackendOptions,
  ) {
    const o = opts.outages;
    this.timeline = o && 'mtbf' in o ? new OutageTimeline(o.mtbf, o.mttr, opts.failureRng) : undefined;
    this.errorRate = o && 'errorRate' in o ? o.errorRate : 0;
    this.callKind = sim.register((id, _gen, now) => this.call(id, now));
    this.doneKind = sim.register((id, _gen, now) => this.complete(id, now));
    // A failed call's event carries the output tokens it produced as its generation.
    this.failKind = sim.register((id, tokens, now) => this.failed(id, tokens, now));
  }

  arrive(now: number, inputTokens: number, outputTokens: number, classId = 0): void {
    this.recorder.onArrival(now);
    const id = this.free.length > 0 ? this.free.pop()! : this.next++;
    if (id >= this.arrival.length) this.grow();
    this.arrival[id] = now;
    this.input[id] = inputTokens;
    this.output[id] = outputTokens;
    this.attempt[id] = 0;
    this.classOf[id] = classId;
    this.call(id, now);
  }


  private counts(id: number): boolean {
    return this.recorder.counts(this.arrival[id]!);
  }

  private call(id: number, now: number): void {
    const o = this.opts;
    if (o.tier === 'standard' && o.rateLimit && this.rateLimited(id, now)) {
      if (this.counts(id)) this.usage.rateLimited++;
      this.retryOrFail(id, now, 'rejected');
      return;
    }
    if (this.counts(id)) this.usage.calls++;
    if (this.timeline?.isDown(now)) {
      if (this.counts(id)) this.usage.errors++;
      this.retryOrFail(id, now, 'errored');
      return;
    }
    let ttft: number;
    let end: number;
    if (o.tier === 'batch') {
      end = now + o.batchLatency(o.rng);
      ttft = end - now;
    } else {
      ttft = o.ttft(o.rng);
      end = now + ttft + (this.output[id]! - 1) / o.outputTokensPerSecond(o.rng);
    }
    this.firstToken[id] = now + ttft;
    // When, if at all, this call fails: at the next outage's start, or at a uniform point for a fixed error rate.
    let failAt = Infinity;
    if (this.timeline) failAt = this.timeline.nextDownStart(now);
    if (this.errorRate > 0 && o.failureRng() < this.errorRate) failAt = Math.min(failAt, now + o.failureRng() * (end - now));
    if (failAt < end) {
      const produced = failAt < now + ttft ? 0 : Math.min(this.output[id]! - 1, 1 + Math.floor(((failAt - now - ttft) / (end - now - ttft)) * (this.output[id]! - 1)));
      this.sim.schedule(failAt, this.failKind, id, produced);
    } else {
      this.sim.schedule(end, this.doneKind, id);
    }
  }

  /** Fixed one-minute windows of requests and tokens (input + output), as providers count them. */
  private rateLimited(id: number, now: number): boolean {
    const minute = Math.floor(now / 60);
    if (minute !== this.minute) {
      this.minute = minute;
      this.minuteRequests = 0;
      this.minuteTokens = 0;
    }
    const tokens = this.input[id]! + this.output[id]!;
    const { rpm, tpm } = this.opts.rateLimit!;
    if ((rpm !== undefined && this.minuteRequests + 1 > rpm) || (tpm !== undefined && this.minuteTokens + tokens > tpm)) return true;
    this.minuteRequests++;
    this.minuteTokens += tokens;
    return false;
  }

  private bill(id: number, outputTokens: number): void {
    if (!this.counts(id)) return;
    const input = this.input[id]!;
    const cached = Math.round(input * (this.opts.sharedPrefixByClass?.[this.classOf[id]!] ?? this.opts.cachedInputShare));
    const u = this.usage;
    const p = this.opts.prices;
    u.inputTokens += input - cached;
    u.cachedInputTokens += cached;
    u.outputTokens += outputTokens;
    u.usd.input += ((input - cached) * p.input) / 1e6;
    u.usd.cachedInput += (cached * p.cachedInput) / 1e6;
    u.usd.output += (outputTokens * p.output) / 1e6;
  }

  private complete(id: number, now: number): void {
    this.bill(id, this.output[id]!);
    this.recorder.onFirstToken(this.arrival[id]!, this.firstToken[id]!);
    this.recorder.onSuccess(this.arrival[id]!, now, this.firstToken[id]!, this.classOf[id]!);
    this.recorder.onTokens(this.arrival[id]!, this.firstToken[id]!, now, this.output[id]!);
    this.release(id);
  }

  private failed(id: number, produced: number, now: number): void {
    if (produced > 0) this.bill(id, produced);
    if (this.counts(id)) this.usage.errors++;
    this.retryOrFail(id, now, 'errored');
  }

  private retryOrFail(id: number, now: number, reason: 'rejected' | 'errored'): void {
    const r = this.opts.retry;
    const attempt = ++this.attempt[id]!;
    if (attempt > r.maxRetries) {
      this.recorder.onFailure(this.arrival[id]!, reason);
      this.release(id);
      return;
    }
    if (this.counts(id)) this.usage.retries++;
    const cap = Math.min(r.maxDelay, r.baseDelay * Math.pow(2, attempt - 1));
    this.sim.schedule(now + cap * this.opts.rng(), this.callKind, id);
  }

  private release(id: number): void {
    this.free.push(id);
  }

  /** Counted requests still waiting on a call or a retry at the horizon. */
  inFlight(): number {
    const free = new Set(this.free);
    let n = 0;
    for (let id = 0; id < this.next; id++) if (!free.has(id) && this.counts(id)) n++;
    return n;
  }

  /**
   * The run's end, in the shape every backend reports (fleet/fleet-runtime.ts): tokens billed
   * by kind as line items, no GPU time, and the API's own counters.
   */
  end(_horizon: number): ApiEnd {
    const u = this.usage;
    const prefix = this.opts.tier === 'batch' ? 'api.batch' : 'api';
    const charges = [
      { item: `${prefix}.input`, usd: u.usd.input },
      { item: `${prefix}.cachedInput`, usd: u.usd.cachedInput },
      { item: `${prefix}.output`, usd: u.usd.output },
    ].filter((c) => c.usd > 0);
    return {
      inFlight: this.inFlight(),
      replicaUtilization: [],
      utilization: NaN,
      queueLength: NaN,
      inSystem: NaN,
      charges,
      billedGpuSeconds: 0,
      busyGpuSeconds: 0,
      api: { calls: u.calls, rateLimited: u.rateLimited, errors: u.errors, retries: u.retries },
    };
  }

  private grow(): void {
    const n = this.arrival.length * 2;
    this.arrival = grown(this.arrival, n);
    this.firstToken = grown(this.firstToken, n);
    this.input = grown(this.input, n);
    this.output = grown(this.output, n);
    this.attempt = grown(this.attempt, n);
    this.classOf = grown(this.classOf, n);
  }
}
