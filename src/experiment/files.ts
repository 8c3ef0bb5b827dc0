/**
 * The files capsim reads for a caller: scenario files, price catalogs, and its own package
 * (the built-in default scenario, the version). A file that cannot be read is bad input
 * naming the file and why.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT_IN_API_CATALOG, parseLiteLlmCatalog, PriceCatalogError, type ApiPriceCatalog } from '../catalog/index.js';
import { applyOverride, getPath, InputError, parseScenarioText, validateScenario, type Scenario } from '../scenario/index.js';
import { assertDeployable } from './checks.js';

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

/** The largest scenario, price catalog or results file capsim reads whole (traces stream). */
export const MAX_INPUT_FILE_BYTES = 128 * 1024 * 1024;

/** A whole file (or pipe) as text, refusing one past `limit` bytes: /dev/zero must not fill the memory. */
function readBounded(path: string, limit: number, what: string): string {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 20);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > limit) throw new InputError(`cannot read ${what} ${path}: it is longer than ${limit / 2 ** 20} MiB, the most a ${what} may be.`);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export function readInputFile(path: string, what: string): string {
  try {
    return readBounded(path, MAX_INPUT_FILE_BYTES, what);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code ?? String(error);
    throw new InputError(`cannot read ${what} ${path}: ${reason}.`);
  }
}

/** The built-in API price table, or a LiteLLM `model_prices_and_context_window.json`. */
export function loadPriceCatalog(file: string | undefined): ApiPriceCatalog {
  if (file === undefined) return BUILT_IN_API_CATALOG;
  const text = readInputFile(file, 'price catalog');
  try {
    return parseLiteLlmCatalog(text, file, statSync(file).mtime.toISOString().slice(0, 10));
  } catch (error) {
    if (error instanceof PriceCatalogError) throw new InputError(error.message);
    throw error;
  }
}

/**
 * Reads and validates a scenario file, or the built-in default when none is named, with
 * `path=value` overrides. `skipBadRows` skips a replayed trace's malformed rows (a
 * synthetic workload has none to skip). A replayed trace's path is relative to the
 * scenario file's folder (the scenario's `context.baseDir`); it must be there. A model
 * that cannot fit its GPUs is bad input too.
 */
export function loadScenarioFile(file: string | undefined, overrides: readonly string[] = [], options: { readonly skipBadRows?: boolean } = {}): Scenario {
  const source = file ?? defaultScenarioPath();
  const name = file ?? 'the built-in default scenario';
  const baseDir = file === undefined ? packageRoot() : dirname(resolve(file));
  const raw = parseScenarioText(readInputFile(source, 'scenario file'), name);
  for (const override of overrides) applyOverride(raw, override);
  if (options.skipBadRows && getPath(raw, ['workload', 'trace']) !== undefined) applyOverride(raw, 'workload.trace.skipBadRows=true');
  const scenario = validateScenario(raw, name, baseDir);
  const trace = scenario.workload.trace;
  if (trace) {
    const path = isAbsolute(trace.file) ? trace.file : join(baseDir, trace.file);
    if (!existsSync(path)) throw new InputError(`workload.trace.file: cannot read ${trace.file} (looked for ${path}): no such file.`);
  }
  assertDeployable(scenario, name);
  return scenario;
}
