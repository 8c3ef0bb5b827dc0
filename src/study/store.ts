/**
 * Where a study keeps its finished cells, so nothing computed is lost: `DIR/cells.jsonl`
 * gets one line per (point, plan, seed) as soon as the cell finishes, written whole in one
 * call, and `DIR/study.json` says which study the cells belong to. A study re-started on
 * the folder (`--resume DIR`) reads the complete lines back, drops a last line that a kill
 * cut short, and runs only the cells that are missing. At the end the lines are rewritten
 * in the study's own order, so a finished folder does not depend on which thread finished
 * first, on how often the study was resumed, or on how it was sharded.
 *
 * The store remembers where each line is, not the results themselves: memory stays flat in
 * the number of cells.
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanRunResult } from '../experiment/index.js';
import { InputError } from '../scenario/index.js';
import { LineReader } from '../workload/index.js';

export const CELLS_FILE = 'cells.jsonl';
export const MANIFEST_FILE = 'study.json';

/** The cell a result belongs to: the point's values by path ({} for a plain run), the plan and the seed. */
export interface CellKey {
  readonly point: Readonly<Record<string, string>>;
  readonly plan: string;
  readonly seed: number;
}

export function cellKeyText(key: CellKey): string {
  return JSON.stringify([key.point, key.plan, key.seed]);
}

/** One line of cells.jsonl: the plan, the point when there is one, and the run's result. */
function cellLine(key: CellKey, result: PlanRunResult): string {
  const point = Object.keys(key.point).length > 0 ? { point: key.point } : {};
  return JSON.stringify({ ...point, plan: key.plan, ...result }) + '\n';
}

function lineKey(value: unknown): CellKey | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { point?: unknown; plan?: unknown; seed?: unknown };
  const point = v.point ?? {};
  if (typeof v.plan !== 'string' || typeof v.seed !== 'number' || typeof point !== 'object' || point === null) return undefined;
  return { point: point as Record<string, string>, plan: v.plan, seed: v.seed };
}

interface Span {
  readonly offset: number;
  readonly length: number;
}

/** What study.json holds: enough to check that a folder belongs to a study, and to load the study again. */
export interface Manifest {
  readonly fingerprint: string;
  readonly [field: string]: unknown;
}

export class CellStore {
  private readonly spans = new Map<string, Span>();
  private size: number;

  private constructor(
    readonly dir: string,
    private readonly fd: number,
  ) {
    this.size = fstatSync(fd).size;
  }

  /** A new store in `dir` (an existing cells.jsonl there is replaced). */
  static create(dir: string, manifest: Manifest): CellStore {
    writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    return new CellStore(dir, openSync(join(dir, CELLS_FILE), 'w+'));
  }

  /**
   * The store a study left in `dir`, to go on with. Its study.json must have the same
   * fingerprint (the same scenario, points, plans and seeds); a cut-off last line is dropped.
   */
  static resume(dir: string, manifest: Manifest): CellStore {
    const before = readManifest(dir);
    if (before.fingerprint !== manifest.fingerprint) {
      throw new InputError(`--resume ${dir}: the folder holds the cells of a different study (another scenario, parameters, plans or seeds); repeat the command that made it, or use a new folder.`);
    }
    const path = join(dir, CELLS_FILE);
    const store = new CellStore(dir, openSync(path, existsSync(path) ? 'r+' : 'w+'));
    store.index(path);
    return store;
  }

  /** Reads the lines once, remembering where each complete one is. */
  private index(path: string): void {
    if (this.size === 0) return;
    // A cell's line holds a run's histograms and time series: far longer than a trace row.
    const reader = new LineReader(path, 1 << 28);
    let offset = 0;
    let bad: number | undefined;
    try {
      for (let line = reader.next(); line !== undefined; line = reader.next()) {
        if (bad !== undefined) throw new InputError(`${path}:${bad}: not a complete cell (only the last line may be cut short); the folder is damaged.`);
        const length = Buffer.byteLength(line) + 1;
        let key: CellKey | undefined;
        try {
          key = lineKey(JSON.parse(line));
        } catch {
          key = undefined;
        }
        if (key === undefined) {
          bad = reader.lineNumber;
          continue;
        }
        this.spans.set(cellKeyText(key), { offset, length });
        offset += length;
      }
    } finally {
      reader.close();
    }
    // Drop a cut-off last line; end a whole last line that lost only its newline.
    ftruncateSync(this.fd, Math.min(offset, this.size));
    if (offset > this.size) writeSync(this.fd, '\n', this.size);
    this.size = offset;
  }

  get count(): number {
    return this.spans.size;
  }

  has(key: CellKey): boolean {
    return this.spans.has(cellKeyText(key));
  }

  get(key: CellKey): PlanRunResult | undefined {
    const bytes = this.line(key);
    if (!bytes) return undefined;
    const { point: _point, plan: _plan, ...result } = JSON.parse(bytes.toString('utf8')) as { point?: unknown; plan: string } & PlanRunResult;
    return result as PlanRunResult;
  }

  add(key: CellKey, result: PlanRunResult): void {
    const bytes = Buffer.from(cellLine(key, result));
    writeSync(this.fd, bytes, 0, bytes.length, this.size);
    this.spans.set(cellKeyText(key), { offset: this.size, length: bytes.length });
    this.size += bytes.length;
  }

  /** Keys of every stored cell. */
  keys(): CellKey[] {
    return [...this.spans.keys()].map((text) => {
      const [point, plan, seed] = JSON.parse(text) as [Record<string, string>, string, number];
      return { point, plan, seed };
    });
  }

  /** The stored line of a cell, as bytes. */
  line(key: CellKey): Buffer | undefined {
    const span = this.spans.get(cellKeyText(key));
    if (!span) return undefined;
    const bytes = Buffer.allocUnsafe(span.length);
    readSync(this.fd, bytes, 0, span.length, span.offset);
    return bytes;
  }

  close(): void {
    closeSync(this.fd);
  }
}

export function readManifest(dir: string): Manifest {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`${dir} is not a study folder: it has no ${MANIFEST_FILE} (one is written by run, sweep, breakeven, size or commit with --out).`);
  }
  try {
    const manifest = JSON.parse(text) as Manifest;
    if (typeof manifest.fingerprint !== 'string') throw new Error('no fingerprint');
    return manifest;
  } catch {
    throw new InputError(`${path}: not a study manifest written by capsim.`);
  }
}

/**
 * Writes `dir/cells.jsonl` with the lines of `keys`, in that order, taken from `sources`
 * (the store itself, or the stores of shards being merged). Written to a temporary file and
 * renamed, so a kill leaves either the old file or the new one.
 */
export function writeCellsInOrder(dir: string, keys: readonly CellKey[], sources: readonly CellStore[]): void {
  const tmp = join(dir, `${CELLS_FILE}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    for (const key of keys) {
      const bytes = sources.map((s) => s.line(key)).find((b) => b !== undefined);
      if (!bytes) throw new Error(`cell ${cellKeyText(key)} is missing`);
      writeSync(fd, bytes);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, CELLS_FILE));
}
