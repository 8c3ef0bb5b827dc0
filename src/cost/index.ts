/**
 * cost/ — money, in one place. `prices.ts` resolves what every backend bills at (API token
 * prices, GPU-hour prices by pool, managed GPU-hours) before any run; `bill.ts` prices a
 * run's usage meters and the plan's overhead into labelled line items, checks the total a
 * second way, and shares it among request classes; `decision.ts` keeps plans that miss
 * their SLO targets out of the recommendation and applies the friction rule.
 */
export * from './prices.js';
export * from './bill.js';
export * from './decision.js';
