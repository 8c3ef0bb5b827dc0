/**
 * report/ — what people read. `format.ts` prints numbers the same way everywhere; `page.ts`
 * is the self-contained HTML page (libraries inlined, strings escaped); `run-charts.ts` and
 * `study-charts.ts` build vega-lite specs from summaries (pure), one function per chart;
 * `run-report.ts` and `study-report.ts` put the answer, the charts and the assumptions
 * (`assumptions.ts`) on the page.
 */
export * from './format.js';
export * from './page.js';
export * from './run-charts.js';
export * from './assumptions.js';
export * from './run-report.js';
export * from './study-charts.js';
export * from './study-report.js';
