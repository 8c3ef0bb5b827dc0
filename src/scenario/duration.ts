/**
 * Durations in scenario files: a number of seconds, or a string such as 250ms, 90s, 15m,
 * 3h, 30d or 2w.
 */
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

export const DURATION_PATTERN = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d|w)\s*$/;

/** Seconds for a duration string, or undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_SECONDS[match[2]!]!;
}

/** A short human form of a number of seconds: 3h, 10m, 90s, 1.5d. */
export function formatDuration(seconds: number): string {
  const units: [string, number][] = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  for (const [unit, size] of units) {
    if (seconds >= size && Number.isInteger((seconds / size) * 100)) return `${+(seconds / size).toFixed(2)}${unit}`;
  }
  return `${seconds}s`;
}
