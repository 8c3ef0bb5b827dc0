/**
 * cost/ — money. `bill.ts` turns a run's charges and the plan's overhead into line items,
 * totals, cost per successful request and per month; `decision.ts` applies the articles'
 * friction rule between API and self-hosted plans.
 */
export * from './bill.js';
export * from './decision.js';
