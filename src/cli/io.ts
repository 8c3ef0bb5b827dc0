/**
 * Where the CLI writes. Kept behind a small interface so tests can run commands in-process
 * and read what they printed.
 */

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (progress bars only then). */
  readonly interactive: boolean;
  /** The terminal's width when stdout is one (tables are fitted to it; 100 otherwise). */
  readonly columns?: number | undefined;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
  columns: process.stdout.isTTY ? process.stdout.columns : undefined,
};
