/**
 * report/ — the HTML report. `spec.ts` builds vega-lite chart specs from a summary (pure);
 * `html.ts` puts them on a self-contained page with the libraries inlined.
 */
export * from './spec.js';
export * from './html.js';
