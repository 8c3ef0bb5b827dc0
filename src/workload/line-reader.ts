/**
 * Reads a text file line by line, synchronously, through one reused buffer: memory stays
 * flat whatever the file's size. (The simulation pulls requests one at a time from inside
 * its synchronous event loop, so the reader cannot be a Node stream.)
 *
 * A line is found as bytes (`nextLine`, then `bytes` between `lineStart` and `lineEnd`), so
 * a parser that reads digits by byte needs no string per line; `text()` decodes the line
 * when one is wanted. A line is always whole in the buffer, so a multi-byte character is
 * never cut between two reads.
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** A line longer than the reader takes (a file without line breaks, /dev/zero): memory stays bounded. */
export class LineTooLongError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly limit: number,
  ) {
    super(`line ${lineNumber} is longer than ${limit.toLocaleString('en-US')} bytes`);
    this.name = 'LineTooLongError';
  }
}

/** The longest line a trace may have, in bytes: a row is a few dozen. */
export const MAX_LINE_LENGTH = 1 << 20;

const CHUNK = 1 << 20;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;

export class LineReader {
  private readonly fd: number;
  /** Bytes read: buffer[0..filled); the next line starts at `cursor`. Grows only for a line longer than it. */
  private buffer = Buffer.allocUnsafe(CHUNK);
  /** buffer[0..filled), so a search for a line break never meets bytes of an earlier read. */
  private view = this.buffer.subarray(0, 0);
  private filled = 0;
  private cursor = 0;
  private eof = false;
  /** The line last found is bytes[lineStart..lineEnd), without its line ending. */
  lineStart = 0;
  lineEnd = 0;
  /** 1-based number of the line last found. */
  lineNumber = 0;

  constructor(
    readonly path: string,
    private readonly maxLineLength = MAX_LINE_LENGTH,
  ) {
    this.fd = openSync(path, 'r');
  }

  /** Finds the next line (its bytes at `lineStart..lineEnd`); false at the end of the file. */
  nextLine(): boolean {
    for (;;) {
      const start = this.cursor;
      const end = this.view.indexOf(NEWLINE, start);
      if (end >= 0) {
        if (end - start > this.maxLineLength) throw new LineTooLongError(this.lineNumber + 1, this.maxLineLength);
        this.found(start, end);
        this.cursor = end + 1;
        return true;
      }
      if (this.filled - start > this.maxLineLength) throw new LineTooLongError(this.lineNumber + 1, this.maxLineLength);
      if (this.eof) {
        if (start === this.filled) return false;
        // The last line, without a line break after it.
        this.found(start, this.filled);
        this.cursor = this.filled;
        return true;
      }
      this.fill();
    }
  }

  /** The bytes the line last found lies in (valid until the next call to `nextLine`). */
  get bytes(): Uint8Array {
    return this.buffer;
  }

  /** The line last found, decoded. */
  text(): string {
    return this.buffer.toString('utf8', this.lineStart, this.lineEnd);
  }

  /** The next line (without its line ending), or undefined at the end of the file. */
  next(): string | undefined {
    return this.nextLine() ? this.text() : undefined;
  }

  private found(start: number, end: number): void {
    this.lineStart = start;
    this.lineEnd = end > start && this.buffer[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
    this.lineNumber++;
  }

  /** Moves the line begun but not ended to the front, and reads after it (growing the buffer if that line fills it). */
  private fill(): void {
    const rest = this.filled - this.cursor;
    if (rest === this.buffer.length) {
      const bigger = Buffer.allocUnsafe(2 * this.buffer.length);
      this.buffer.copy(bigger, 0, this.cursor, this.filled);
      this.buffer = bigger;
    } else if (rest > 0 && this.cursor > 0) {
      this.buffer.copy(this.buffer, 0, this.cursor, this.filled);
    }
    this.filled = rest;
    this.cursor = 0;
    const n = readSync(this.fd, this.buffer, this.filled, this.buffer.length - this.filled, null);
    if (n === 0) this.eof = true;
    this.filled += n;
    this.view = this.buffer.subarray(0, this.filled);
  }

  close(): void {
    closeSync(this.fd);
  }
}
