/**
 * The JSON Schema of scenario files: generated from the grammar, committed as
 * schema/scenario.schema.json, and every file in workloads/ passes a standard validator.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, test } from 'vitest';
import { scenarioJsonSchema } from '../../src/scenario/index.js';
import { capsim } from '../support/cli.js';

const SCHEMA_FILE = join(process.cwd(), 'schema', 'scenario.schema.json');
const schema = scenarioJsonSchema();

describe('the scenario JSON Schema', () => {
  test('the committed schema/scenario.schema.json is what the grammar generates (npm run schema writes it)', () => {
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(schema);
  });

  test('capsim schema prints it', async () => {
    const r = await capsim('schema');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(schema);
  });

  // ajv is CommonJS: under ES modules its class is the default export's default.
  const Ajv2020 = (Ajv2020Module as unknown as { default: typeof Ajv2020Module }).default ?? Ajv2020Module;
  const ajv = new (Ajv2020 as unknown as new (o: object) => { compile: (s: object) => ((d: unknown) => boolean) & { errors?: unknown[] | null } })({ strict: false, allErrors: true });
  const validate = ajv.compile(schema);
  const files = readdirSync(join(process.cwd(), 'workloads')).filter((f) => f.endsWith('.yaml'));

  test.each(files)('workloads/%s passes it, and names it for editors', (file) => {
    const text = readFileSync(join(process.cwd(), 'workloads', file), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/scenario.schema.json');
    const ok = validate(parse(text, { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('it rejects what the grammar rejects: an unknown field, a wrong type, a bad enum', () => {
    const base = parse(readFileSync(join(process.cwd(), 'workloads', 'mmc-example.yaml'), 'utf8'));
    expect(validate({ ...base, horizonn: '1h' })).toBe(false);
    expect(validate({ ...base, seeds: 'many' })).toBe(false);
    expect(validate({ ...base, workload: { arrivals: { process: 'bursty', rate: 1 } } })).toBe(false);
    // An uncertain input: a number given as a distribution.
    expect(validate({ ...base, workload: { arrivals: { process: 'poisson', rate: { dist: 'lognormal', median: 9, p95: 12 } } } })).toBe(true);
  });
});
