/** Trace replay and statistics against the real public traces in the shared data. */
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { trace as traceSchema, workload as workloadSchema } from '../../src/scenario/index.js';
import { fitWorkload, makeRequestSource, summarizeTrace, TraceError, TraceReader, parseDateTime, type ArrivalRecord } from '../../src/workload/index.js';
import { capsim, tempFile } from '../support/cli.js';
import { HAVE_SHARED_DATA, sharedFile } from '../support/shared-data.js';

const STATS = (HAVE_SHARED_DATA ? JSON.parse(readFileSync(sharedFile('traces', 'STATS.json'), 'utf8')) : []) as Record<string, number | string>[];
const TRACES = STATS.map((s) => s['trace'] as string);

function replay(traceSpec: Record<string, unknown>, horizon = Infinity, seed = 1): ArrivalRecord[] {
  const w = workloadSchema.parse({ trace: traceSpec });
  const source = makeRequestSource(w, { seed, horizon, baseDir: process.cwd() });
  const out: ArrivalRecord[] = [];
  const r: ArrivalRecord = { time: 0, input: 0, output: 0, classId: 0 };
  while (source.next(r) && r.time <= horizon) out.push({ ...r });
  source.close();
  return out;
}

describe.runIf(HAVE_SHARED_DATA)('trace stats equal STATS.json', () => {
  for (const name of TRACES) {
    test(name, () => {
      const { per_min_cv: _cv, skipped_rows: _skipped, ...stats } = summarizeTrace(sharedFile('traces', name), name).stats;
      expect(stats).toEqual(STATS.find((s) => s['trace'] === name));
    });
  }

  test('capsim trace stats --json prints the same figures', async () => {
    const r = await capsim('trace', 'stats', sharedFile('traces', 'azure2023_conv.csv'), '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.peak_to_avg_1min).toBe(1.521);
    expect(doc.input_p99).toBe(4142);
  });
});

describe.runIf(HAVE_SHARED_DATA)('replay', () => {
  test('Azure code: first and last requests come through with the right times and lengths', () => {
    const rows = replay({ file: sharedFile('traces', 'azure2023_code.csv') });
    expect(rows.length).toBe(8819);
    // First row: 2023-11-16 18:17:03.9799600, 4808 in, 10 out.
    expect(rows[0]).toEqual({ time: 0, input: 4808, output: 10, classId: 0 });
    const lines = readFileSync(sharedFile('traces', 'azure2023_code.csv'), 'utf8').trim().split('\n');
    const [lastTs, lastIn, lastOut] = lines[lines.length - 1]!.split(',');
    const firstTs = lines[1]!.split(',')[0]!;
    expect(rows[rows.length - 1]!.time).toBeCloseTo(parseDateTime(lastTs!)! - parseDateTime(firstTs)!, 6);
    expect(rows[rows.length - 1]!.input).toBe(Number(lastIn));
    expect(rows[rows.length - 1]!.output).toBe(Number(lastOut));
    expect(rows[rows.length - 1]!.time).toBeCloseTo(3435.948, 2);
  });

  for (const name of ['azure2023_conv.csv', 'mooncake_conversation_trace.jsonl', 'mooncake_synthetic_trace.jsonl']) {
    test(`${name}: row count, span and first/last lengths`, () => {
      const rows = replay({ file: sharedFile('traces', name) });
      const s = STATS.find((x) => x['trace'] === name)!;
      expect(rows.length).toBe(s['rows']);
      expect(rows[rows.length - 1]!.time).toBeCloseTo(s['span_s'] as number, 2);
      const lines = readFileSync(sharedFile('traces', name), 'utf8').trim().split('\n');
      if (name.endsWith('.jsonl')) {
        const first = JSON.parse(lines[0]!);
        const last = JSON.parse(lines[lines.length - 1]!);
        expect([rows[0]!.input, rows[0]!.output]).toEqual([first.input_length, first.output_length]);
        expect([rows.at(-1)!.input, rows.at(-1)!.output]).toEqual([last.input_length, last.output_length]);
      } else {
        const first = lines[1]!.split(',');
        expect([rows[0]!.input, rows[0]!.output]).toEqual([Number(first[1]), Number(first[2])]);
      }
    });
  }

  test('time scaling replays faster with the same order and lengths', () => {
    const base = replay({ file: sharedFile('traces', 'azure2023_conv.csv') });
    const fast = replay({ file: sharedFile('traces', 'azure2023_conv.csv'), timeScale: 2 });
    expect(fast.length).toBe(base.length);
    expect(fast.at(-1)!.time).toBeCloseTo(base.at(-1)!.time / 2, 9);
    expect(fast[500]!.input).toBe(base[500]!.input);
  });

  test('volume scaling thins or duplicates to the target while keeping the shape', () => {
    const file = sharedFile('traces', 'azure2023_conv.csv');
    const half = replay({ file, volumeScale: 0.5 });
    const triple = replay({ file, volumeScale: 3 });
    expect(half.length / 19366).toBeCloseTo(0.5, 1);
    expect(Math.abs(triple.length / 19366 - 3)).toBeLessThan(0.01);
    const target = replay({ file, targetRate: 11.06 });
    expect(Math.abs(target.length / 3501.722 / 11.06 - 1)).toBeLessThan(0.02);
    expect(target.at(-1)!.time).toBeCloseTo(3501.722, 0);
  });

  test('looping fills a longer horizon', () => {
    const rows = replay({ file: sharedFile('traces', 'mooncake_synthetic_trace.jsonl'), loop: true }, 3000);
    expect(rows.length).toBeGreaterThan(2.8 * 3993);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.time).toBeGreaterThanOrEqual(rows[i - 1]!.time);
  });
});

describe('bad traces name the file and line', () => {
  const write = (name: string, text: string) => tempFile(name, text);
  const read = (path: string, skipBadRows = false) => {
    const reader = new TraceReader(path, { skipBadRows });
    const row = { time: 0, input: 0, output: 0 };
    let n = 0;
    while (reader.next(row)) n++;
    reader.close();
    return { n, skipped: reader.skipped };
  };

  test('a missing column', () => {
    const path = write('a.csv', 'TIMESTAMP,ContextTokens\n2023-11-16 18:17:03.9,5\n');
    expect(() => read(path)).toThrow(/a\.csv, line 1: no column "GeneratedTokens" in the header \(columns: TIMESTAMP, ContextTokens\)/);
  });

  test('a non-numeric field', () => {
    const path = write('b.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9,5,7\n2023-11-16 18:17:04.0,five,7\n');
    expect(() => read(path)).toThrow(TraceError);
    expect(() => read(path)).toThrow(/b\.csv, line 3: ContextTokens "five" is not a whole number of tokens/);
  });

  test('times that go backwards', () => {
    const path = write('c.jsonl', '{"timestamp": 1000, "input_length": 5, "output_length": 2}\n{"timestamp": 500, "input_length": 5, "output_length": 2}\n');
    expect(() => read(path)).toThrow(/c\.jsonl, line 2: time 0\.5 goes back before the previous row's 1/);
  });

  test('--skip-bad-rows counts and skips them', async () => {
    const path = write('d.csv', 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.9,5,7\nnot,a,row\n2023-11-16 18:17:05.0,6,8\n');
    expect(read(path, true)).toEqual({ n: 2, skipped: 1 });
    const strict = await capsim('trace', 'stats', path);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/d\.csv, line 3: timestamp "not" is not a number or a date-time/);
    const lenient = await capsim('trace', 'stats', path, '--skip-bad-rows');
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(/bad rows skipped\s+1/);
  });

  test('generic CSV with a column mapping and a time unit', () => {
    const path = write('e.csv', 'ts_ms,prompt,completion\n0,10,20\n1500,11,21\n');
    const rows = replay({ file: path, format: 'csv', columns: { timestamp: 'ts_ms', input: 'prompt', output: 'completion', timeUnit: 'ms' } });
    expect(rows.map((r) => [r.time, r.input, r.output])).toEqual([
      [0, 10, 20],
      [1.5, 11, 21],
    ]);
  });

  test('a scenario replaying a missing trace is bad input', async () => {
    const scenario = tempFile('s.yaml', `name: t\nhorizon: 1h\nworkload:\n  trace: { file: nowhere.csv }\nplans:\n  - name: a\n    backends: [{ kind: api, model: gpt-4o-mini }]\n`);
    const r = await capsim('run', scenario);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/workload\.trace\.file: cannot read nowhere\.csv/);
  });
});

describe.runIf(HAVE_SHARED_DATA)('fit round trip', () => {
  for (const name of ['azure2023_code.csv', 'azure2023_conv.csv']) {
    test(`${name}: a synthetic run matches rate, per-minute peak-to-average and length percentiles within 10%`, () => {
      const summary = summarizeTrace(sharedFile('traces', name), name);
      const fitted = fitWorkload(summary);
      const minutes = summary.stats.full_minutes;
      const w = workloadSchema.parse(fitted);
      // Several cycles of the fitted profile, each compared like the trace (per minute).
      const horizon = minutes * 60 * 4;
      const source = makeRequestSource(w, { seed: 3, horizon, baseDir: '.' });
      const r: ArrivalRecord = { time: 0, input: 0, output: 0, classId: 0 };
      const times: number[] = [];
      const inputs: number[] = [];
      const outputs: number[] = [];
      while (source.next(r) && r.time <= horizon) {
        times.push(r.time);
        inputs.push(r.input);
        outputs.push(r.output);
      }
      const dir = mkdtempSync(join(tmpdir(), 'capsim-fit-'));
      const path = join(dir, 'synthetic.jsonl');
      writeFileSync(path, times.map((t, i) => JSON.stringify({ timestamp: t * 1000, input_length: inputs[i], output_length: outputs[i] })).join('\n') + '\n');
      const synthetic = summarizeTrace(path, 'synthetic').stats;
      const s = summary.stats;
      const close = (a: number, b: number) => expect(Math.abs(a / b - 1)).toBeLessThan(0.1);
      close(synthetic.per_min_mean, s.per_min_mean);
      close(synthetic.peak_to_avg_1min!, s.peak_to_avg_1min!);
      close(synthetic.input_p50, s.input_p50);
      close(synthetic.input_p99, s.input_p99);
      close(synthetic.output_p50, s.output_p50);
      close(synthetic.output_p99, s.output_p99);
    });
  }

  test('capsim trace fit -o writes a scenario that validates and runs', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'capsim-fit-')), 'fitted.yaml');
    const r = await capsim('trace', 'fit', sharedFile('traces', 'azure2023_code.csv'), '-o', out);
    expect(r.code).toBe(0);
    expect((await capsim('validate', out)).code).toBe(0);
    expect(traceSchema).toBeDefined();
  });
});

describe.runIf(HAVE_SHARED_DATA)('class assignment in replay', () => {
  test('classBy inputLength puts short prompts in the first class and the rest in the last', () => {
    const w = workloadSchema.parse({
      trace: { file: sharedFile('traces', 'azure2023_conv.csv'), classBy: 'inputLength' },
      classes: [
        { name: 'short', share: 1, maxInput: 1020, input: { dist: 'constant', value: 1 }, output: { dist: 'constant', value: 1 } },
        { name: 'long', share: 1, input: { dist: 'constant', value: 1 }, output: { dist: 'constant', value: 1 } },
      ],
    });
    const source = makeRequestSource(w, { seed: 1, horizon: Infinity, baseDir: '.' });
    const r: ArrivalRecord = { time: 0, input: 0, output: 0, classId: 0 };
    let short = 0;
    let n = 0;
    while (source.next(r)) {
      n++;
      if (r.classId === 0) {
        short++;
        expect(r.input).toBeLessThanOrEqual(1020);
      } else expect(r.input).toBeGreaterThan(1020);
    }
    source.close();
    // 1,020 is the trace's median input length.
    expect(short / n).toBeGreaterThanOrEqual(0.5);
    expect(short / n).toBeLessThan(0.52);
  });

  test('classBy share draws classes by their shares', () => {
    const w = workloadSchema.parse({
      trace: { file: sharedFile('traces', 'azure2023_conv.csv') },
      classes: [
        { name: 'a', share: 3, input: { dist: 'constant', value: 1 }, output: { dist: 'constant', value: 1 } },
        { name: 'b', share: 1, input: { dist: 'constant', value: 1 }, output: { dist: 'constant', value: 1 } },
      ],
    });
    const source = makeRequestSource(w, { seed: 1, horizon: Infinity, baseDir: '.' });
    const r: ArrivalRecord = { time: 0, input: 0, output: 0, classId: 0 };
    const counts = [0, 0];
    while (source.next(r)) counts[r.classId]!++;
    source.close();
    expect(counts[0]! / (counts[0]! + counts[1]!)).toBeCloseTo(0.75, 1);
  });
});

describe('replay faster than the trace', () => {
  test('copies of rows that share a timestamp never move time backwards (was: a crash, exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capsim-trace-'));
    // Three rows in one millisecond, then three a second apart.
    const rows = ['2023-11-16 18:00:00.000,100,10', '2023-11-16 18:00:00.000,200,10', '2023-11-16 18:00:00.000,300,10', '2023-11-16 18:00:01.000,100,10', '2023-11-16 18:00:02.000,100,10', '2023-11-16 18:00:03.000,100,10'];
    writeFileSync(join(dir, 't.csv'), 'TIMESTAMP,ContextTokens,GeneratedTokens\n' + rows.join('\n') + '\n');
    writeFileSync(join(dir, 's.yaml'), 'name: t\nhorizon: 1m\nseeds: 2\nworkload:\n  trace: { file: t.csv, volumeScale: 10, loop: true }\nplans:\n  - name: a\n    backends: [{ kind: api, model: gpt-4o-mini }]\n');
    const r = await capsim('run', join(dir, 's.yaml'), '--json', '--workers', '1');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const arrived = JSON.parse(r.stdout).plans[0].requests.arrived.mean;
    // Six rows every ~3.6 s for a minute, ten copies each: about a thousand requests.
    expect(arrived).toBeGreaterThan(800);
    const source = makeRequestSource(workloadSchema.parse({ trace: { file: join(dir, 't.csv'), volumeScale: 3 } }), { seed: 1, horizon: 60, baseDir: dir });
    const record: ArrivalRecord = { time: 0, input: 0, output: 0, classId: 0 };
    const times: number[] = [];
    while (source.next(record)) times.push(record.time);
    source.close();
    expect(times.length).toBe(18);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!);
  });
});
