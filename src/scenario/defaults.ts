/**
 * Defaults the rest of capsim reads without the grammar (schema.ts): a module of plain
 * values, so that a worker thread's code need not load zod to know them.
 */

/** The attainment target a latency limit implies when none is given (schema.ts's `slo`). */
export const DEFAULT_SLO_TARGET = 0.99;
