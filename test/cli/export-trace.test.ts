import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect, test } from 'vitest';
import { capsim, tempFile } from '../support/cli.js';

const SCENARIO = `
name: export
horizon: 10m
seeds: 1
seed: 5
workload:
  arrivals: { process: poisson, rate: 2 }
  classes:
    - { name: chat, share: 0.7, input: { dist: lognormal, median: 300, p99: 2000 }, output: { dist: constant, value: 40 } }
    - { name: docs, share: 0.3, input: { dist: uniform, min: 1000, max: 3000 }, output: { dist: exponential, mean: 200 } }
plans:
  - name: api
    backends: [{ kind: api, model: gpt-4o-mini }]
`;

test('--export-trace writes the run\'s requests as JSONL that capsim replays into the same run, and that GuideLLM and vLLM read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'capsim-export-'));
  const file = tempFile('export.yaml', SCENARIO);
  const trace = join(dir, 'requests.jsonl');
  const r = await capsim('run', file, '--json', '--export-trace', trace);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/requests\.jsonl: the [\d,]+ requests of the run with seed 5/);
  const rows = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const run = JSON.parse(r.stdout);
  expect(rows.length).toBe(run.plans[0].requests.arrived.mean);
  for (const row of rows.slice(0, 50)) {
    expect(Object.keys(row)).toEqual(['timestamp', 'input_length', 'output_length', 'prompt', 'prompt_tokens_count', 'output_tokens_count', 'class']);
    expect(row.prompt.split(' ')).toHaveLength(row.prompt_tokens_count);
    expect(row.input_length).toBe(row.prompt_tokens_count);
    expect(['chat', 'docs']).toContain(row.class);
  }
  expect(rows.every((row, i) => i === 0 || row.timestamp >= rows[i - 1].timestamp)).toBe(true);
  // Replayed as a Mooncake trace (timestamps in ms), the same requests give the same run, but
  // for the few finishing by the horizon: a replay counts time from its first row.
  const replay = tempFile('replay.yaml', SCENARIO.replace(/ {2}arrivals:[^\n]*\n {2}classes:\n(?: {4}-[^\n]*\n)+/, `  trace: { file: ${trace}, format: mooncake }\n`));
  const again = await capsim('run', replay, '--json');
  expect(again.stderr).toBe('');
  const replayed = JSON.parse(again.stdout).plans[0];
  expect(replayed.requests.arrived.mean).toBe(run.plans[0].requests.arrived.mean);
  expect(Math.abs(replayed.cost.total.mean / run.plans[0].cost.total.mean - 1)).toBeLessThan(0.002);
  expect(replayed.cost.total.mean).not.toBe(0);
});

test('--export-trace belongs to run', async () => {
  const r = await capsim('sweep', tempFile('e.yaml', SCENARIO), '--param', 'workload.arrivals.rate=1,2', '--export-trace', join(tmpdir(), 'x.jsonl'));
  expect(r.code).toBe(2);
});
