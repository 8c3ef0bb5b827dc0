/**
 * Typed columns that grow: the hot state of the simulator (event heap, requests in flight)
 * lives in parallel typed arrays, and they all grow the same way.
 *
 * Imports nothing of the domain.
 */
type Column = Float64Array | Int32Array | Uint8Array;

/** A copy of `column` with room for `length` entries (the old ones kept in place). */
export function grown<T extends Column>(column: T, length: number): T {
  const next = new (column.constructor as new (n: number) => T)(length);
  next.set(column);
  return next;
}

/** `column`, or a copy at least twice as long, so that `index` is inside it. */
export function withRoomFor<T extends Column>(column: T, index: number): T {
  if (index < column.length) return column;
  let length = Math.max(1, column.length);
  while (length <= index) length *= 2;
  return grown(column, length);
}
