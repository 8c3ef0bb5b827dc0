/**
 * From text to a validated `Scenario`: YAML or JSON (YAML's parser reads both, with line
 * and column on a syntax error), then `--set` overrides, then the zod grammar. Every
 * problem becomes a `FieldProblem` naming the field's path, its value and what was
 * expected. Pure: reading files is the caller's job.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { closest, InputError, ScenarioError, showValue, type FieldProblem } from './errors.js';
import { distribution as distributionSchema, scenario as scenarioSchema, type Scenario, type ScenarioSpec } from './schema.js';
import { certainRun, drawUncertain, getPath, looksLikeDistribution, setPath, type DrawnRun, type UncertainField } from './uncertain.js';
import { distributionMedian } from '../random/index.js';

export interface ParseOptions {
  /** `path=value` overrides, applied in order before validation. */
  readonly overrides?: readonly string[];
  /** Where relative paths in the scenario start (the scenario file's folder); default: the working directory. */
  readonly baseDir?: string;
}

/** Parses and validates scenario text; `source` names it in messages (a file name). */
export function parseScenario(text: string, source: string, options: ParseOptions = {}): Scenario {
  const raw = parseScenarioText(text, source);
  for (const override of options.overrides ?? []) applyOverride(raw, override);
  return validateScenario(raw, source, options.baseDir);
}

/** YAML or JSON text to plain data; a syntax error names line and column. */
export function parseScenarioText(text: string, source: string): unknown {
  // Merge keys (<<: *anchor) let a scenario vary one backend from another.
  const doc = parseDocument(text, { uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const at = error.linePos?.[0];
    const where = at ? `line ${at.line}, column ${at.col}` : 'an unknown position';
    const what = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new InputError(`${source} is not valid YAML or JSON: at ${where}: ${what}.`);
  }
  const value = toPlainData(doc, source);
  if (value === null || value === undefined) throw new InputError(`${source} is empty: expected a scenario (name, horizon, workload, plans).`);
  return value;
}

/** Most nodes aliases may expand to: more is an alias bomb ("billion laughs"), not a scenario. */
const MAX_ALIAS_COUNT = 10_000;

/** A parsed YAML document as plain data: unresolved aliases, alias bombs and anchors that contain themselves are bad input. */
function toPlainData(doc: ReturnType<typeof parseDocument>, source: string): unknown {
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const what = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    throw new InputError(`${source} is not a usable scenario: ${what}${/alias/i.test(what) ? '' : ` (aliases may expand to at most ${MAX_ALIAS_COUNT.toLocaleString('en-US')} nodes)`}.`);
  }
  if (containsItself(value)) throw new InputError(`${source} is not a usable scenario: an anchor contains an alias to itself, so it never ends.`);
  return value;
}

function containsItself(value: unknown, path: Set<object> = new Set()): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (path.has(value)) return true;
  path.add(value);
  for (const child of Object.values(value)) if (containsItself(child, path)) return true;
  path.delete(value);
  return false;
}

/**
 * Validates plain data against the grammar. A numeric field given as a distribution is an
 * uncertain input (uncertain.ts): it is validated as a distribution, the central scenario
 * takes its median, and runs draw it (see `scenarioForRun`).
 */
export function validateScenario(raw: unknown, source: string, baseDir: string = process.cwd()): Scenario {
  const central = structuredClone(raw);
  const fields: UncertainField[] = [];
  const unreadable = readProfileFiles(central, baseDir);
  if (unreadable.length > 0) throw new ScenarioError(source, unreadable);
  const problems: FieldProblem[] = [];
  for (let pass = 0; pass < 3; pass++) {
    // jitless: zod would otherwise compile a parser for each object of the grammar, which
    // pays only when the same schema parses many inputs (scenarioForRun does, per seed);
    // for this one parse it is 10 ms of a command's start-up (issue 17).
    const result = scenarioSchema.safeParse(central, { reportInput: true, jitless: true });
    if (result.success) return { ...result.data, context: { baseDir, uncertain: fields.length > 0 ? { raw: central, fields } : undefined } };
    let found = false;
    for (const issue of result.error.issues) {
      const path = issue.path as (string | number)[];
      const value = getPath(central, path);
      const numeric = issue.code === 'invalid_type' ? issue.expected === 'number' || issue.expected === 'int' : issue.code === 'invalid_union';
      if (!numeric || !looksLikeDistribution(value) || fields.some((f) => f.path === path.join('.'))) continue;
      const parsed = distributionSchema.safeParse(value, { reportInput: true });
      if (!parsed.success) {
        problems.push(...parsed.error.issues.flatMap((i) => toProblems({ ...i, path: [...path, ...i.path] })));
        continue;
      }
      const integer = takesWholeNumbers(central, path);
      fields.push({ path: path.join('.'), dist: parsed.data, integer });
      const median = distributionMedian(parsed.data);
      setPath(central, path, integer ? Math.round(median) : median);
      found = true;
    }
    if (!found || problems.length > 0) {
      throw new ScenarioError(source, problems.length > 0 ? problems : result.error.issues.flatMap(toProblems));
    }
  }
  throw new ScenarioError(source, problems);
}

/** Profile files are small JSON documents; a larger file is not one. */
const MAX_PROFILE_BYTES = 1 << 20;

/**
 * Replaces each `profile: { file }` of an LLM backend with the profile that file holds
 * (named relative to the scenario). A file that cannot be read or is not JSON is a problem
 * at `…profile.file`; what it holds is then checked by the grammar like a profile given in place.
 */
function readProfileFiles(raw: unknown, baseDir: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const plans = (raw as { plans?: unknown } | null)?.plans;
  if (!Array.isArray(plans)) return problems;
  plans.forEach((plan, p) => {
    const backends = (plan as { backends?: unknown } | null)?.backends;
    if (!Array.isArray(backends)) return;
    backends.forEach((backend, b) => {
      const ref = (backend as { profile?: unknown } | null)?.profile as { file?: unknown } | undefined;
      if (!ref || typeof ref !== 'object' || typeof ref.file !== 'string' || Object.keys(ref).length !== 1) return;
      const path = `plans.${p}.backends.${b}.profile.file`;
      const file = resolvePath(baseDir, ref.file);
      try {
        if (statSync(file).size > MAX_PROFILE_BYTES) throw new Error(`larger than ${MAX_PROFILE_BYTES} bytes`);
        (backend as { profile: unknown }).profile = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        const why = error instanceof SyntaxError ? `not JSON (${error.message})` : (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
        problems.push({ path, value: ref.file, expected: `a readable JSON profile file (capsim calibrate writes one): ${file}: ${why}` });
      }
    });
  });
  return problems;
}

/** Whether the field at `path` accepts only whole numbers (probed with 0.5). */
function takesWholeNumbers(raw: unknown, path: (string | number)[]): boolean {
  const probe = structuredClone(raw);
  setPath(probe, path, 0.5);
  const result = scenarioSchema.safeParse(probe);
  const at = path.join('.');
  return !result.success && result.error.issues.some((i) => i.path.join('.') === at && i.code === 'invalid_type' && i.expected === 'int');
}

/**
 * The scenario run `seed` simulates: the same one unless some inputs are uncertain, in
 * which case each is drawn for this run. Returns the values drawn (empty when none).
 */
export function scenarioForRun(scenario: Scenario, seed: number): DrawnRun {
  const source = scenario.context.uncertain;
  if (!source) return certainRun(scenario);
  const drawn = drawUncertain(source.fields, seed);
  const raw = structuredClone(source.raw);
  for (const f of source.fields) setPath(raw, f.path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)), drawn[f.path]);
  const result = scenarioSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const what = Object.entries(drawn).map(([k, v]) => `${k} = ${v}`).join(', ');
    throw new ScenarioError(`run with seed ${seed} (drew ${what})`, result.error.issues.flatMap(toProblems));
  }
  return { scenario: { ...result.data, context: scenario.context }, drawn };
}

/** The fields of a scenario that are drawn per run. */
export function uncertainFields(scenario: Scenario): readonly UncertainField[] {
  return scenario.context.uncertain?.fields ?? [];
}

/** The scenario as results show it: the grammar's fields, and the uncertain inputs without the raw copy. */
export function scenarioForOutput(scenario: Scenario): ScenarioSpec & { uncertain: readonly UncertainField[] } {
  const { context, ...spec } = scenario;
  return { ...spec, uncertain: context.uncertain?.fields ?? [] };
}

/** A `--set` value read as YAML, with the same checks as a scenario file. */
function parseScenarioValue(text: string, source: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) throw new InputError(`${source}: "${text}" is not a valid YAML value: ${doc.errors[0]!.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}.`);
  return toPlainData(doc, source);
}

/** Applies one `path=value` override in place. The value is read as YAML (9.5, true, 3h, [1, 2]). */
export function applyOverride(raw: unknown, override: string): void {
  const eq = override.indexOf('=');
  if (eq <= 0) throw new InputError(`--set ${override}: expected path=value, for example workload.arrivals.rate=9.5.`);
  const path = override.slice(0, eq).trim();
  const value = parseScenarioValue(override.slice(eq + 1), `--set ${path}`);
  const keys = path.split('.');
  if (typeof raw !== 'object' || raw === null) throw new InputError(`--set ${path}: the scenario is not an object.`);
  for (const key of keys) {
    if (key === '' || key === '__proto__' || key === 'constructor' || key === 'prototype') throw new InputError(`--set ${showValue(path)}: ${showValue(key)} is not a field name.`);
  }
  let node = raw as Record<string, unknown>;
  /** In a list, a key must be an item number up to its length (the next item may be added). */
  const checkIndex = (list: unknown[], key: string, at: string) => {
    if (!/^\d+$/.test(key) || Number(key) > list.length) {
      throw new InputError(`--set ${showValue(path)}: ${at} is a list of ${list.length}; give an item number from 0 to ${list.length} (the last adds an item), not ${showValue(key)}.`);
    }
  };
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i]!;
    if (Array.isArray(node)) checkIndex(node, key, keys.slice(0, i).join('.'));
    let next = node[key];
    if (next === undefined) {
      next = /^\d+$/.test(keys[i + 1]!) ? [] : {};
      node[key] = next;
    }
    if (typeof next !== 'object' || next === null) {
      throw new InputError(`--set ${path}: ${keys.slice(0, i + 1).join('.')} is ${JSON.stringify(next)}, not an object or list, so it has no field ${keys[i + 1]}.`);
    }
    node = next as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (Array.isArray(node)) checkIndex(node, last, keys.slice(0, -1).join('.'));
  node[last] = value;
}

/** Every field name the grammar knows, for did-you-mean on unknown fields (gathered on the first unknown one, not at start-up). */
let knownFields: readonly string[] | undefined;
const allFieldNames = (): readonly string[] => (knownFields ??= [...collectFieldNames(scenarioSchema)].sort());

function toProblems(issue: z.core.$ZodIssue): FieldProblem[] {
  const path = issue.path.map(String).join('.');
  const at = (key: string) => (path === '' ? key : `${path}.${key}`);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const input = (issue.input ?? {}) as Record<string, unknown>;
      return issue.keys.map((key) => {
        const guess = closest(key, allFieldNames());
        return {
          path: at(key),
          value: input[key],
          expected: `no field named "${key}" here${guess ? ` (did you mean "${guess}"?)` : ''}`,
        };
      });
    }
    case 'invalid_type':
      return [{ path, value: issue.input, expected: issue.input === undefined ? `a value (${article(issue.expected)} is required)` : article(issue.expected) }];
    case 'too_small':
      return [{ path, value: issue.input, expected: bound(issue.origin, issue.inclusive ? '>=' : '>', issue.minimum) }];
    case 'too_big':
      return [{ path, value: issue.input, expected: bound(issue.origin, issue.inclusive ? '<=' : '<', issue.maximum) }];
    case 'invalid_value':
      return [{ path, value: issue.input, expected: `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` }];
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator) {
        const options = (issue as { options?: unknown[] }).options ?? [];
        const input = issue.input as Record<string, unknown> | undefined;
        return [{ path, value: input?.[issue.discriminator] ?? issue.input, expected: `one of ${options.map((o) => JSON.stringify(o)).join(', ')}` }];
      }
      return [{ path, value: issue.input, expected: issue.message }];
    }
    default: {
      // A refinement on an object reports the object; name the field it points at instead.
      const last = issue.path[issue.path.length - 1];
      const input = issue.input as Record<PropertyKey, unknown> | undefined;
      const value = issue.code === 'custom' && last !== undefined && typeof input === 'object' && input !== null && last in input ? input[last] : issue.input;
      return [{ path, value, expected: issue.message }];
    }
  }
}

function article(type: string): string {
  if (type === 'int') return 'an integer';
  if (type === 'array') return 'a list';
  if (type === 'object') return 'an object (a map of fields)';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function bound(origin: string, op: string, limit: number | bigint): string {
  if (origin === 'array') return `a list with ${op === '>=' ? 'at least' : op === '<=' ? 'at most' : op} ${limit} item${limit === 1 ? '' : 's'}`;
  if (origin === 'string') return `text with ${op === '>=' ? 'at least' : 'at most'} ${limit} character${limit === 1 ? '' : 's'}`;
  return `${origin === 'int' ? 'an integer' : 'a number'} ${op} ${limit}`;
}

/** Walks a zod schema's definition and gathers every object field name. */
function collectFieldNames(schema: unknown, into = new Set<string>(), seen = new Set<unknown>()): Set<string> {
  if (typeof schema !== 'object' || schema === null || seen.has(schema)) return into;
  seen.add(schema);
  const def = (schema as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  if (!def) return into;
  const shape = def['shape'] as Record<string, unknown> | undefined;
  if (shape) for (const [key, child] of Object.entries(shape)) {
    into.add(key);
    collectFieldNames(child, into, seen);
  }
  for (const key of ['innerType', 'element', 'in', 'out', 'schema']) collectFieldNames(def[key], into, seen);
  const options = def['options'];
  if (Array.isArray(options)) for (const option of options) collectFieldNames(option, into, seen);
  return into;
}
