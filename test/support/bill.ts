/** Reading a run's bill in tests: items by their id without the backend's name in front. */
import type { Bill } from '../../src/cost/index.js';

/** USD of the items whose id is `what` or ends with `.what` (e.g. 'api.input' matches 'api0.api.input'). */
export function itemUsd(bill: Bill, what: string): number | undefined {
  const matching = bill.items.filter((i) => i.id === what || i.id.endsWith(`.${what}`));
  return matching.length > 0 ? matching.reduce((a, i) => a + i.usd, 0) : undefined;
}

/** The item ids of a bill with the backend's name taken off the front. */
export function itemKinds(bill: Bill): string[] {
  return bill.items.map((i) => (i.backend !== undefined ? i.id.slice(i.backend.length + 1) : i.id)).sort();
}
