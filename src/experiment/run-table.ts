/**
 * Every run of one plan, kept as columns of numbers: what the summary across runs needs
 * from each run (its counts, costs, utilizations, drawn inputs, the across-runs band of its
 * time series), at 8 bytes a figure, in seed order whatever order the runs finish in. A
 * long Monte Carlo study then holds a kilobyte or two a run instead of each run's objects
 * (issue 17: memory flat in the number of runs); histograms are pooled separately
 * (pooled-latency.ts) and each run's whole detail goes to `cells.jsonl` when kept on disk.
 *
 * A column is named by the run's field path (`cost.total`, `classes.0.failedBy.timedOut`,
 * `backends.1.figures.api.calls`); a run without the field reads NaN there, and a field
 * with one value in every run so far is kept as that value. Two fields are
 * re-keyed so runs line up: bill line items are summed by id (`cost.items#gpu:h100`, and
 * per month), and of the time series only the band's fields are kept, with the number of
 * points (`timeSeries.points`).
 */
import type { SerializedHistogram, SerializedSeries } from '../metrics/index.js';
import type { PlanRunResult } from './simulate-run.js';

/** The fields of a run's time series that the summary's across-runs band needs from every run. */
export const BAND_FIELDS = ['replicas', 'costPerHour'] as const;

/** Marks a bill line item's id in a column name: `cost.items#<id>`. */
export const ITEM_MARK = '#';

/**
 * One field's values by row: a single value while every run so far had the same one (about
 * half the fields of a plan never change from run to run: failure reasons that never
 * happen, a fixed fleet's size), one number a row once they differ.
 */
class Column {
  data: Float64Array | undefined;
  constructor(
    public constant: number,
    /** The last row that had this field. */
    public lastRow: number,
  ) {}
}

export class RunTable {
  private readonly columns = new Map<string, Column>();
  /** Each line item's label, and where it was first seen (the row, its place in that run's bill). */
  private readonly labels = new Map<string, { row: number; place: number; label: string }>();
  /** 1 for each row that is in. */
  private readonly rows: Uint8Array;
  private filled = 0;
  private firstRun: PlanRunResult | undefined;

  /** `count` runs, in seed order: row i is the run of the i-th seed. */
  constructor(readonly count: number) {
    this.rows = new Uint8Array(count);
  }

  /** Puts run `row`'s figures in the table (each row once). */
  set(row: number, run: PlanRunResult): void {
    const { paths, values, labels } = flattenToLists(run);
    this.setFigures(row, paths, values, labels, run);
  }

  /**
   * Puts run `row`'s figures, as `flattenRun` lists them, in the table (each row once). The
   * first row comes with its `whole` run (as `set` gives it): that run names the plan's parts.
   */
  setFigures(row: number, paths: readonly string[], values: ArrayLike<number>, labels: readonly ItemLabel[], whole?: PlanRunResult): void {
    if (!(row >= 0 && row < this.count)) throw new RangeError(`row ${row} outside a table of ${this.count} runs`);
    if (this.rows[row] === 1) throw new RangeError(`row ${row} is in the table already`);
    if (row === 0) {
      if (!whole) throw new RangeError('the first row of a run table needs its whole run');
      this.firstRun = skeleton(whole);
    }
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i]!;
      const value = values[i]!;
      const column = this.columns.get(path);
      if (!column) {
        const fresh = new Column(value, row);
        // Rows already in had no such field: they read NaN.
        if (this.filled > 0) (fresh.data = new Float64Array(this.count).fill(NaN))[row] = value;
        this.columns.set(path, fresh);
        continue;
      }
      column.lastRow = row;
      if (column.data) column.data[row] = value;
      else if (!Object.is(value, column.constant)) this.spread(column)[row] = value;
    }
    for (const { id, label, place } of labels) {
      const seen = this.labels.get(id);
      if (!seen || row < seen.row || (row === seen.row && place < seen.place)) this.labels.set(id, { row, place, label });
    }
    // A field this run lacks reads NaN here: a column of one value can no longer say so.
    for (const column of this.columns.values()) if (column.lastRow !== row && !column.data) this.spread(column);
    this.rows[row] = 1;
    this.filled++;
  }

  /** Gives a column of one value a number per row: that value in the rows already in, NaN elsewhere. */
  private spread(column: Column): Float64Array {
    const data = new Float64Array(this.count).fill(NaN);
    for (let i = 0; i < this.count; i++) if (this.rows[i] === 1) data[i] = column.constant;
    return (column.data = data);
  }

  /** Whether every row is in. */
  get complete(): boolean {
    return this.filled === this.count;
  }

  /** The first seed's run, without histogram buckets or time series: what names the plan's classes, backends and months. */
  get first(): PlanRunResult | undefined {
    return this.firstRun;
  }

  /**
   * Each run's value of a field, in seed order. A run without the field reads `missing`
   * (NaN unless given); give one only for fields that are never NaN where present (counts,
   * sums), since a stored NaN reads `missing` too.
   */
  values(path: string, missing = NaN): number[] {
    const column = this.columns.get(path);
    return Array.from({ length: this.count }, (_, row) => {
      const x = this.read(column, row);
      return Number.isNaN(x) ? missing : x;
    });
  }

  /** One run's value of a field (NaN when it has none). */
  value(path: string, row: number): number {
    return row >= 0 && row < this.count ? this.read(this.columns.get(path), row) : NaN;
  }

  private read(column: Column | undefined, row: number): number {
    if (column === undefined) return NaN;
    return column.data ? column.data[row]! : this.rows[row] === 1 ? column.constant : NaN;
  }

  /**
   * The row whose time series the summary shows: among the runs that sampled one, the run
   * with the median cost per successful request (ties by seed).
   */
  representative(): number | undefined {
    const points = this.values('timeSeries.points');
    const cost = this.values('cost.perSuccessfulRequest');
    const seed = this.values('seed');
    const rows: number[] = [];
    points.forEach((n, row) => {
      if (n > 0) rows.push(row);
    });
    if (rows.length === 0) return undefined;
    rows.sort((a, b) => cost[a]! - cost[b]! || seed[a]! - seed[b]!);
    return rows[Math.floor((rows.length - 1) / 2)]!;
  }

  /** The line item ids whose columns start with `prefix` (`cost.items`, `months.2.cost.items`), sorted. */
  itemIds(prefix: string): string[] {
    const start = prefix + ITEM_MARK;
    return [...this.columns.keys()].filter((k) => k.startsWith(start)).map((k) => k.slice(start.length)).sort();
  }

  /**
   * The bill's line items' labels by id, in the order a reader of the runs in seed order
   * meets them (the label where each id first appears), whatever order the runs finished in.
   */
  itemLabels(): Record<string, string> {
    const order = [...this.labels].sort(([, a], [, b]) => a.row - b.row || a.place - b.place);
    return Object.fromEntries(order.map(([id, seen]) => [id, seen.label]));
  }
}

/**
 * Calls `put` with every number of a run under its path, line items summed by id in the
 * bill's order, histogram buckets and the time series' other fields left out.
 */
export function flattenRun(run: PlanRunResult, put: (path: string, value: number) => void, label: (id: string, label: string, place: number) => void): void {
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'number') put(path, value);
    else if (Array.isArray(value)) {
      if (path === 'cost.items' || path.endsWith('.cost.items')) {
        const sums = new Map<string, number>();
        (value as { id: string; label: string; usd: number }[]).forEach((item, place) => {
          sums.set(item.id, (sums.get(item.id) ?? 0) + item.usd);
          if (path === 'cost.items') label(item.id, item.label, place);
        });
        for (const [id, usd] of sums) put(path + ITEM_MARK + id, usd);
      } else value.forEach((v, i) => walk(v, `${path}.${i}`));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'buckets') continue;
        const at = path === '' ? key : `${path}.${key}`;
        if (at === 'timeSeries') walkSeries(v as SerializedSeries | undefined);
        else walk(v, at);
      }
    }
  };
  const walkSeries = (series: SerializedSeries | undefined) => {
    if (!series) return;
    put('timeSeries.points', series.time.length);
    for (const field of BAND_FIELDS) series.fields[field]?.forEach((v, i) => put(`timeSeries.fields.${field}.${i}`, v));
  };
  walk(run, '');
}

/** A bill line item's label, where the run's bill first lists it. */
export interface ItemLabel {
  readonly id: string;
  readonly label: string;
  readonly place: number;
}

/** A run's figures as paths and values, in `flattenRun`'s order. */
export function flattenToLists(run: PlanRunResult): { paths: string[]; values: number[]; labels: ItemLabel[] } {
  const paths: string[] = [];
  const values: number[] = [];
  const labels: ItemLabel[] = [];
  flattenRun(
    run,
    (path, value) => {
      paths.push(path);
      values.push(value);
    },
    (id, label, place) => labels.push({ id, label, place }),
  );
  return { paths, values, labels };
}

/** A run without its histograms' buckets and its time series: what names its parts. */
function skeleton(r: PlanRunResult): PlanRunResult {
  const strip = (h: SerializedHistogram): SerializedHistogram => ({ count: h.count, sum: h.sum, min: h.min, max: h.max, buckets: [] });
  return {
    ...r,
    latency: { queueWait: strip(r.latency.queueWait), e2e: strip(r.latency.e2e), ttft: strip(r.latency.ttft), tpot: strip(r.latency.tpot) },
    classes: r.classes.map((c) => ({ ...c, latency: { e2e: strip(c.latency.e2e), ttft: strip(c.latency.ttft) } })),
    timeSeries: undefined,
  };
}
