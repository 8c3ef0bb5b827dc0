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

/** Digits of `bytes` from `from` to `to` as a number, or -1 when any is not a digit. */
function digits(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = bytes[i]! - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);
const DASH = 45;
const COLON = 58;
const COMMA = 44;

/** The last date seen (as yyyymmdd) and its epoch seconds: a trace's rows share a date for a day at a time. */
let cachedDate = -1;
let cachedDateSeconds = 0;

/** The date at `bytes[at..at+10)` ("2023-11-16") → epoch seconds of its midnight (UTC), or undefined when no such day exists. */
function dateSeconds(bytes: Uint8Array, at: number): number | undefined {
  const year = digits(bytes, at, at + 4);
  const month = digits(bytes, at + 5, at + 7);
  const day = digits(bytes, at + 8, at + 10);
  if (year < 0 || month < 1 || month > 12 || day < 1 || bytes[at + 4] !== DASH || bytes[at + 7] !== DASH) return undefined;
  const key = year * 10_000 + month * 100 + day;
  if (key === cachedDate) return cachedDateSeconds;
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2023-02-30 over into March; a real day comes back the same.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  cachedDate = key;
  cachedDateSeconds = ms / 1000;
  return cachedDateSeconds;
}

/**
 * "2023-11-16 18:17:03.9799600" or "2023-11-16T18:17:03Z" (UTC) in `bytes[from..to)` →
 * epoch seconds, keeping every fractional digit. Read byte by byte with the date cached (a
 * regex and a Date per row cost more than the rest of the row); undefined for anything that
 * is not a real date and time (2023-13-45 99:99:99 does not roll over).
 */
function dateTimeSeconds(bytes: Uint8Array, from: number, to: number): number | undefined {
  while (from < to && bytes[from]! <= 32) from++;
  while (to > from && bytes[to - 1]! <= 32) to--;
  if (bytes[to - 1] === 90 /* Z */) to--;
  if (to - from < 19) return undefined;
  const sep = bytes[from + 10];
  if ((sep !== 32 && sep !== 84) || bytes[from + 13] !== COLON || bytes[from + 16] !== COLON) return undefined;
  const day = dateSeconds(bytes, from);
  if (day === undefined) return undefined;
  const hour = digits(bytes, from + 11, from + 13);
  const minute = digits(bytes, from + 14, from + 16);
  const second = digits(bytes, from + 17, from + 19);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  let fraction = 0;
  if (to - from > 19) {
    const places = to - from - 20;
    if (bytes[from + 19] !== 46 /* . */ || places === 0) return undefined;
    // Up to 15 places as one integer over a power of ten (exact, as Number(".9799600") is);
    // more, through Number.
    const whole = places <= 15 ? digits(bytes, from + 20, to) : -1;
    if (whole >= 0) fraction = whole / POW10[places]!;
    else {
      if (digits(bytes, from + 20, to) < 0) return undefined;
      fraction = Number(Buffer.from(bytes.buffer, bytes.byteOffset + from + 19, to - from - 19).toString('latin1'));
    }
  }
  return day + hour * 3600 + minute * 60 + second + fraction;
}

/** A date-time as `dateTimeSeconds` reads it, from text. */
export function parseDateTime(text: string): number | undefined {
  const bytes = Buffer.from(text);
  return dateTimeSeconds(bytes, 0, bytes.length);
}

/** Most tokens a trace row may give for a prompt or an output (the longest context windows hold 10 million). */
export const MAX_TRACE_TOKENS = 10_000_000;
/** Longest a trace may span: ten years (the per-minute profile of trace stats counts every minute). */
export const MAX_TRACE_SPAN = 10 * 365.25 * 86_400;

/** A whole number of tokens: digits only in text (no 0x10, 1e3 or 12.0), an integer in JSON. */
function tokenCount(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && TOKEN_DIGITS.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= MAX_TRACE_TOKENS ? n : undefined;
}

const TOKEN_DIGITS = /^[0-9]{1,9}$/;

/** A plain decimal number (no hexadecimal, no blanks, no Infinity). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const UNIT_SECONDS = { s: 1, ms: 1e-3, us: 1e-6 } as const;

export class TraceReader {
  private readonly lines: LineReader;
  private readonly columns: TraceColumns;
  private readonly json: boolean;
  private indexes: { time: number; input: number; output: number; width: number } | undefined;
  private bounds = new Int32Array(0);
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
    const [time, input, output] = [find(this.columns.timestamp), find(this.columns.input), find(this.columns.output)];
    this.indexes = { time, input, output, width: Math.max(time, input, output) + 1 };
    this.bounds = new Int32Array(2 * this.indexes.width);
  }

  /** Finds the next line; false at the end. A line too long to be a row is bad input naming it. */
  private nextLine(): boolean {
    try {
      return this.lines.nextLine();
    } catch (error) {
      if (error instanceof LineTooLongError) throw new TraceError(this.path, error.lineNumber, `the line is longer than ${error.limit.toLocaleString('en-US')} bytes; a trace row is a few dozen (is this a trace file?)`);
      throw error;
    }
  }

  /** The next line as text, or undefined at the end. */
  private line(): string | undefined {
    return this.nextLine() ? this.lines.text() : undefined;
  }

  /** Fills `row` with the next row; false at the end of the file. */
  next(row: TraceRow): boolean {
    for (;;) {
      if (!this.nextLine()) return false;
      if (this.blankLine()) continue;
      const problem = this.json ? this.parseText(this.lines.text(), row) : this.parseCsv(row);
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

  /** Whether the line found is empty or white space only (as String.trim sees it). */
  private blankLine(): boolean {
    const { bytes, lineStart, lineEnd } = this.lines;
    let ascii = true;
    for (let i = lineStart; i < lineEnd; i++) {
      const b = bytes[i]!;
      if (b >= 128) ascii = false;
      else if (b !== 32 && (b < 9 || b > 13)) return false;
    }
    return ascii || this.lines.text().trim() === '';
  }

  /**
   * A CSV row read from the line's bytes, without a string: cells found by their commas,
   * digits and the date-time read in place. Anything else (numeric times, blanks in odd
   * places, a bad row and its message) goes through the text.
   */
  private parseCsv(row: TraceRow): string | undefined {
    const { bytes, lineStart, lineEnd } = this.lines;
    const ix = this.indexes!;
    const bounds = this.bounds;
    // Cell k spans bounds[2k] .. bounds[2k+1]; only cells up to the last one needed are found.
    let from = lineStart;
    let count = 0;
    while (count < ix.width) {
      let comma = from;
      while (comma < lineEnd && bytes[comma] !== COMMA) comma++;
      bounds[2 * count] = from;
      bounds[2 * count + 1] = comma;
      count++;
      if (comma === lineEnd) break;
      from = comma + 1;
    }
    if (count === ix.width) {
      const inTokens = cellDigits(bytes, bounds[2 * ix.input]!, bounds[2 * ix.input + 1]!);
      const outTokens = cellDigits(bytes, bounds[2 * ix.output]!, bounds[2 * ix.output + 1]!);
      const seconds = dateTimeSeconds(bytes, bounds[2 * ix.time]!, bounds[2 * ix.time + 1]!);
      if (inTokens >= 0 && inTokens <= MAX_TRACE_TOKENS && outTokens >= 0 && outTokens <= MAX_TRACE_TOKENS && seconds !== undefined) {
        this.firstTime ??= seconds;
        if (seconds - this.firstTime <= MAX_TRACE_SPAN) {
          row.time = seconds;
          row.input = inTokens;
          row.output = outTokens;
          return undefined;
        }
      }
    }
    return this.parseText(this.lines.text(), row);
  }

  /** A row read from its text: every JSON line, and CSV rows the bytes did not settle. */
  private parseText(line: string, row: TraceRow): string | undefined {
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
      const ix = this.indexes!;
      const cells = line.split(',');
      if (cells.length < ix.width) return `${cells.length} columns, expected at least ${ix.width}`;
      time = trimmed(cells[ix.time]!);
      input = trimmed(cells[ix.input]!);
      output = trimmed(cells[ix.output]!);
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
  // A date-time has its first dash at index 4; a number never does.
  if (text.charCodeAt(4) === 45) return parseDateTime(text);
  if (DECIMAL.test(text)) return Number(text) * UNIT_SECONDS[unit];
  return parseDateTime(text);
}

/** The digits of a cell (blanks around allowed) as a number; -1 when it is not digits only, or too long to be a token count. */
function cellDigits(bytes: Uint8Array, from: number, to: number): number {
  while (from < to && bytes[from]! <= 32) from++;
  while (to > from && bytes[to - 1]! <= 32) to--;
  return to > from && to - from <= 9 ? digits(bytes, from, to) : -1;
}

/** A cell without surrounding blanks (most cells have none: no copy then). */
function trimmed(cell: string): string {
  return cell.length > 0 && (cell.charCodeAt(0) <= 32 || cell.charCodeAt(cell.length - 1) <= 32) ? cell.trim() : cell;
}
