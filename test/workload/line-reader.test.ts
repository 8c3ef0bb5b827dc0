/**
 * The line reader finds lines as bytes in one reused buffer, and the CSV trace parser reads
 * rows from those bytes without a string: both checked against plain string handling.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LineReader, LineTooLongError, TraceReader, parseDateTime, type TraceRow } from '../../src/workload/index.js';
import { tempFile } from '../support/cli.js';

function allLines(file: string, limit?: number): string[] {
  const reader = new LineReader(file, limit);
  const lines: string[] = [];
  for (let line = reader.next(); line !== undefined; line = reader.next()) lines.push(line);
  reader.close();
  return lines;
}

/** What splitting the whole text gives: lines without \n or a \r before it, no empty last line. */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

describe('line reader', () => {
  test('CRLF and LF endings, a last line without one, empty lines and multi-byte text', () => {
    const text = 'a,b\r\n\r\n\nπ≈3.14\nlast, no line break';
    expect(allLines(tempFile('lines.txt', text))).toEqual(splitLines(text));
  });

  test('a line longer than the 1 MiB buffer grows it, within the limit, and the lines after it still come', () => {
    const long = 'é'.repeat(1_600_000); // 3.2 MB: the buffer doubles twice
    const text = `first\n${long}\nafter\n`;
    expect(allLines(tempFile('long.txt', text), 1 << 23)).toEqual(['first', long, 'after']);
  });

  test('a line past the limit is refused with its number', () => {
    const file = tempFile('too-long.txt', `ok\n${'x'.repeat(5000)}\n`);
    const reader = new LineReader(file, 4096);
    expect(reader.next()).toBe('ok');
    expect(() => reader.next()).toThrow(LineTooLongError);
    expect(() => new LineReader(file, 4096).next()).not.toThrow();
    reader.close();
  });

  test('any text, cut into lines at any chunk boundary: the same lines as splitting the string', () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', ',', ' ', '\r', '7'), maxLength: 40 });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.boolean(), fc.integer({ min: (1 << 20) - 4000, max: 1 << 20 }), (lines, endsWithBreak, pad) => {
        // Padding moves the lines across the 1 MiB read boundary.
        const body = lines.join('\n') + (endsWithBreak ? '\n' : '');
        const text = `${'p'.repeat(pad)}\n${body}`;
        expect(allLines(tempFile('any.txt', text))).toEqual(splitLines(text));
      }),
      { numRuns: 40 },
    );
  });
});

const HEADER = 'TIMESTAMP,ContextTokens,GeneratedTokens\n';

function rowsOf(file: string): TraceRow[] {
  const reader = new TraceReader(file, { format: 'azure' });
  const rows: TraceRow[] = [];
  const row: TraceRow = { time: 0, input: 0, output: 0 };
  while (reader.next(row)) rows.push({ ...row });
  reader.close();
  return rows;
}

describe('Azure rows read from bytes', () => {
  test('date-times with and without fractions, blanks around cells, CRLF, a new day: the same as from text', () => {
    const cells = fc.record({
      second: fc.integer({ min: Date.UTC(2023, 0, 1) / 1000, max: Date.UTC(2024, 11, 31) / 1000 }),
      fraction: fc.option(fc.stringMatching(/^[0-9]{1,7}$/), { nil: undefined }),
      t: fc.constantFrom(' ', 'T'),
      z: fc.boolean(),
      input: fc.nat({ max: 10_000_000 }),
      output: fc.nat({ max: 100_000 }),
      blank: fc.constantFrom('', ' ', '\t'),
      crlf: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(cells, { minLength: 1, maxLength: 20 }), (picked) => {
        const seconds = (c: (typeof picked)[number]) => c.second + (c.fraction === undefined ? 0 : Number('0.' + c.fraction));
        const sorted = [...picked].sort((a, b) => seconds(a) - seconds(b));
        const lines = sorted.map((c) => {
          const iso = new Date(c.second * 1000).toISOString().slice(0, 19).replace('T', c.t);
          const time = `${iso}${c.fraction === undefined ? '' : '.' + c.fraction}${c.z ? 'Z' : ''}`;
          return `${c.blank}${time},${c.blank}${c.input}${c.blank},${c.output}${c.crlf ? '\r' : ''}`;
        });
        const rows = rowsOf(tempFile('rows.csv', HEADER + lines.join('\n') + '\n'));
        expect(rows).toEqual(
          sorted.map((c) => ({ time: seconds(c), input: c.input, output: c.output })),
        );
      }),
      { numRuns: 60 },
    );
  });

  test('a row the bytes do not settle is read as text, its bad cell named as written', () => {
    // U+00A0 (no-break space, two bytes) is not a blank around a cell.
    expect(() => rowsOf(tempFile('nbsp.csv', `${HEADER}2023-11-16 18:17:03.5,\u00a012,5\n`))).toThrow(/line 2: ContextTokens "\u00a012" is not a whole number/);
    expect(rowsOf(tempFile('numeric.csv', `${HEADER}2023-11-16T18:17:03.25Z, 12 ,5\n`))).toEqual([{ time: parseDateTime('2023-11-16 18:17:03.25'), input: 12, output: 5 }]);
    expect(() => rowsOf(tempFile('bad.csv', `${HEADER}2023-11-16 18:17:03.5,12,5\n2023-11-16 18:17:04,1é,5\n`))).toThrow(/line 3: ContextTokens "1é" is not a whole number of tokens/);
    expect(() => rowsOf(tempFile('short.csv', `${HEADER}2023-11-16 18:17:03.5,12\n`))).toThrow(/line 2: 2 columns, expected at least 3/);
  });

  test('lines of blanks are skipped, as String.trim sees blanks; a control character is not a blank', () => {
    expect(rowsOf(tempFile('blank.csv', `${HEADER}  \t\r\n\u3000\n2023-11-16 18:17:03,1,2\n`))).toHaveLength(1);
    expect(() => rowsOf(tempFile('ctrl.csv', `${HEADER}\u0001\n`))).toThrow(/line 2: 1 columns, expected at least 3/);
  });

  test('the date cache does not carry a day over to the next (the last row of one day, the first of the next)', () => {
    const rows = rowsOf(tempFile('days.csv', `${HEADER}2023-11-16 23:59:59.9,1,1\n2023-11-17 00:00:00.1,1,1\n2024-02-29 00:00:00,1,1\n`));
    expect(rows.map((r) => r.time)).toEqual([Date.UTC(2023, 10, 16, 23, 59, 59) / 1000 + 0.9, Date.UTC(2023, 10, 17) / 1000 + 0.1, Date.UTC(2024, 1, 29) / 1000]);
  });
});
