/**
 * Where the CLI writes, and the files it reads. Kept behind a small interface so tests can
 * run commands in-process and read what they printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../scenario/index.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (progress bars only then). */
  readonly interactive: boolean;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
};

/** The package's root folder, whether running from src/ (tests) or dist/src/ (built). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'workloads'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the capsim package root');
    dir = parent;
  }
}

/** The built-in default scenario (what `capsim run` runs with no file). */
export function defaultScenarioPath(): string {
  return join(packageRoot(), 'workloads', 'default.yaml');
}

export function readInputFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code ?? String(error);
    throw new InputError(`cannot read ${what} ${path}: ${reason}.`);
  }
}
