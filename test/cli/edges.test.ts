/**
 * Inputs at the edges (issue "Bad input never hangs, crashes or lies", items 6, 7 and 9):
 * each is refused as bad input (exit 2) with a message that names the row or field and the
 * limit, within seconds and bounded memory.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { capsim, SMALL_SCENARIO, tempFile } from '../support/cli.js';
import { LineReader } from '../../src/workload/index.js';

const HEADER = 'TIMESTAMP,ContextTokens,GeneratedTokens\n';
const refused = async (pattern: RegExp, ...argv: string[]) => {
  const r = await capsim(...argv);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.code).toBe(2);
};

describe('large numbers', () => {
  test('token counts of 2^53 or 10^15 are refused with the limit, not a crash', async () => {
    await refused(/big\.csv, line 2: ContextTokens "9007199254740992" is not a whole number of tokens from 0 to 10,000,000/, 'trace', 'stats', tempFile('big.csv', HEADER + '2023-11-16 18:17:03.9,9007199254740992,5\n'));
    await refused(/GeneratedTokens "1000000000000000"/, 'trace', 'fit', tempFile('big.csv', HEADER + '2023-11-16 18:17:03.9,10,1000000000000000\n'));
  });

  test('a trace spanning more than ten years is refused', async () => {
    await refused(/more than ten years after the first row's/, 'trace', 'stats', tempFile('long.csv', HEADER + '2000-01-01 00:00:00,10,5\n2023-01-01 00:00:00,10,5\n'));
  });

  test('money past a billion dollars is refused, so a bill never becomes Infinity (null in JSON)', async () => {
    const file = tempFile('api.yaml', 'name: a\nhorizon: 1m\nworkload:\n  arrivals: { process: poisson, rate: 1 }\n  input: { dist: constant, value: 10 }\n  output: { dist: constant, value: 10 }\nplans:\n  - name: p\n    backends: [{ kind: api, prices: { input: 1e308, output: 1 } }]\n');
    await refused(/plans\.0\.backends\.0\.prices\.input: got 1e\+308, expected .*1000000000/, 'run', file);
    await refused(/arrivals\.rate: got 100000000, expected .*1000000/, 'validate', tempFile('fast.yaml', SMALL_SCENARIO), '--set', 'workload.arrivals.rate=1e8');
  });
});

describe('memory stays bounded', () => {
  test.runIf(existsSync('/dev/zero'))('a trace with no line breaks (/dev/zero) stops at the line-length limit, naming the line', async () => {
    await refused(/\/dev\/zero, line 1: the line is longer than 1,048,576 bytes/, 'trace', 'stats', '/dev/zero', '--format', 'azure');
    const scenario = tempFile('zero.yaml', 'name: z\nhorizon: 1m\nworkload:\n  trace: { file: /dev/zero, format: azure }\nplans:\n  - name: p\n    backends: [{ kind: api, model: gpt-4o-mini }]\n');
    await refused(/line 1: the line is longer than 1,048,576 bytes/, 'run', scenario, '--workers', '1');
  });

  test.runIf(existsSync('/dev/zero'))('a scenario file that never ends is refused at 128 MiB', async () => {
    await refused(/cannot read scenario file \/dev\/zero: it is longer than 128 MiB/, 'validate', '/dev/zero');
  }, 20_000);

  test('a multi-byte character split across the reader\'s 1 MiB chunks is read whole', () => {
    const first = 'x'.repeat((1 << 20) - 12);
    const second = "é".repeat(20); // the 6th "é" starts at the last byte of the first chunk: its two bytes straddle the chunks
    const file = tempFile('utf8.txt', `${first}\n${second}\nend\n`);
    const reader = new LineReader(file);
    expect([reader.next(), reader.next(), reader.next(), reader.next()]).toEqual([first, second, 'end', undefined]);
    reader.close();
  });
});

describe('lenient parsing that hid mistakes', () => {
  test('tp that does not divide the heads, in a scenario and in perf', async () => {
    await refused(/tp 3 does not divide llama-3\.1-8b's 32 attention heads .*use one of 1, 2, 4, 8, 16, 32/, 'perf', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--tp', '3');
    await refused(/tp 1000 does not divide/, 'perf', '--model', 'llama-3.1-8b', '--gpu', 'h100-sxm', '--tp', '1000');
    const file = tempFile('tp.yaml', 'name: t\nhorizon: 1m\nworkload:\n  arrivals: { process: poisson, rate: 1 }\n  input: { dist: constant, value: 10 }\n  output: { dist: constant, value: 10 }\nplans:\n  - name: p\n    backends: [{ kind: fleet, replicas: 1, model: llama-3.1-70b, gpu: h100-sxm, tp: 3 }]\n');
    await refused(/tp 3 does not divide llama-3\.1-70b's 64 attention heads/, 'validate', file);
  });

  test('a date that does not exist, hexadecimal tokens, and Mooncake values that are not numbers', async () => {
    await refused(/timestamp "2023-13-45 99:99:99" is not a number or a date-time/, 'trace', 'stats', tempFile('d.csv', HEADER + '2023-13-45 99:99:99,10,5\n'));
    await refused(/timestamp "2023-02-29 00:00:00"/, 'trace', 'stats', tempFile('d.csv', HEADER + '2023-02-29 00:00:00,10,5\n'));
    await refused(/ContextTokens "0x10"/, 'trace', 'stats', tempFile('h.csv', HEADER + '2023-11-16 18:17:03.9,0x10,5\n'));
    await refused(/ContextTokens "12\.0"/, 'trace', 'stats', tempFile('h.csv', HEADER + '2023-11-16 18:17:03.9,12.0,5\n'));
    await refused(/timestamp "0x10"/, 'trace', 'stats', tempFile('t.jsonl', '{"timestamp": "0x10", "input_length": 1, "output_length": 1}\n'));
    for (const bad of ['null', 'true', '[500]', '"0x7"', '1.5', '-3']) {
      await refused(/input_length .* is not a whole number of tokens/, 'trace', 'stats', tempFile('m.jsonl', `{"timestamp": 0, "input_length": ${bad}, "output_length": 5}\n`));
    }
    await refused(/timestamp true/, 'trace', 'stats', tempFile('m.jsonl', '{"timestamp": true, "input_length": 1, "output_length": 5}\n'));
  });

  test('--set paths: no __proto__, no negative or far-away list items', async () => {
    await refused(/"__proto__" is not a field name/, 'validate', tempFile('s.yaml', SMALL_SCENARIO), '--set', '__proto__.x=1');
    await refused(/"__proto__" is not a field name/, 'validate', tempFile('s.yaml', SMALL_SCENARIO), '--set', 'plans.__proto__.x=1');
    await refused(/plans is a list of 1; give an item number from 0 to 1 .* not "-1"/, 'validate', tempFile('s.yaml', SMALL_SCENARIO), '--set', 'plans.-1.name=x');
    await refused(/not "1000000"/, 'validate', tempFile('s.yaml', SMALL_SCENARIO), '--set', 'plans.1000000.name=x');
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  test('trace stats on an empty trace, and trace fit on rows that all arrive at once', async () => {
    await refused(/e\.csv: the trace has no rows; there is nothing to summarize/, 'trace', 'stats', tempFile('e.csv', HEADER));
    await refused(/the trace has no rows \(1 malformed rows were skipped\)/, 'trace', 'stats', tempFile('e.csv', HEADER + 'garbage\n'), '--skip-bad-rows');
    await refused(/its 2 rows all arrive at one time, so the trace has no rate to fit/, 'trace', 'fit', tempFile('o.csv', HEADER + '2023-11-16 18:17:03.9,10,5\n2023-11-16 18:17:03.9,10,5\n'));
    writeFileSync(tempFile('unused', ''), '');
  });
});
