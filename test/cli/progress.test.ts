import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { progressDisplay } from '../../src/cli/progress.js';

let lines: string[];
const io = (interactive: boolean) => ({ stdout: () => {}, stderr: (t: string) => void lines.push(t), interactive });

beforeEach(() => {
  lines = [];
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => vi.useRealTimers());

test('off a terminal: a line every few seconds with counts, elapsed time and time left; nothing for a short study', async () => {
  const p = await progressDisplay(io(false), {});
  p.update(1, 10);
  vi.advanceTimersByTime(4000);
  p.update(2, 10);
  expect(lines).toEqual([]);
  vi.advanceTimersByTime(2000);
  p.update(3, 10);
  expect(lines).toEqual(['capsim: 3/10 runs, 6 s elapsed, about 14 s left\n']);
  vi.advanceTimersByTime(1000);
  p.update(4, 10);
  expect(lines).toHaveLength(1);
  vi.advanceTimersByTime(300_000);
  p.update(5, 10);
  expect(lines[1]).toBe('capsim: 5/10 runs, 5 min elapsed, about 5 min left\n');
  p.stop();
});

test('--quiet shows nothing', async () => {
  const p = await progressDisplay(io(false), { quiet: true });
  vi.advanceTimersByTime(60_000);
  p.update(1, 2);
  p.stop();
  expect(lines).toEqual([]);
});
