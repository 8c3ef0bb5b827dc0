/**
 * Tables of a study as CSV (RFC 4180: a field with a comma, quote or line break is quoted,
 * quotes doubled). Numbers print as JavaScript writes them; a figure a run could not
 * measure (NaN, null) is an empty field.
 *
 * Pure.
 */

import type { PlanSummary } from '../experiment/index.js';

export type CsvValue = string | number | null | undefined;

function field(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Rows of named fields as CSV; the columns are the union of the rows' fields, in the order they first appear. */
export function toCsv(rows: readonly ReadonlyMap<string, CsvValue>[]): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const name of row.keys()) {
      if (!seen.has(name)) {
        seen.add(name);
        columns.push(name);
      }
    }
  }
  const lines = [columns.map(field).join(',')];
  for (const row of rows) lines.push(columns.map((c) => field(row.get(c))).join(','));
  return lines.join('\n') + '\n';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The figures of a summary as flat columns: an across-runs statistic gives `path.mean`,
 * `path.ci95_lo` and `path.ci95_hi`; a pooled ratio `path.value` and its interval; other
 * numbers and strings their path. Lists (per run, per replica, time series) are left out:
 * they are not one figure.
 */
export function flattenFigures(value: unknown, prefix: string, into: Map<string, CsvValue>): Map<string, CsvValue> {
  // null is what JSON makes of NaN: the same empty field whether the summary was read back or not.
  if (typeof value === 'number' || typeof value === 'string' || value === null) into.set(prefix, value);
  else if (isRecord(value)) {
    for (const [key, v] of Object.entries(value)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (key === 'ci95' && Array.isArray(v)) {
        into.set(`${prefix}.ci95_lo`, v[0] as number);
        into.set(`${prefix}.ci95_hi`, v[1] as number);
      } else flattenFigures(v, path, into);
    }
  }
  return into;
}

/** runs.csv of a run: one row per plan and seed with every per-run figure (and the values drawn for uncertain inputs). */
export function perRunCsv(plans: readonly Pick<PlanSummary, 'name' | 'perRun'>[]): string {
  return toCsv(
    plans.flatMap((plan) =>
      plan.perRun.map(({ drawn, ...figures }) => {
        const row = new Map<string, CsvValue>([['plan', plan.name]]);
        for (const [k, v] of Object.entries(figures)) row.set(k, v);
        for (const [k, v] of Object.entries(drawn)) row.set(`drawn.${k}`, v);
        return row;
      }),
    ),
  );
}
