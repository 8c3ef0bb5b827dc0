/**
 * Request traces: rows of (arrival time, input tokens, output tokens), read as a stream.
 *
 * Formats: the Azure LLM inference trace 2023 CSV (`TIMESTAMP,ContextTokens,GeneratedTokens`,
 * timestamps as UTC date-times), Mooncake JSONL (`timestamp` in ms, `input_length`,
 * `output_length`), and generic CSV or JSONL with a column mapping and a time unit.
 * A malformed row is a `TraceError` naming the file and line, unless bad rows are skipped
 * (then they are counted).
 */
import { showValue } from '../scenario/index.js';
import { LineReader, LineTooLongError } from './line-reader.js';

export type TraceFormat = 'azure' | 'mooncake' | 'csv' | 'jsonl';

export interface TraceColumns {
  readonly timestamp: string;
  readonly input: string;
  readonly output: string;
  /** Unit of numeric timestamps: s (default), ms, us; date-time strings are also read. */
  readonly timeUnit?: 's' | 'ms' | 'us' | undefined;
}

export interface TraceOptions {
  readonly format?: TraceFormat | undefined;
  readonly columns?: TraceColumns | undefined;
  readonly skipBadRows?: boolean | undefined;
}

export interface TraceRow {
  /** Seconds (absolute, as in the file). */
  time: number;
  input: number;
  output: number;
}

export class TraceError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(line > 0 ? `${file}, line ${line}: ${detail}` : `${file}: ${detail}`);
    this.name = 'TraceError';
  }
}

const AZURE: TraceColumns = { timestamp: 'TIMESTAMP', input: 'ContextTokens', output: 'GeneratedTokens' };
const MOONCAKE: TraceColumns = { timestamp: 'timestamp', input: 'input_length', output: 'output_length', timeUnit: 'ms' };

/** The format a file name suggests: .jsonl → mooncake-style JSON lines, otherwise CSV. */
export function guessFormat(path: string): TraceFormat {
  return /\.jsonl?$/i.test(path) ? 'mooncake' : 'azure';
}

/** "2023-11-16 18:17:03.9799600" (UTC) → epoch seconds, keeping every fractional digit. */
export function parseDateTime(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z)?$/.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 2023-13-45 99:99:99 over into 2024; a real date-time comes back the same.
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || back.getUTCHours() !== hour || back.getUTCMinutes() !== minute || back.getUTCSeconds() !== second) return undefined;
  return ms / 1000 + (m[7] ? Number(m[7]) : 0);
}

/** Most tokens a trace row may give for a prompt or an output (the longest context windows hold 10 million). */
export const MAX_TRACE_TOKENS = 10_000_000;
/** Longest a trace may span: ten years (the per-minute profile of trace stats counts every minute). */
export const MAX_TRACE_SPAN = 10 * 365.25 * 86_400;

/** A whole number of tokens: digits only in text (no 0x10, 1e3 or 12.0), an integer in JSON. */
function tokenCount(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= MAX_TRACE_TOKENS ? n : undefined;
}

/** A plain decimal number (no hexadecimal, no blanks, no Infinity). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const UNIT_SECONDS = { s: 1, ms: 1e-3, us: 1e-6 } as const;

export class TraceReader {
  private readonly lines: LineReader;
  private readonly columns: TraceColumns;
  private readonly json: boolean;
  private indexes: { time: number; input: number; output: number } | undefined;
  private lastTime = -Infinity;
  private firstTime: number | undefined;
  skipped = 0;
  rows = 0;

  constructor(
    readonly path: string,
    private readonly opts: TraceOptions = {},
  ) {
    const format = opts.format ?? guessFormat(path);
    this.json = format === 'mooncake' || format === 'jsonl';
    this.columns = opts.columns ?? (format === 'mooncake' ? MOONCAKE : AZURE);
    if ((format === 'csv' || format === 'jsonl') && !opts.columns) throw new TraceError(path, 0, `format ${format} needs columns: { timestamp, input, output }`);
    this.lines = new LineReader(path);
    if (!this.json) this.readHeader();
  }

  private readHeader(): void {
    const header = this.line();
    if (header === undefined) throw new TraceError(this.path, 1, 'the file is empty; expected a header row');
    const names = header.split(',').map((h) => h.trim());
    const find = (name: string) => {
      const i = names.indexOf(name);
      if (i < 0) throw new TraceError(this.path, 1, `no column "${name}" in the header (columns: ${names.join(', ')})`);
      return i;
    };
    this.indexes = { time: find(this.columns.timestamp), input: find(this.columns.input), output: find(this.columns.output) };
  }

  /** The next line, or undefined at the end; a line too long to be a row is bad input naming it. */
  private line(): string | undefined {
    try {
      return this.lines.next();
    } catch (error) {
      if (error instanceof LineTooLongError) throw new TraceError(this.path, error.lineNumber, `the line is longer than ${error.limit.toLocaleString('en-US')} characters; a trace row is a few dozen (is this a trace file?)`);
      throw error;
    }
  }

  /** Fills `row` with the next row; false at the end of the file. */
  next(row: TraceRow): boolean {
    for (;;) {
      const line = this.line();
      if (line === undefined) return false;
      if (line.trim() === '') continue;
      const problem = this.parse(line, row);
      if (problem === undefined && row.time < this.lastTime) {
        const fix = `time ${row.time} goes back before the previous row's ${this.lastTime}`;
        if (!this.opts.skipBadRows) throw new TraceError(this.path, this.lines.lineNumber, `${fix}; a trace must be in time order`);
        this.skipped++;
        continue;
      }
      if (problem !== undefined) {
        if (!this.opts.skipBadRows) throw new TraceError(this.path, this.lines.lineNumber, `${problem} (use --skip-bad-rows to count and skip such rows)`);
        this.skipped++;
        continue;
      }
      this.lastTime = row.time;
      this.rows++;
      return true;
    }
  }

  private parse(line: string, row: TraceRow): string | undefined {
    let time: unknown;
    let input: unknown;
    let output: unknown;
    if (this.json) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return 'not a JSON object';
      }
      if (typeof record !== 'object' || record === null) return 'not a JSON object';
      time = record[this.columns.timestamp];
      input = record[this.columns.input];
      output = record[this.columns.output];
      if (time === undefined) return `no field "${this.columns.timestamp}"`;
      if (input === undefined) return `no field "${this.columns.input}"`;
      if (output === undefined) return `no field "${this.columns.output}"`;
    } else {
      const cells = line.split(',');
      const ix = this.indexes!;
      const width = Math.max(ix.time, ix.input, ix.output) + 1;
      if (cells.length < width) return `${cells.length} columns, expected at least ${width}`;
      time = cells[ix.time]!.trim();
      input = cells[ix.input]!.trim();
      output = cells[ix.output]!.trim();
    }
    const unit = this.columns.timeUnit ?? 's';
    const seconds = typeof time === 'number' ? time * UNIT_SECONDS[unit] : typeof time === 'string' ? parseTime(time, unit) : undefined;
    if (seconds === undefined || !Number.isFinite(seconds)) return `timestamp ${showValue(time)} is not a number or a date-time`;
    if (this.firstTime === undefined) this.firstTime = seconds;
    else if (seconds - this.firstTime > MAX_TRACE_SPAN) return `timestamp ${showValue(time)} is more than ten years after the first row's; a trace may span at most ten years`;
    const tokens = (value: unknown, column: string) => `${column} ${showValue(value)} is not a whole number of tokens from 0 to ${MAX_TRACE_TOKENS.toLocaleString('en-US')}`;
    const inTokens = tokenCount(input);
    if (inTokens === undefined) return tokens(input, this.columns.input);
    const outTokens = tokenCount(output);
    if (outTokens === undefined) return tokens(output, this.columns.output);
    row.time = seconds;
    row.input = inTokens;
    row.output = outTokens;
    return undefined;
  }

  close(): void {
    this.lines.close();
  }
}

function parseTime(text: string, unit: 's' | 'ms' | 'us'): number | undefined {
  if (DECIMAL.test(text)) return Number(text) * UNIT_SECONDS[unit];
  return parseDateTime(text);
}
