/**
 * Imports flow one way (DESIGN.md "Layout"): a folder under src/ may import only from
 * folders before it in LAYERS, and the leaves (random, engine, metrics) import nothing
 * of the domain.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';

const LAYERS = ['random', 'engine', 'metrics', 'catalog', 'scenario', 'workload', 'backend', 'serving', 'calibrate', 'api', 'fleet', 'plan', 'cost', 'experiment', 'study', 'report', 'cli'];
const LEAVES = new Set(['random', 'engine', 'metrics']);
const SRC = join(process.cwd(), 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

test('no module imports from a folder downstream of its own', () => {
  const violations: string[] = [];
  let checked = 0;
  for (const file of sourceFiles(SRC)) {
    const [folder] = relative(SRC, file).split('/');
    if (!folder || !LAYERS.includes(folder)) continue;
    const rank = LAYERS.indexOf(folder);
    for (const match of readFileSync(file, 'utf8').matchAll(/from '\.\.\/([a-z-]+)\//g)) {
      const target = match[1]!;
      checked++;
      const bad = LEAVES.has(folder) || !LAYERS.includes(target) || LAYERS.indexOf(target) >= rank;
      if (bad) violations.push(`${relative(SRC, file)} imports ../${target}/`);
    }
  }
  expect(checked).toBeGreaterThan(5);
  expect(violations).toEqual([]);
});

test('every folder under src/ is a known layer with an index.ts', () => {
  const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  for (const f of folders) {
    expect(LAYERS).toContain(f);
    expect(readdirSync(join(SRC, f))).toContain('index.ts');
  }
});
