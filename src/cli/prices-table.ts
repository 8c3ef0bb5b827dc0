/**
 * The answer of `capsim prices`: per-million-token prices of the matching models.
 */
import type { ApiPrice, ApiPriceCatalog } from '../catalog/index.js';
import { table } from './format.js';

const MAX_ROWS = 50;

export function renderPrices(catalog: ApiPriceCatalog, rows: readonly ApiPrice[]): string {
  const usd = (x: number | undefined) => (x === undefined ? '—' : `$${Number(x.toPrecision(4))}`);
  const shown = rows.slice(0, MAX_ROWS);
  const text = table(
    ['model', 'input', 'output', 'cached input', 'batch input', 'batch output'],
    shown.map((p) => [p.model, usd(p.inputPerMTok), usd(p.outputPerMTok), usd(p.cachedInputPerMTok), usd(p.batchInputPerMTok), usd(p.batchOutputPerMTok)]),
  );
  const more = rows.length > shown.length ? `… and ${rows.length - shown.length} more; narrow the query\n` : '';
  return `${catalog.name}, as of ${catalog.asOf} — USD per million tokens\n\n${text}${more}`;
}
