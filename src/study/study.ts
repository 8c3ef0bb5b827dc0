/**
 * A study: one scenario run at one or more points (values of scenario fields), every
 * selected plan at every point over the same seeds (common random numbers across plans and
 * across points). `run` is a study of one point; `sweep` of a grid; `breakeven`, `size` and
 * `commit` choose their points as they go. A study is plain data (`StudyDefinition`), so a
 * folder can record it, a resumed or sharded study can check it is the same one, and
 * `merge` can load it again.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { resolveCosts, type CostBook } from '../cost/index.js';
import { capsimVersion, loadPriceCatalog, loadScenarioFile, runScenarioOn, seedList, type CellRunner, type ScenarioRuns } from '../experiment/index.js';
import type { ApiPriceCatalog } from '../catalog/index.js';
import { InputError, scenarioForOutput, type Scenario } from '../scenario/index.js';
import { pointOverrides, type Param, type Point, type Shard } from './spec.js';
import type { CellKey, CellStore, Manifest } from './store.js';

export type StudyCommand = 'run' | 'sweep' | 'breakeven' | 'size' | 'commit';

export interface StudyDefinition {
  readonly command: StudyCommand;
  /** The scenario file (absolute), or undefined for the built-in default. */
  readonly scenario: string | undefined;
  readonly set: readonly string[];
  /** A LiteLLM price catalog (absolute), or undefined for the built-in table. */
  readonly prices: string | undefined;
  readonly skipBadRows: boolean;
  /** Monte Carlo runs and base seed (default: the scenario's). */
  readonly seeds: number | undefined;
  readonly seed: number | undefined;
  /** The plans to run (default: all). */
  readonly plans: readonly string[] | undefined;
  /** A grid's parameters (sweep). */
  readonly params: readonly Param[];
  /** What else decides the study's points (a search's field and range). */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** A definition with paths made absolute, so it means the same from any folder. */
export function studyDefinition(fields: Omit<StudyDefinition, 'scenario' | 'prices'> & { scenario?: string | undefined; prices?: string | undefined }): StudyDefinition {
  return { ...fields, scenario: fields.scenario === undefined ? undefined : resolve(fields.scenario), prices: fields.prices === undefined ? undefined : resolve(fields.prices) };
}

export interface Study {
  readonly definition: StudyDefinition;
  /** The scenario with no point applied. */
  readonly base: Scenario;
  readonly catalog: ApiPriceCatalog;
  readonly seeds: readonly number[];
  /** Plan names, in the scenario's order. */
  readonly plans: readonly string[];
  /** A hash of everything the cells depend on. */
  readonly fingerprint: string;
}

export function loadStudy(definition: StudyDefinition): Study {
  const base = loadScenarioFile(definition.scenario, definition.set, { skipBadRows: definition.skipBadRows });
  const catalog = loadPriceCatalog(definition.prices);
  const seeds = seedList(base, { ...(definition.seeds !== undefined ? { seeds: definition.seeds } : {}), ...(definition.seed !== undefined ? { seed: definition.seed } : {}) });
  const all = base.plans.map((p) => p.name);
  for (const name of definition.plans ?? []) {
    if (!all.includes(name)) throw new InputError(`no plan named "${name}" in ${definition.scenario ?? 'the built-in default scenario'} (plans: ${all.join(', ')}).`);
  }
  const plans = definition.plans ? all.filter((p) => definition.plans!.includes(p)) : all;
  let fingerprint: string | undefined;
  return {
    definition,
    base,
    catalog,
    seeds,
    plans,
    // Only a study written to a folder (or merged) needs it: computed when first read.
    get fingerprint() {
      return (fingerprint ??= sha256(JSON.stringify({ capsim: capsimVersion(), definition: { ...definition, seeds: undefined, seed: undefined }, seeds, scenario: scenarioForOutput(base), costs: resolveCosts(base, catalog) })));
    },
  };
}

/**
 * Node's crypto loaded when a fingerprint is first needed, not with this module: loading it
 * is ~4 ms of every command's start-up, and `run` without `--out` never hashes (issue 17).
 */
const require = createRequire(import.meta.url);
function sha256(text: string): string {
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(text).digest('hex');
}

/** What every study's result starts with: the command that made it, and the scenario (with no value applied) and prices its answer rests on. */
export interface ResultHeader<C extends StudyCommand> {
  readonly capsim: { readonly version: string; readonly command: C };
  readonly scenario: ReturnType<typeof scenarioForOutput>;
  readonly prices: CostBook;
}

export function resultHeader<C extends StudyCommand>(study: Study, command: C): ResultHeader<C> {
  return { capsim: { version: capsimVersion(), command }, scenario: scenarioForOutput(study.base), prices: resolveCosts(study.base, study.catalog) };
}

/** The scenario at a point (its overrides after the study's own `--set`s). */
export function scenarioAt(study: Study, point: Point): Scenario {
  if (point.length === 0) return study.base;
  const d = study.definition;
  return loadScenarioFile(d.scenario, [...d.set, ...pointOverrides(point)], { skipBadRows: d.skipBadRows });
}

/** What study.json records. */
export function studyManifest(study: Study, shard?: Shard): Manifest {
  return { capsim: capsimVersion(), command: study.definition.command, fingerprint: study.fingerprint, definition: study.definition, ...(shard ? { shard } : {}) };
}

export function pointRecord(point: Point): Record<string, string> {
  return Object.fromEntries(point.map((v) => [v.path, v.value]));
}

/** Every cell of the points, in the study's order: point, then plan, then seed. */
export function studyCells(study: Study, points: readonly Point[]): CellKey[] {
  return points.flatMap((point) => {
    const record = pointRecord(point);
    return study.plans.flatMap((plan) => study.seeds.map((seed) => ({ point: record, plan, seed })));
  });
}

export interface PointRunOptions {
  readonly runner: CellRunner;
  /** Finished cells are read from here instead of run again, and new ones added. */
  readonly store?: CellStore | undefined;
  /** Called after each finished cell, with the number done (resumed cells included) and the total. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/**
 * Runs every cell of the points and hands each point's runs to `onPoint` as soon as the
 * point is complete, so a long sweep holds only the points in progress. Points are given
 * to the runner together (a pool keeps its threads busy), or one after another in this
 * thread.
 */
export async function runPoints(study: Study, points: readonly Point[], options: PointRunOptions, onPoint: (index: number, runs: ScenarioRuns) => void): Promise<void> {
  const scenarios = points.map((point) => scenarioAt(study, point));
  const total = points.length * study.plans.length * study.seeds.length;
  let done = 0;
  const runPoint = async (index: number, turn?: Promise<void>, submitted?: () => void): Promise<void> => {
    await turn;
    const point = pointRecord(points[index]!);
    const scenario = scenarios[index]!;
    const store = options.store;
    const runs = await runScenarioOn(options.runner, scenario, {
      costs: resolveCosts(scenario, study.catalog),
      seeds: study.seeds.length,
      seed: study.seeds[0]!,
      plans: study.plans,
      compact: true,
      ...(store ? { done: (plan: string, seed: number) => store.get({ point, plan, seed }), onCell: (plan: string, result) => store.add({ point, plan, seed: result.seed }, result) } : {}),
      onProgress: () => options.onProgress?.(++done, total),
      ...(submitted ? { submitted } : {}),
    });
    onPoint(index, runs);
  };
  if (options.runner.threads > 1) {
    // A point gives out its cells once the point before has given out all of its own:
    // the threads never wait at a point's end, and points finish in order, so only the
    // points in progress are held.
    let turn: Promise<void> = Promise.resolve();
    await Promise.all(
      points.map((_, i) => {
        const mine = turn;
        let pass!: () => void;
        turn = new Promise<void>((resolve) => (pass = resolve));
        return runPoint(i, mine, pass);
      }),
    );
  } else for (let i = 0; i < points.length; i++) await runPoint(i);
}

/** Runs this shard's share of the cells (those not in the store already) and returns how many cells the shard holds. */
export async function runShard(study: Study, points: readonly Point[], shard: Shard, options: PointRunOptions & { store: CellStore }): Promise<number> {
  const scenarios = new Map(points.map((point) => [JSON.stringify(pointRecord(point)), scenarioAt(study, point)]));
  const mine = studyCells(study, points).filter((_, k) => k % shard.count === shard.index);
  const costs = new Map([...scenarios].map(([key, scenario]) => [key, resolveCosts(scenario, study.catalog)]));
  let done = 0;
  await Promise.all(
    mine.map(async (cell) => {
      if (!options.store.has(cell)) {
        const key = JSON.stringify(cell.point);
        const scenario = scenarios.get(key)!;
        const result = await options.runner.run({ scenario, costs: costs.get(key)!, planIndex: scenario.plans.findIndex((p) => p.name === cell.plan), seed: cell.seed });
        options.store.add(cell, result);
      }
      options.onProgress?.(++done, mine.length);
    }),
  );
  return mine.length;
}
