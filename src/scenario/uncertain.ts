/**
 * Uncertain inputs: any numeric field of a scenario may be a distribution instead of a
 * number (`rate: { dist: lognormal, median: 10, p95: 15 }`). Parsing finds such fields,
 * validates the distributions, and keeps a central scenario (each at its median) for
 * checks and prices. Each Monte Carlo run draws every uncertain field once, from its own
 * stream keyed by (run seed, field path), so every plan of a run sees the same draw, and
 * the run records the values it drew.
 */
import { makeSampler, openStream, type Distribution } from '../random/index.js';
import type { Scenario } from './schema.js';

export interface UncertainField {
  /** Dotted path, as `--set` spells it. */
  readonly path: string;
  readonly dist: Distribution;
  /** Draws are rounded where the field takes whole numbers. */
  readonly integer: boolean;
}

/** What a scenario keeps to re-validate itself with drawn values (plain data). */
export interface UncertainSource {
  readonly raw: unknown;
  readonly fields: readonly UncertainField[];
}

/** Reads a dotted path of plain data. */
export function getPath(raw: unknown, path: readonly (string | number)[]): unknown {
  let node = raw;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** Sets a dotted path of plain data in place (the parents exist). */
export function setPath(raw: unknown, path: readonly (string | number)[], value: unknown): void {
  const parent = getPath(raw, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = value;
}

/** The scenario one run simulates, and the values it drew for the uncertain inputs (by field path). */
export interface DrawnRun {
  readonly scenario: Scenario;
  readonly drawn: Record<string, number>;
}

/** A run of a scenario without uncertain inputs: the scenario itself, nothing drawn. */
export function certainRun(scenario: Scenario): DrawnRun {
  return { scenario, drawn: {} };
}

/** The values run `seed` draws for the uncertain fields. */
export function drawUncertain(fields: readonly UncertainField[], seed: number): Record<string, number> {
  const values: Record<string, number> = {};
  for (const f of fields) {
    const x = makeSampler(f.dist)(openStream(seed, 'uncertain', f.path));
    values[f.path] = f.integer ? Math.round(x) : x;
  }
  return values;
}

export function looksLikeDistribution(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'dist' in value;
}
