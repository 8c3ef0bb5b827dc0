/**
 * Where an API backend's latency comes from, and the samplers it draws from: the
 * scenario's own distributions; else the built-in measurement of its model (median time
 * to first token at the measured prompt length, moved by TTFT_PER_INPUT_TOKEN for each
 * prompt token more or less, and the median output speed), with capsim's usual spread
 * around them; else capsim's default figures. Outputs name which one each backend uses.
 */
import { API_LATENCY_SPREAD, DEFAULT_API_LATENCY, findApiLatency, TTFT_PER_INPUT_TOKEN, type ApiLatency } from '../catalog/index.js';
import { boundedSampler, makeSampler, type Distribution, type Rng, type Sampler } from '../random/index.js';

export interface ApiLatencySource {
  /** `scenario`: both figures given in the scenario; `measured`: the built-in table; `default`: no measurement of this model. */
  readonly kind: 'scenario' | 'measured' | 'default';
  readonly model: string | undefined;
  /** The median time to first token at a 1,000-token prompt and the median output speed in use (for tables); undefined where the scenario gives distributions. */
  readonly ttftAt1kS?: number;
  readonly outputTokensPerSecond?: number;
  readonly source: string;
}

interface LatencySpec {
  readonly name: string;
  readonly model?: string | undefined;
  readonly ttft?: Distribution | undefined;
  readonly outputTokensPerSecond?: Distribution | undefined;
}

function measuredOrDefault(model: string | undefined): { row: Omit<ApiLatency, 'model'>; measured: boolean } {
  const row = findApiLatency(model);
  return row ? { row, measured: true } : { row: DEFAULT_API_LATENCY, measured: false };
}

/** Median time to first token with no prompt at all (the measured figure less its prompt's share), never below 10 ms. */
function baseTtft(row: Omit<ApiLatency, 'model'>): number {
  return Math.max(0.01, row.ttftS - TTFT_PER_INPUT_TOKEN.seconds * row.promptTokens);
}

export function apiLatencySource(spec: LatencySpec): ApiLatencySource {
  if (spec.ttft !== undefined && spec.outputTokensPerSecond !== undefined) return { kind: 'scenario', model: spec.model, source: 'scenario' };
  const { row, measured } = measuredOrDefault(spec.model);
  const given = spec.ttft !== undefined ? ' (time to first token from the scenario)' : spec.outputTokensPerSecond !== undefined ? ' (output speed from the scenario)' : '';
  return {
    kind: measured ? 'measured' : 'default',
    model: spec.model,
    ttftAt1kS: baseTtft(row) + TTFT_PER_INPUT_TOKEN.seconds * 1000,
    outputTokensPerSecond: row.outputTokensPerSecond,
    source: `${row.source} (${row.asOf})${given}; prompt tokens: ${TTFT_PER_INPUT_TOKEN.source}`,
  };
}

export interface ApiLatencySamplers {
  readonly ttft: (rng: Rng, promptTokens: number) => number;
  readonly outputTokensPerSecond: Sampler;
}

export function apiLatencySamplers(spec: LatencySpec): ApiLatencySamplers {
  const { row } = measuredOrDefault(spec.model);
  let ttft: ApiLatencySamplers['ttft'];
  if (spec.ttft !== undefined) {
    const given = boundedSampler(spec.ttft, `${spec.name}.ttft`);
    ttft = (rng) => given(rng);
  } else {
    const base = baseTtft(row);
    const draw = makeSampler({ dist: 'lognormal', median: base, p99: base * API_LATENCY_SPREAD.ttftP99OverMedian });
    ttft = (rng, promptTokens) => draw(rng) + TTFT_PER_INPUT_TOKEN.seconds * promptTokens;
  }
  const speed = spec.outputTokensPerSecond ?? { dist: 'lognormal', median: row.outputTokensPerSecond, p99: row.outputTokensPerSecond * API_LATENCY_SPREAD.speedP99OverMedian };
  return { ttft, outputTokensPerSecond: boundedSampler(speed, `${spec.name}.outputTokensPerSecond`, true) };
}
