/**
 * Serving benchmark results as capsim reads them, from the two tools users run against their
 * own servers:
 * - `vllm bench serve --save-result` (and the older benchmarks/benchmark_serving.py): one
 *   run; its load (`request_rate`, "inf" for all at once, with `max_concurrency` a closed
 *   loop), per-request `input_lens` and `output_lens` when saved, and the latency summary
 *   keys `mean_ttft_ms`, `median_ttft_ms`, `p99_ttft_ms`, … for ttft, tpot, itl and e2el;
 * - GuideLLM's benchmarks report (`guidellm benchmark --output-path x.json`): one run per
 *   benchmark, its strategy (synchronous, concurrent, throughput, constant, poisson) under
 *   `args.strategy` or `config.strategy`, and `metrics` as StatusDistributionSummary
 *   (`time_to_first_token_ms`, `time_per_output_token_ms`, `inter_token_latency_ms`,
 *   `request_latency` in seconds, `prompt_token_count`, `output_token_count`).
 * Latencies are returned in seconds. A file that is neither names what it lacks.
 */
import { InputError } from '../scenario/index.js';

export type LatencyMetric = 'ttft' | 'tpot' | 'itl' | 'e2e';
export type LatencyStat = 'mean' | 'p50' | 'p99';
export type Observed = Partial<Record<LatencyMetric, Partial<Record<LatencyStat, number>>>>;

export type ReplayLoad =
  | { readonly kind: 'offline' }
  | { readonly kind: 'poisson'; readonly rate: number }
  | { readonly kind: 'constant'; readonly rate: number }
  | { readonly kind: 'closed'; readonly concurrency: number };

export interface BenchmarkRun {
  readonly label: string;
  readonly load: ReplayLoad;
  readonly requests: readonly { readonly input: number; readonly output: number }[];
  readonly observed: Observed;
}

export interface BenchmarkResults {
  readonly format: 'vllm' | 'guidellm';
  readonly runs: readonly BenchmarkRun[];
  /** What was assumed while reading (mean lengths where none per request, an approximated arrival process). */
  readonly notes: readonly string[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** A request count or token length read from a file: a whole number within the limits capsim accepts. */
function length(v: unknown, what: string, file: string, min: number): number {
  const n = finite(v);
  if (n === undefined || !Number.isInteger(n) || n < min || n > 10_000_000) throw new InputError(`${file}: ${what} is ${JSON.stringify(v)}; expected a whole number from ${min} to 10,000,000.`);
  return n;
}

/** Calibration replays each run a few hundred times: runs beyond this many requests are refused, not replayed for minutes. */
export const MAX_REPLAY_REQUESTS = 20_000;

function boundedRun(run: BenchmarkRun, file: string): BenchmarkRun {
  if (run.requests.length <= MAX_REPLAY_REQUESTS) return run;
  throw new InputError(
    `${file}: ${run.label} has ${run.requests.length.toLocaleString('en-US')} requests; calibrate replays a run a few hundred times and takes at most ${MAX_REPLAY_REQUESTS.toLocaleString('en-US')} (benchmark fewer prompts, e.g. --num-prompts 2000).`,
  );
}

export function readBenchmarkResults(text: string, file: string): BenchmarkResults {
  const results = readAnyResults(text, file);
  return { ...results, runs: results.runs.map((r) => boundedRun(r, file)) };
}

function readAnyResults(text: string, file: string): BenchmarkResults {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file} is not valid JSON (${(error as Error).message}); expected a \`vllm bench serve --save-result\` file or a GuideLLM benchmarks report.`);
  }
  if (isObject(doc) && Array.isArray(doc['benchmarks'])) return readGuideLlm(doc['benchmarks'], file);
  if (isObject(doc) && ('mean_ttft_ms' in doc || 'ttfts' in doc)) return readVllm(doc, file);
  throw new InputError(
    `${file}: neither a vLLM benchmark result (keys mean_ttft_ms, request_rate, completed, …) nor a GuideLLM report (a top-level "benchmarks" list); found keys ${isObject(doc) ? Object.keys(doc).slice(0, 8).join(', ') || 'none' : typeof doc}.`,
  );
}

/** vLLM's percentile keys: p99_ttft_ms, median_ttft_ms, mean_ttft_ms (milliseconds). */
function vllmObserved(doc: Json): Observed {
  const observed: Observed = {};
  const names: readonly [LatencyMetric, string][] = [
    ['ttft', 'ttft'],
    ['tpot', 'tpot'],
    ['itl', 'itl'],
    ['e2e', 'e2el'],
  ];
  for (const [metric, key] of names) {
    const stats: Partial<Record<LatencyStat, number>> = {};
    const mean = finite(doc[`mean_${key}_ms`]);
    const p50 = finite(doc[`median_${key}_ms`]) ?? finite(doc[`p50_${key}_ms`]);
    const p99 = finite(doc[`p99_${key}_ms`]);
    if (mean !== undefined && mean > 0) stats.mean = mean / 1000;
    if (p50 !== undefined && p50 > 0) stats.p50 = p50 / 1000;
    if (p99 !== undefined && p99 > 0) stats.p99 = p99 / 1000;
    if (Object.keys(stats).length > 0) observed[metric] = stats;
  }
  return observed;
}

/** numpy's default percentile (linear between closest ranks) of finite values. */
function percentileOf(values: readonly number[], p: number): number | undefined {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const at = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/** Mean, median and p99 (as numpy computes them) of the positive finite values, as the benchmark tools report latencies. */
export function latencyStats(values: readonly number[]): Record<LatencyStat, number> | undefined {
  const finiteValues = values.filter((v) => Number.isFinite(v) && v > 0);
  if (finiteValues.length === 0) return undefined;
  return { mean: finiteValues.reduce((a, v) => a + v, 0) / finiteValues.length, p50: percentileOf(finiteValues, 50)!, p99: percentileOf(finiteValues, 99)! };
}

/**
 * Latency statistics computed from the per-request arrays `--save-detailed` keeps
 * (`ttfts` in seconds, `itls` one list of gaps per request), for a file without the summary keys.
 */
function vllmObservedFromArrays(doc: Json, file: string): Observed {
  const ttfts = doc['ttfts'];
  const itls = doc['itls'];
  if (!Array.isArray(ttfts)) return {};
  const observed: Observed = {};
  const t = ttfts.map((v, i) => {
    const x = finite(v);
    if (x === undefined || x < 0) throw new InputError(`${file}: ttfts[${i}] is ${JSON.stringify(v)}; expected seconds, 0 or more.`);
    return x;
  });
  const ttft = latencyStats(t);
  if (ttft) observed.ttft = ttft;
  if (Array.isArray(itls) && itls.length === ttfts.length) {
    const gaps: number[] = [];
    const tpots: number[] = [];
    const e2es: number[] = [];
    itls.forEach((list, i) => {
      if (!Array.isArray(list)) throw new InputError(`${file}: itls[${i}] is ${JSON.stringify(list)}; expected a list of seconds between tokens.`);
      const g = list.map((v, k) => {
        const x = finite(v);
        if (x === undefined || x < 0) throw new InputError(`${file}: itls[${i}][${k}] is ${JSON.stringify(v)}; expected seconds, 0 or more.`);
        return x;
      });
      gaps.push(...g);
      const sum = g.reduce((a, x) => a + x, 0);
      if (g.length > 0) tpots.push(sum / g.length);
      if (t[i]! > 0) e2es.push(t[i]! + sum);
    });
    const itl = latencyStats(gaps);
    const tpot = latencyStats(tpots);
    const e2e = latencyStats(e2es);
    if (itl) observed.itl = itl;
    if (tpot) observed.tpot = tpot;
    if (e2e) observed.e2e = e2e;
  }
  return observed;
}

function readVllm(doc: Json, file: string): BenchmarkResults {
  const notes: string[] = [];
  const completed = length(doc['completed'], 'completed', file, 1);
  const summaryKeys = vllmObserved(doc);
  const observed = Object.keys(summaryKeys).length > 0 ? summaryKeys : vllmObservedFromArrays(doc, file);
  if (observed !== summaryKeys) notes.push('no summary latency keys: statistics computed from the per-request ttfts and itls');
  if (!observed.ttft && !observed.tpot && !observed.itl) throw new InputError(`${file}: no latency figures (mean_ttft_ms, mean_tpot_ms, mean_itl_ms, or per-request ttfts); expected a result saved by \`vllm bench serve --save-result\`.`);
  let requests: { input: number; output: number }[];
  const inputs = doc['input_lens'];
  const outputs = doc['output_lens'];
  if (Array.isArray(inputs) && Array.isArray(outputs) && inputs.length === outputs.length && inputs.length > 0) {
    // Requests that returned nothing (output 0: failed or refused) did no work on the server.
    requests = inputs
      .map((input, i) => ({ input: length(input, `input_lens[${i}]`, file, 0), output: length(outputs[i], `output_lens[${i}]`, file, 0) }))
      .filter((r) => r.output > 0 && r.input > 0);
    const dropped = inputs.length - requests.length;
    if (dropped > 0) notes.push(`${dropped} of ${inputs.length} requests returned no tokens and are left out of the replay`);
  } else {
    const input = Math.max(1, Math.round(length(doc['total_input_tokens'], 'total_input_tokens', file, 1) / completed));
    const output = Math.max(1, Math.round(length(doc['total_output_tokens'], 'total_output_tokens', file, 1) / completed));
    if (completed > MAX_REPLAY_REQUESTS) throw new InputError(`${file}: ${completed.toLocaleString('en-US')} completed requests; calibrate takes at most ${MAX_REPLAY_REQUESTS.toLocaleString('en-US')} per run (benchmark fewer prompts).`);
    requests = Array.from({ length: completed }, () => ({ input, output }));
    notes.push(`no per-request lengths (input_lens, output_lens): every request replayed with the mean lengths, ${input} in and ${output} out`);
  }
  if (requests.length === 0) throw new InputError(`${file}: no request returned any tokens; nothing to replay.`);
  const rate = doc['request_rate'];
  const concurrency = finite(doc['max_concurrency']);
  let load: ReplayLoad;
  if (rate === 'inf' || rate === undefined || rate === null || rate === Infinity) {
    load = concurrency !== undefined ? { kind: 'closed', concurrency: length(concurrency, 'max_concurrency', file, 1) } : { kind: 'offline' };
  } else {
    const r = finite(rate);
    if (r === undefined || r <= 0) throw new InputError(`${file}: request_rate is ${JSON.stringify(rate)}; expected a positive number or "inf".`);
    load = { kind: 'poisson', rate: r };
    const burstiness = finite(doc['burstiness']);
    if (burstiness !== undefined && burstiness !== 1) notes.push(`burstiness ${burstiness}: arrivals replayed as Poisson (burstiness 1)`);
    if (concurrency !== undefined) notes.push(`max_concurrency ${concurrency} with a finite rate: replayed without the cap`);
  }
  const what = load.kind === 'offline' ? 'all at once' : load.kind === 'closed' ? `${load.concurrency} at a time` : `${load.rate} requests/s`;
  return { format: 'vllm', runs: [{ label: `vllm bench serve, ${requests.length} requests ${what}`, load, requests, observed }], notes };
}

/** A StatusDistributionSummary's successful requests: mean, median and p99. */
function summaryStats(summary: unknown, scale: number): Partial<Record<LatencyStat, number>> | undefined {
  const ok = isObject(summary) ? summary['successful'] : undefined;
  if (!isObject(ok)) return undefined;
  const percentiles = isObject(ok['percentiles']) ? ok['percentiles'] : {};
  const stats: Partial<Record<LatencyStat, number>> = {};
  const mean = finite(ok['mean']);
  const p50 = finite(ok['median']) ?? finite(percentiles['p50']);
  const p99 = finite(percentiles['p99']);
  if (mean !== undefined && mean > 0) stats.mean = mean * scale;
  if (p50 !== undefined && p50 > 0) stats.p50 = p50 * scale;
  if (p99 !== undefined && p99 > 0) stats.p99 = p99 * scale;
  return Object.keys(stats).length > 0 ? stats : undefined;
}

function guideLlmLoad(strategy: unknown, where: string): ReplayLoad {
  if (!isObject(strategy)) throw new InputError(`${where}: no strategy (args.strategy or config.strategy); expected GuideLLM's benchmarks report.`);
  const type = strategy['type_'] ?? strategy['type'];
  const positive = (key: string) => {
    const v = finite(strategy[key]);
    if (v === undefined || v <= 0) throw new InputError(`${where}: strategy ${String(type)} has ${key} ${JSON.stringify(strategy[key])}; expected a positive number.`);
    return v;
  };
  switch (type) {
    case 'synchronous':
      return { kind: 'closed', concurrency: 1 };
    case 'concurrent':
      return { kind: 'closed', concurrency: Math.round(positive('streams')) };
    case 'throughput':
      return { kind: 'offline' };
    case 'constant':
      return { kind: 'constant', rate: positive('rate') };
    case 'poisson':
      return { kind: 'poisson', rate: positive('rate') };
    default:
      throw new InputError(`${where}: strategy type ${JSON.stringify(type)}; expected synchronous, concurrent, throughput, constant or poisson.`);
  }
}

function readGuideLlm(benchmarks: unknown[], file: string): BenchmarkResults {
  const notes: string[] = [];
  if (benchmarks.length === 0) throw new InputError(`${file}: the "benchmarks" list is empty.`);
  const runs = benchmarks.map((b, i): BenchmarkRun => {
    const where = `${file}: benchmarks[${i}]`;
    if (!isObject(b) || !isObject(b['metrics'])) throw new InputError(`${where} has no metrics; expected GuideLLM's benchmarks report.`);
    const m = b['metrics'];
    const args = isObject(b['args']) ? b['args'] : isObject(b['config']) ? b['config'] : {};
    const load = guideLlmLoad(args['strategy'], where);
    const observed: Observed = {};
    const ttft = summaryStats(m['time_to_first_token_ms'], 1e-3);
    const tpot = summaryStats(m['time_per_output_token_ms'], 1e-3);
    const itl = summaryStats(m['inter_token_latency_ms'], 1e-3);
    const e2e = summaryStats(m['request_latency'], 1);
    if (ttft) observed.ttft = ttft;
    if (itl) observed.itl = itl;
    if (e2e) observed.e2e = e2e;
    // GuideLLM's time per output token counts the first token too; capsim's (vLLM's) does not.
    if (tpot && !itl) notes.push(`${where}: time_per_output_token_ms includes the first token; compared with inter-token latency only when that is missing`);
    if (!ttft && !itl) throw new InputError(`${where}: no time_to_first_token_ms or inter_token_latency_ms among its metrics.`);
    let requests: { input: number; output: number }[];
    const list = isObject(b['requests']) && Array.isArray(b['requests']['successful']) ? (b['requests']['successful'] as unknown[]) : undefined;
    if (list && list.length > 0) {
      requests = list.map((r, k) => {
        const row = isObject(r) ? r : {};
        return { input: length(row['prompt_tokens'], `${where}.requests.successful[${k}].prompt_tokens`, file, 1), output: length(row['output_tokens'], `${where}.requests.successful[${k}].output_tokens`, file, 1) };
      });
    } else {
      const prompt = summaryStats(m['prompt_token_count'], 1)?.mean;
      const output = summaryStats(m['output_token_count'], 1)?.mean;
      const count = isObject(m['request_latency']) && isObject(m['request_latency']['successful']) ? finite(m['request_latency']['successful']['count']) : undefined;
      if (prompt === undefined || output === undefined || count === undefined || count < 1) {
        throw new InputError(`${where}: no request lengths (requests.successful, or prompt_token_count, output_token_count and request_latency.successful.count).`);
      }
      if (count > MAX_REPLAY_REQUESTS) throw new InputError(`${where}: ${Math.round(count).toLocaleString('en-US')} requests; calibrate takes at most ${MAX_REPLAY_REQUESTS.toLocaleString('en-US')} per run.`);
      requests = Array.from({ length: Math.round(count) }, () => ({ input: Math.max(1, Math.round(prompt)), output: Math.max(1, Math.round(output)) }));
      notes.push(`${where}: no per-request lengths; replayed ${Math.round(count)} requests of the mean lengths ${Math.round(prompt)} in and ${Math.round(output)} out`);
    }
    const what = load.kind === 'offline' ? 'throughput' : load.kind === 'closed' ? `${load.concurrency} concurrent` : `${load.kind} ${load.rate} requests/s`;
    return { label: `GuideLLM benchmark ${i + 1}: ${what}, ${requests.length} requests`, load, requests, observed };
  });
  return { format: 'guidellm', runs, notes };
}
