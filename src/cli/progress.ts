/**
 * How a long study shows it is alive, on stderr: on a terminal a bar with the runs done,
 * the time elapsed and an estimate of the time left (cli-progress); elsewhere (CI logs, a
 * batch job's output) a line every few seconds once the study has run that long; nothing
 * with --quiet. Ctrl-C stops the bar first, so the terminal gets its cursor and line wrap
 * back, says where the finished cells are, and exits.
 */
import type { CliIo } from './io.js';
import { thousands } from '../report/format.js';

/** Seconds between lines when stderr is not a terminal. */
const LINE_EVERY = 5;

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export async function progressDisplay(io: CliIo, options: { quiet?: boolean | undefined; what?: string }): Promise<Progress> {
  const what = options.what ?? 'runs';
  if (options.quiet) return { update: () => {}, stop: () => {} };
  const started = Date.now();
  if (io.interactive) {
    // cli-progress is loaded only when a bar is drawn.
    const { SingleBar } = await import('cli-progress');
    const bar = new SingleBar({
      format: `simulating {bar} {value}/{total} ${what} | {duration_formatted} elapsed | ETA {eta_formatted}`,
      clearOnComplete: true,
      etaBuffer: 50,
      stream: process.stderr,
    });
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, done);
          started = true;
        }
        bar.setTotal(total);
        bar.update(done);
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let last = started;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < LINE_EVERY * 1000) return;
      last = now;
      const elapsed = (now - started) / 1000;
      const left = done > 0 ? (elapsed * (total - done)) / done : NaN;
      io.stderr(`capsim: ${thousands(done)}/${thousands(total)} ${what}, ${duration(elapsed)} elapsed, about ${duration(left)} left\n`);
    },
    stop() {},
  };
}

/**
 * While `body` runs, Ctrl-C (SIGINT) or SIGTERM stops the progress display, prints `kept`
 * (where the finished work is) and exits with 128 + the signal's number.
 */
export async function untilInterrupted<T>(io: CliIo, progress: Progress, kept: () => string, body: () => Promise<T>): Promise<T> {
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => {
      progress.stop();
      io.stderr(`\ncapsim: interrupted. ${kept()}\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  try {
    return await body();
  } finally {
    progress.stop();
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
}
