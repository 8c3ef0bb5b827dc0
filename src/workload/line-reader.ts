/**
 * Reads a text file line by line, synchronously, through a fixed buffer: memory stays
 * flat whatever the file's size. (The simulation pulls requests one at a time from inside
 * its synchronous event loop, so the reader cannot be a Node stream.)
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** A line longer than the reader takes (a file without line breaks, /dev/zero): memory stays bounded. */
export class LineTooLongError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly limit: number,
  ) {
    super(`line ${lineNumber} is longer than ${limit.toLocaleString('en-US')} characters`);
    this.name = 'LineTooLongError';
  }
}

/** The longest line a trace may have: a row is a few dozen characters. */
export const MAX_LINE_LENGTH = 1 << 20;

const CHUNK = 1 << 20;

export class LineReader {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(CHUNK);
  private pending = '';
  private lines: string[] = [];
  private index = 0;
  private eof = false;
  /** 1-based number of the line last returned. */
  lineNumber = 0;

  // Multi-byte characters may straddle two reads: the decoder keeps the first part for the next.
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    readonly path: string,
    private readonly maxLineLength = MAX_LINE_LENGTH,
  ) {
    this.fd = openSync(path, 'r');
  }

  /** The next line (without its line ending), or undefined at the end of the file. */
  next(): string | undefined {
    while (this.index >= this.lines.length) {
      if (this.eof) {
        if (this.pending === '') return undefined;
        const last = this.pending;
        this.pending = '';
        this.lineNumber++;
        return last.endsWith('\r') ? last.slice(0, -1) : last;
      }
      this.fill();
    }
    this.lineNumber++;
    const line = this.lines[this.index++]!;
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }

  private fill(): void {
    const n = readSync(this.fd, this.buffer, 0, CHUNK, null);
    if (n === 0) {
      this.eof = true;
      this.lines = [];
      this.index = 0;
      return;
    }
    const text = this.pending + this.decoder.write(this.buffer.subarray(0, n));
    const parts = text.split('\n');
    this.pending = parts.pop()!;
    for (let i = 0; i < parts.length; i++) if (parts[i]!.length > this.maxLineLength) throw new LineTooLongError(this.lineNumber + i + 1, this.maxLineLength);
    if (this.pending.length > this.maxLineLength) throw new LineTooLongError(this.lineNumber + parts.length + 1, this.maxLineLength);
    this.lines = parts;
    this.index = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}
