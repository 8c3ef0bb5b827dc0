/**
 * Pay-per-token API prices, USD per million tokens: input, cached input (prompt-cache
 * reads), output, and the batch tier. A built-in, dated table, and a reader for LiteLLM's
 * `model_prices_and_context_window.json` (per-token keys) so users can point at a newer one.
 */
export interface ApiPrice {
  readonly model: string;
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
  /** Prompt-cache read price; undefined where the provider has no discount (input price then applies). */
  readonly cachedInputPerMTok: number | undefined;
  /** Batch-tier prices; undefined where there is no batch tier. */
  readonly batchInputPerMTok: number | undefined;
  readonly batchOutputPerMTok: number | undefined;
  /** Prompt + output tokens one call may hold; undefined where the catalog does not say. */
  readonly contextWindow: number | undefined;
  readonly source: string;
  readonly asOf: string;
}

const ARTICLE = 'llm-inference-economics-2026 (shared articles), per-token table of February 2026';
const LITELLM = "LiteLLM model_prices_and_context_window.json (shared data prices/), keys input/output_cost_per_token, cache_read_input_token_cost, *_batches";
const ANTHROPIC = 'https://www.anthropic.com/pricing (prompt-cache reads at 10% of input; Message Batches at 50%)';
const GOOGLE = 'https://ai.google.dev/pricing (batch at 50%; context caching at 25% of input)';
/** Context windows: LiteLLM's max_input_tokens (shared data, read 2026-11) where it has the model, else the vendor's model page. */
const CONTEXT = {
  claude: 'context 200,000: LiteLLM max_input_tokens of anthropic.claude-3-5-*-20241022 rows; https://docs.anthropic.com/en/docs/about-claude/models',
  openai: 'context 128,000: LiteLLM max_input_tokens (gpt-4o, gpt-4o-mini)',
  gemini: 'context 2,097,152 (Pro) / 1,048,576 (Flash): https://ai.google.dev/gemini-api/docs/models/gemini (1.5 models)',
};

export const API_PRICES: readonly ApiPrice[] = [
  { model: 'claude-3.5-sonnet', inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, batchInputPerMTok: 1.5, batchOutputPerMTok: 7.5, contextWindow: 200_000, source: `${ARTICLE}; ${ANTHROPIC}; ${CONTEXT.claude}`, asOf: '2026-02' },
  { model: 'claude-3.5-haiku', inputPerMTok: 0.8, outputPerMTok: 4, cachedInputPerMTok: 0.08, batchInputPerMTok: 0.4, batchOutputPerMTok: 2, contextWindow: 200_000, source: `${ARTICLE}; ${ANTHROPIC}; ${CONTEXT.claude}`, asOf: '2026-02' },
  { model: 'gpt-4o', inputPerMTok: 2.5, outputPerMTok: 10, cachedInputPerMTok: 1.25, batchInputPerMTok: 1.25, batchOutputPerMTok: 5, contextWindow: 128_000, source: `${ARTICLE}; ${LITELLM} (gpt-4o); ${CONTEXT.openai}`, asOf: '2026-02' },
  { model: 'gpt-4o-mini', inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075, batchInputPerMTok: 0.075, batchOutputPerMTok: 0.3, contextWindow: 128_000, source: `${ARTICLE}; ${LITELLM} (gpt-4o-mini); ${CONTEXT.openai}`, asOf: '2026-02' },
  { model: 'gemini-1.5-pro', inputPerMTok: 1.25, outputPerMTok: 5, cachedInputPerMTok: 0.3125, batchInputPerMTok: 0.625, batchOutputPerMTok: 2.5, contextWindow: 2_097_152, source: `${ARTICLE}; ${GOOGLE}; ${CONTEXT.gemini}`, asOf: '2026-02' },
  { model: 'gemini-1.5-flash', inputPerMTok: 0.075, outputPerMTok: 0.3, cachedInputPerMTok: 0.01875, batchInputPerMTok: 0.0375, batchOutputPerMTok: 0.15, contextWindow: 1_048_576, source: `${ARTICLE}; ${GOOGLE}; ${CONTEXT.gemini}`, asOf: '2026-02' },
];

export const BUILT_IN_API_CATALOG = { name: 'built-in API price table', asOf: '2026-02', prices: API_PRICES } as const;

export interface ApiPriceCatalog {
  readonly name: string;
  readonly asOf: string;
  readonly prices: readonly ApiPrice[];
}

/** Why a LiteLLM catalog could not be read. */
export class PriceCatalogError extends Error {}

/**
 * Reads LiteLLM's JSON: an object of model name → fields with per-token prices. Entries
 * without both input and output prices (images, embeddings, the sample spec) are skipped.
 */
export function parseLiteLlmCatalog(text: string, name: string, asOf: string): ApiPriceCatalog {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PriceCatalogError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new PriceCatalogError(`${name} is not a JSON object of model name → prices (LiteLLM's format).`);
  const prices: ApiPrice[] = [];
  // A price must be a finite number from 0 to $1,000 a token (a billion per million, the
  // scenario's own limit); anything else counts as no price (the entry is skipped, or has
  // no cache or batch price).
  const perM = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1000 ? v * 1e6 : undefined);
  for (const [model, entry] of Object.entries(data as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as Record<string, unknown>;
    const input = perM(e['input_cost_per_token']);
    const output = perM(e['output_cost_per_token']);
    if (input === undefined || output === undefined || model === 'sample_spec') continue;
    prices.push({
      model,
      inputPerMTok: input,
      outputPerMTok: output,
      cachedInputPerMTok: perM(e['cache_read_input_token_cost']),
      batchInputPerMTok: perM(e['input_cost_per_token_batches']),
      batchOutputPerMTok: perM(e['output_cost_per_token_batches']),
      contextWindow: typeof e['max_input_tokens'] === 'number' && e['max_input_tokens'] > 0 ? e['max_input_tokens'] : undefined,
      source: `${name} (${model})`,
      asOf,
    });
  }
  if (prices.length === 0) throw new PriceCatalogError(`${name} has no model with input_cost_per_token and output_cost_per_token.`);
  return { name, asOf, prices };
}

export function findApiPrice(catalog: ApiPriceCatalog, model: string): ApiPrice | undefined {
  return catalog.prices.find((p) => p.model === model);
}

/** Models whose name contains every word of the query (case-insensitive). */
export function searchApiPrices(catalog: ApiPriceCatalog, query: string): ApiPrice[] {
  const q = query.toLowerCase().trim();
  const words = q.split(/\s+/).filter(Boolean);
  // Exact name first, then names that start with the query, then the shortest.
  const rank = (m: string) => (m === q ? 0 : m.startsWith(q) ? 1 : 2);
  return catalog.prices
    .filter((p) => words.every((w) => p.model.toLowerCase().includes(w)))
    .sort((a, b) => rank(a.model.toLowerCase()) - rank(b.model.toLowerCase()) || a.model.length - b.model.length || a.model.localeCompare(b.model));
}
