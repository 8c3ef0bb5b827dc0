/**
 * The JSON Schema of scenario files, generated from the zod grammar (schema.ts), never
 * written by hand: editors use it to complete and check scenario files
 * (`# yaml-language-server: $schema=...`), and `capsim schema` prints it.
 *
 * It describes what users may write (zod's input side: durations as numbers or strings
 * like 15m). Any numeric field may also be an uncertain input, a distribution drawn per
 * run, so every number in it also accepts a distribution. Checks across fields (routing
 * names, fits on a GPU) are left to `capsim validate`.
 */
import * as z from 'zod';
import { distribution, scenario } from './schema.js';

type Node = Record<string, unknown>;

const DISTRIBUTION_REF = { $ref: '#/$defs/distribution' };

/** Lets every number of a schema also be a distribution (an uncertain input). */
function numbersMayBeDistributions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(numbersMayBeDistributions);
  if (typeof node !== 'object' || node === null) return node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node as Node)) out[key] = numbersMayBeDistributions(value);
  if (out['type'] === 'number' || out['type'] === 'integer') return { anyOf: [out, DISTRIBUTION_REF] };
  return out;
}

export function scenarioJsonSchema(): Node {
  const options = { io: 'input', unrepresentable: 'any' } as const;
  const body = numbersMayBeDistributions(z.toJSONSchema(scenario, options)) as Node;
  const { $schema, ...rest } = body;
  const dist = z.toJSONSchema(distribution, options) as Node;
  delete dist['$schema'];
  return {
    $schema,
    $id: 'https://capsim.dev/schema/scenario.schema.json',
    title: 'capsim scenario',
    description: 'A capsim scenario: traffic, plans of backends, horizon and seeds. Generated from the grammar in src/scenario/schema.ts; see README.md.',
    ...rest,
    $defs: { ...((rest['$defs'] as Node | undefined) ?? {}), distribution: dist },
  };
}
