/**
 * Replays a generated 10,000,000-row Azure-format CSV trace (about 350 MB, written once to
 * the temp folder) through the request source, and prints rows per second and peak memory.
 * Aim: peak RSS under 300 MB whatever the trace's size (the reader streams).
 */
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workload as workloadSchema } from '../src/scenario/index.js';
import { makeRequestSource, type ArrivalRecord } from '../src/workload/index.js';
import { recordBench } from './record.js';

const ROWS = 10_000_000;
const file = join(tmpdir(), `capsim-bench-trace-${ROWS}.csv`);

function generate(): void {
  const fd = openSync(file, 'w');
  writeSync(fd, 'TIMESTAMP,ContextTokens,GeneratedTokens\n');
  const start = Date.UTC(2023, 10, 16, 18, 0, 0);
  let lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    // 100 requests a second, lengths varying deterministically.
    const ms = start + i * 10;
    const iso = new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    lines.push(`${iso}0000,${200 + ((i * 7919) % 4000)},${10 + ((i * 104729) % 500)}`);
    if (lines.length === 100_000) {
      writeSync(fd, lines.join('\n') + '\n');
      lines = [];
    }
  }
  if (lines.length > 0) writeSync(fd, lines.join('\n') + '\n');
  closeSync(fd);
}

if (!existsSync(file) || statSync(file).size < ROWS * 20) generate();
const w = workloadSchema.parse({ trace: { file } });
const start = process.hrtime.bigint();
const source = makeRequestSource(w, { seed: 1, horizon: Infinity, baseDir: '/' });
const r: ArrivalRecord = { time: 0, input: 0, output: 0, classId: 0 };
let rows = 0;
let tokens = 0;
while (source.next(r)) {
  rows++;
  tokens += r.input + r.output;
}
source.close();
const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
if (rows !== ROWS) throw new Error(`replayed ${rows} rows, expected ${ROWS}`);
recordBench('trace-replay', { requests: rows, events: rows, wallSeconds, traceMB: Math.round(statSync(file).size / 1e6), tokens });
