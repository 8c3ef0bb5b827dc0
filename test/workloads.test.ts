/** Every scenario in workloads/ validates and runs a tiny Monte Carlo, and is left unmutated. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { capsim } from './support/cli.js';

const DIR = join(process.cwd(), 'workloads');
const files = readdirSync(DIR).filter((f) => /\.(ya?ml|json)$/.test(f));

test('workloads/ holds scenarios', () => {
  expect(files.length).toBeGreaterThanOrEqual(2);
});

for (const file of files) {
  test(`${file} validates and runs two short seeds`, async () => {
    const path = join(DIR, file);
    const before = readFileSync(path, 'utf8');
    expect((await capsim('validate', path)).code).toBe(0);
    const r = await capsim('run', path, '--seeds', '2', '--set', 'horizon=2h', '--set', 'warmup=0', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    for (const plan of doc.plans) expect(plan.requests.arrived.mean).toBeGreaterThan(0);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });
}
