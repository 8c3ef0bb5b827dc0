/**
 * The values a study tries for a scenario field. `--param PATH=SPEC` names a field by the
 * dotted path `--set` takes and a SPEC: a list `a,b,c`, a linear range `lo..hi:n` or a log
 * range `lo..hi:n:log`. `--range lo..hi` bounds a search. Values stay text: each becomes a
 * `--set PATH=value` override, so the scenario grammar checks it like any other.
 *
 * Pure.
 */
import { InputError } from '../scenario/errors.js';

export interface Param {
  readonly path: string;
  readonly values: readonly string[];
}

/** One point of a grid: a value for each parameter, in parameter order. */
export type Point = readonly { readonly path: string; readonly value: string }[];

/** Most values one parameter may take (a grid is the product of its parameters). */
export const MAX_PARAM_VALUES = 10_000;
/** Most points of a grid. */
export const MAX_GRID_POINTS = 100_000;

/** A number as short text: 12 significant digits, so 0.1 + 0.2 prints 0.3. */
export function numberText(x: number): string {
  return String(Number(x.toPrecision(12)));
}

function finiteNumber(text: string, what: string): number {
  const x = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(x)) throw new InputError(`${what}: "${text}" is not a number.`);
  return x;
}

export interface Range {
  readonly lo: number;
  readonly hi: number;
}

/** `lo..hi` with lo < hi. */
export function parseRange(text: string, what = '--range'): Range {
  const m = /^(.*)\.\.(.*)$/.exec(text.trim());
  if (!m) throw new InputError(`${what} must be lo..hi (for example 1..16), got "${text}".`);
  const lo = finiteNumber(m[1]!, what);
  const hi = finiteNumber(m[2]!, what);
  if (!(lo < hi)) throw new InputError(`${what} must have lo < hi, got "${text}".`);
  return { lo, hi };
}

/** The values of a SPEC: `a,b,c`, `lo..hi:n` or `lo..hi:n:log`. */
export function parseValues(spec: string, what: string): string[] {
  const range = /^([^,:]*)\.\.([^,:]*):([^:]*)(?::(.*))?$/.exec(spec.trim());
  if (range) {
    const { lo, hi } = parseRange(`${range[1]}..${range[2]}`, what);
    const n = Number(range[3]);
    if (!Number.isInteger(n) || n < 2 || n > MAX_PARAM_VALUES) throw new InputError(`${what}: the count after ":" must be a whole number from 2 to ${MAX_PARAM_VALUES.toLocaleString('en-US')}, got "${range[3]}".`);
    const scale = range[4];
    if (scale !== undefined && scale !== 'log') throw new InputError(`${what}: the last part must be "log" (a log range lo..hi:n:log), got "${scale}".`);
    if (scale === 'log') {
      if (!(lo > 0)) throw new InputError(`${what}: a log range needs lo > 0, got ${numberText(lo)}.`);
      return Array.from({ length: n }, (_, k) => numberText(lo * (hi / lo) ** (k / (n - 1))));
    }
    return Array.from({ length: n }, (_, k) => numberText(lo + ((hi - lo) * k) / (n - 1)));
  }
  if (spec.includes('..')) throw new InputError(`${what}: a range needs a count, lo..hi:n or lo..hi:n:log (for example 1..16:4), got "${spec}".`);
  const values = spec.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) throw new InputError(`${what}: a list must be values separated by commas, with none empty, got "${spec}".`);
  if (values.length > MAX_PARAM_VALUES) throw new InputError(`${what}: at most ${MAX_PARAM_VALUES.toLocaleString('en-US')} values, got ${values.length.toLocaleString('en-US')}.`);
  if (new Set(values).size !== values.length) throw new InputError(`${what}: the list names a value twice ("${spec}").`);
  return values;
}

/** `PATH=SPEC`. */
export function parseParam(text: string): Param {
  const eq = text.indexOf('=');
  const path = eq > 0 ? text.slice(0, eq).trim() : '';
  if (eq <= 0 || path === '' || /\s/.test(path)) throw new InputError(`--param must be PATH=SPEC (for example workload.arrivals.rate=1..10:4), got "${text}".`);
  return { path, values: parseValues(text.slice(eq + 1), `--param ${path}`) };
}

/** Every combination of the parameters' values, the first parameter varying slowest. */
export function gridPoints(params: readonly Param[]): Point[] {
  const paths = params.map((p) => p.path);
  const twice = paths.find((p, i) => paths.indexOf(p) !== i);
  if (twice !== undefined) throw new InputError(`--param ${twice} is given twice.`);
  const size = params.reduce((n, p) => n * p.values.length, 1);
  if (size > MAX_GRID_POINTS) throw new InputError(`the grid has ${size.toLocaleString('en-US')} points; at most ${MAX_GRID_POINTS.toLocaleString('en-US')}.`);
  let points: Point[] = [[]];
  for (const p of params) points = points.flatMap((point) => p.values.map((value) => [...point, { path: p.path, value }]));
  return points;
}

/** The `--set` overrides of a point. */
export function pointOverrides(point: Point): string[] {
  return point.map((v) => `${v.path}=${v.value}`);
}

/** A point in words: `workload.arrivals.rate=2, horizon=1d`. */
export function pointLabel(point: Point): string {
  return point.map((v) => `${v.path}=${v.value}`).join(', ');
}

/** Shard `index` of `count` (0-based) takes cells index, index + count, index + 2·count, … */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1 && count <= 100_000) || !(index < count)) {
    throw new InputError(`--shard must be i/n with n from 1 to 100,000 and i from 0 to n−1 (for example 0/4; SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX count from 0), got "${text}".`);
  }
  return { index, count };
}
