/**
 * Prices for every backend of a scenario, looked up once before any run: API token
 * prices (and the model's context window) from a catalog (the built-in table or a LiteLLM
 * file) with the scenario's own overrides, and GPU-hour prices for each fleet pool from the
 * built-in table by provider. A price that cannot be found is bad input naming the field
 * that needs it. Plain data: it crosses worker boundaries with each run cell.
 */
import {
  BUILT_IN_API_CATALOG,
  findApiPrice,
  findGpuPrice,
  GPU_PRICES,
  type ApiPriceCatalog,
} from '../catalog/index.js';
import { apiLatencySource, type ApiLatencySource } from '../api/index.js';
import { fleetPools, type PoolName } from '../fleet/index.js';
import { nearest, ScenarioError, type FieldProblem, type Pools, type Scenario } from '../scenario/index.js';

export interface ResolvedApiCosts {
  readonly kind: 'api';
  readonly model: string;
  readonly tier: 'standard' | 'batch';
  /** USD per million tokens for the tier in use. */
  readonly input: number;
  readonly cachedInput: number;
  readonly output: number;
  readonly source: string;
  /** Prompt + output tokens the model takes, when the catalog says. */
  readonly contextWindow: number | undefined;
  /** Where its latency figures come from: the scenario, a measurement of the model, or capsim's default (classifiers: none). */
  readonly latency?: ApiLatencySource;
}

/** USD per GPU-hour of each pool of a self-hosted fleet. */
export interface ResolvedGpuCosts {
  readonly kind: 'fleet';
  readonly gpu: string;
  readonly order: readonly PoolName[];
  /** A reservation: the GPUs committed and the term's length in hours (1y = 8,760, 3y = 26,280). */
  readonly reservation?: { readonly gpus: number; readonly termHours: number } | undefined;
  readonly price: { readonly reserved?: number | undefined; readonly onDemand: number; readonly spot?: number | undefined };
  readonly source: string;
}

export type BackendCosts =
  | ResolvedApiCosts
  | ResolvedGpuCosts
  | { readonly kind: 'managed'; readonly gpu: string; readonly pricePerGpuHour: number; readonly source: string }
  /** Plain servers model no hardware: nothing to price. */
  | { readonly kind: 'none' };

/** Per plan, per backend: the prices a run bills with. Plain data (crosses worker boundaries). */
export interface CostBook {
  readonly apiCatalog: { readonly name: string; readonly asOf: string };
  readonly plans: readonly (readonly BackendCosts[])[];
  /** Per plan: the prices of its routing classifier's model, when it names one. */
  readonly classifiers: readonly (ResolvedApiCosts | undefined)[];
}

export function resolveCosts(scenario: Scenario, catalog: ApiPriceCatalog = BUILT_IN_API_CATALOG): CostBook {
  const problems: FieldProblem[] = [];
  const plans = scenario.plans.map((plan, p) =>
    plan.backends.map((backend, b): BackendCosts => {
      const at = `plans.${p}.backends.${b}`;
      if (backend.kind === 'api') {
        const found = backend.model !== undefined ? findApiPrice(catalog, backend.model) : undefined;
        if (backend.model !== undefined && !found && (backend.prices?.input === undefined || backend.prices?.output === undefined)) {
          problems.push({ path: `${at}.model`, value: backend.model, expected: `a model in ${catalog.name} (closest: ${nearest(backend.model, catalog.prices.map((x) => x.model)).join(', ')}), or prices: { input, output }` });
        }
        const given = backend.prices ?? {};
        const input = given.input ?? found?.inputPerMTok ?? NaN;
        const output = given.output ?? found?.outputPerMTok ?? NaN;
        const cachedInput = given.cachedInput ?? found?.cachedInputPerMTok ?? input;
        const source = found ? `${catalog.name}: ${found.source} (${found.asOf})` : 'scenario prices';
        if (backend.tier === 'batch') {
          const batchInput = given.batchInput ?? found?.batchInputPerMTok;
          const batchOutput = given.batchOutput ?? found?.batchOutputPerMTok;
          if (batchInput === undefined || batchOutput === undefined) {
            problems.push({ path: `${at}.prices`, value: backend.prices, expected: `batch prices (batchInput and batchOutput): ${backend.model ?? 'this model'} has none in ${catalog.name}` });
          }
          return { kind: 'api', model: backend.model ?? 'custom', tier: 'batch', input: batchInput ?? NaN, cachedInput: batchInput ?? NaN, output: batchOutput ?? NaN, source, contextWindow: found?.contextWindow };
        }
        const latency = apiLatencySource(backend);
        return { kind: 'api', model: backend.model ?? 'custom', tier: 'standard', input, cachedInput, output, source, contextWindow: found?.contextWindow, latency };
      }
      if (backend.kind === 'managed') {
        const b = backend.billing;
        const gpu = backend.perf.gpu;
        if (b.pricePerGpuHour !== undefined) return { kind: 'managed', gpu, pricePerGpuHour: b.pricePerGpuHour, source: 'scenario price' };
        const row = findGpuPrice(backend.perf.gpu, b.provider);
        if (row?.onDemand === undefined) {
          problems.push({ path: `${at}.pricePerGpuHour`, value: undefined, expected: `a price: the built-in table has no on-demand price for ${backend.perf.gpu} on ${b.provider} to apply the premium to` });
          return { kind: 'managed', gpu, pricePerGpuHour: NaN, source: '' };
        }
        return { kind: 'managed', gpu, pricePerGpuHour: row.onDemand * (1 + b.premium), source: `${row.source} × (1 + ${b.premium} premium)` };
      }
      if (backend.perf.kind !== 'llm') return { kind: 'none' };
      return resolvePools(backend.perf.gpu, backend.perf.tp, 'pools' in backend ? backend.pools : undefined, `${at}.pools`, problems);
    }),
  );
  const classifiers = scenario.plans.map((plan, p): ResolvedApiCosts | undefined => {
    const model = plan.routing?.classifier?.model;
    if (model === undefined) return undefined;
    const found = findApiPrice(catalog, model);
    if (!found) {
      problems.push({ path: `plans.${p}.routing.classifier.model`, value: model, expected: `a model in ${catalog.name} (closest: ${nearest(model, catalog.prices.map((x) => x.model)).join(', ')})` });
      return undefined;
    }
    const source = `${catalog.name}: ${found.source} (${found.asOf})`;
    return { kind: 'api', model, tier: 'standard', input: found.inputPerMTok, cachedInput: found.cachedInputPerMTok ?? found.inputPerMTok, output: found.outputPerMTok, source, contextWindow: found.contextWindow };
  });
  if (problems.length > 0) throw new ScenarioError(scenario.name, problems);
  return { apiCatalog: { name: catalog.name, asOf: catalog.asOf }, plans, classifiers };
}

type PoolsInput = Pools | undefined;

function resolvePools(gpu: string, tp: number, pools: PoolsInput, at: string, problems: FieldProblem[]): ResolvedGpuCosts {
  const p = pools ?? { provider: 'aws' as const };
  const row = findGpuPrice(gpu, p.provider);
  const offered = GPU_PRICES.filter((r) => r.gpu === gpu).map((r) => r.provider);
  const missing = (field: string, what: string) =>
    problems.push({ path: `${at}.${field}`, value: undefined, expected: `a price: the built-in table has no ${what} price for ${gpu} on ${p.provider}${offered.length ? ` (it has ${gpu} on ${offered.join(', ')})` : ''}; give pricePerGpuHour` });
  if (p.onDemand && p.spot && !p.order) {
    problems.push({ path: `${at}.order`, value: undefined, expected: 'an order such as [reserved, spot] or [reserved, onDemand]: both onDemand and spot are configured, and replicas beyond the reservation go to the first spill pool in order' });
  }
  const onDemand = p.onDemand?.pricePerGpuHour ?? row?.onDemand;
  const order = fleetPools(gpu, tp, p).order;
  const uses = (pool: PoolName) => order.includes(pool) || (pool === 'reserved' && p.reserved !== undefined);
  if (onDemand === undefined && (uses('onDemand') || p.reserved?.discount !== undefined || p.spot?.discount !== undefined)) missing('onDemand.pricePerGpuHour', 'on-demand');
  let reserved: number | undefined;
  if (p.reserved) {
    const catalogReserved = p.reserved.term === '3y' ? row?.reserved3y : row?.reserved1y;
    reserved = p.reserved.pricePerGpuHour ?? (p.reserved.discount !== undefined && onDemand !== undefined ? onDemand * (1 - p.reserved.discount) : catalogReserved);
    if (reserved === undefined) missing('reserved.pricePerGpuHour', `${p.reserved.term} commitment`);
  }
  let spot: number | undefined;
  if (p.spot && uses('spot')) {
    spot = p.spot.pricePerGpuHour ?? (p.spot.discount !== undefined && onDemand !== undefined ? onDemand * (1 - p.spot.discount) : row?.spot);
    if (spot === undefined) missing('spot.pricePerGpuHour', 'spot');
  }
  const scenarioPrice = p.reserved?.pricePerGpuHour !== undefined || p.onDemand?.pricePerGpuHour !== undefined || p.spot?.pricePerGpuHour !== undefined;
  return {
    kind: 'fleet',
    gpu,
    order,
    reservation: p.reserved ? { gpus: p.reserved.gpus, termHours: (p.reserved.term === '3y' ? 3 : 1) * 8760 } : undefined,
    price: { reserved, onDemand: onDemand ?? NaN, spot },
    source: [row ? `${row.source} (${row.asOf})` : undefined, scenarioPrice ? 'scenario prices' : undefined].filter(Boolean).join('; '),
  };
}
