/**
 * Where a run's requests come from: a synthetic generator (arrival process + request
 * classes with length distributions) or a replayed trace. Either way the simulation pulls
 * one request at a time, so memory does not grow with the number of requests.
 *
 * Streams: arrival times from 'arrivals', burst states from 'arrivals'/'bursts', the class
 * of each request from 'classes' (only with several classes), lengths from 'lengths',
 * trace thinning and duplication from 'arrivals'/'trace'. Every plan of a run sees the
 * same requests.
 */
import { join, isAbsolute } from 'node:path';
import type { Slo } from '../metrics/index.js';
import { makeSampler, openStream, type Distribution, type Rng, type Sampler } from '../random/index.js';
import { DEFAULT_SLO_TARGET, InputError, type TraceSpec, type Workload } from '../scenario/index.js';
import { makeArrivals } from './arrivals.js';
import { TraceReader, type TraceRow } from './trace.js';
import { summarizeTrace } from './trace-stats.js';

export interface ArrivalRecord {
  time: number;
  input: number;
  output: number;
  classId: number;
}

export interface RequestSource {
  /** Fills `r` with the next request; false when there are no more. */
  next(r: ArrivalRecord): boolean;
  /** Trace rows skipped as malformed (with skipBadRows). */
  readonly skippedRows: number;
  close(): void;
}

/** A request class with everything resolved: the one default class when none are given. */
export interface ResolvedClass {
  readonly name: string;
  readonly share: number;
  readonly input: Distribution | undefined;
  readonly output: Distribution | undefined;
  readonly slo: Slo;
  /** Share of arrived requests that must succeed (within the SLO) for a plan to be eligible; undefined without an SLO. */
  readonly target: number | undefined;
  readonly sensitive: boolean;
  /** Work that may wait: done within this many seconds of arrival, or it fails (batch priority) or is late. */
  readonly deadline: number | undefined;
  readonly complexity: string | undefined;
  readonly sharedPrefix: number | undefined;
  readonly maxInput: number | undefined;
}

export function workloadClasses(w: Workload): ResolvedClass[] {
  if (!w.classes) {
    const slo = { ttft: w.slo?.ttft, e2e: w.slo?.e2e };
    return [{ name: 'default', share: 1, input: w.input, output: w.output, slo, target: sloTarget(slo, w.slo?.target), sensitive: false, deadline: undefined, complexity: undefined, sharedPrefix: undefined, maxInput: undefined }];
  }
  return w.classes.map((c) => {
    const e2e = c.deadline !== undefined ? Math.min(c.deadline, c.slo?.e2e ?? Infinity) : c.slo?.e2e;
    return {
      name: c.name,
      share: c.share,
      input: c.input,
      output: c.output,
      slo: { ttft: c.slo?.ttft, e2e },
      target: sloTarget({ ttft: c.slo?.ttft, e2e }, c.slo?.target),
      sensitive: c.sensitive,
      deadline: c.deadline,
      complexity: c.complexity,
      sharedPrefix: c.sharedPrefix,
      maxInput: c.maxInput,
    };
  });
}

/** The attainment target: as given, else the default when any latency limit is set. */
function sloTarget(slo: Slo, given: number | undefined): number | undefined {
  if (given !== undefined) return given;
  return slo.ttft !== undefined || slo.e2e !== undefined ? DEFAULT_SLO_TARGET : undefined;
}

/** The first class whose maxInput holds the request's input tokens; the last class takes the rest. */
function byInputLength(classes: readonly ResolvedClass[]): (input: number) => number {
  return (input) => {
    for (let i = 0; i < classes.length - 1; i++) if (input <= (classes[i]!.maxInput ?? Infinity)) return i;
    return classes.length - 1;
  };
}

/** Picks a class index by share. */
function classPicker(classes: readonly ResolvedClass[], rng: Rng): () => number {
  if (classes.length === 1) return () => 0;
  const total = classes.reduce((a, c) => a + c.share, 0);
  const cumulative = classes.map(((sum) => (c: ResolvedClass) => (sum += c.share / total))(0));
  return () => {
    const u = rng();
    for (let i = 0; i < cumulative.length - 1; i++) if (u < cumulative[i]!) return i;
    return cumulative.length - 1;
  };
}

export interface SourceOptions {
  readonly seed: number;
  readonly horizon: number;
  /** Folder that relative trace paths start from (the scenario file's). */
  readonly baseDir: string;
}

export function makeRequestSource(w: Workload, opts: SourceOptions): RequestSource {
  const classes = workloadClasses(w);
  const pickClass = classPicker(classes, openStream(opts.seed, 'classes'));
  if (w.trace) return new TraceSource(w.trace, opts, w.trace.classBy === 'inputLength' ? byInputLength(classes) : () => pickClass());
  const lengthsRng = openStream(opts.seed, 'lengths');
  const samplers = classes.map((c) => ({ input: c.input ? makeSampler(c.input) : undefined, output: c.output ? makeSampler(c.output) : undefined }));
  // Plain-server workloads have no lengths: no draws keeps their hot loop lean.
  const tokens = (sample: Sampler | undefined) => (sample ? Math.max(1, Math.round(sample(lengthsRng))) : 1);
  const arrivals = makeArrivals(w.arrivals!, opts.horizon, openStream(opts.seed, 'arrivals'), openStream(opts.seed, 'arrivals', 'bursts'));
  if (classes.length === 1 && !samplers[0]!.input && !samplers[0]!.output) {
    // One class without lengths (plain servers): only times to draw.
    return {
      next(r) {
        r.time = arrivals.next();
        r.input = 1;
        r.output = 1;
        r.classId = 0;
        return r.time !== Infinity;
      },
      skippedRows: 0,
      close() {},
    };
  }
  return {
    next(r) {
      r.time = arrivals.next();
      r.classId = pickClass();
      const s = samplers[r.classId]!;
      r.input = tokens(s.input);
      r.output = tokens(s.output);
      return r.time !== Infinity;
    },
    skippedRows: 0,
    close() {},
  };
}

/**
 * Replays a trace: times relative to its first row, divided by `timeScale`; volume changed
 * by thinning or duplicating rows (keeping the shape); optionally looped past its end.
 */
class TraceSource implements RequestSource {
  private reader: TraceReader;
  private readonly path: string;
  private readonly row: TraceRow = { time: 0, input: 0, output: 0 };
  private readonly rng: Rng;
  private readonly volume: number;
  private first = NaN;
  private offset = 0;
  private lastTime = 0;
  private copiesLeft = 0;
  private lastEmitted = -Infinity;
  private skipped = 0;

  constructor(
    private readonly spec: TraceSpec,
    opts: SourceOptions,
    private readonly pickClass: (input: number) => number,
  ) {
    this.path = isAbsolute(spec.file) ? spec.file : join(opts.baseDir, spec.file);
    this.rng = openStream(opts.seed, 'arrivals', 'trace');
    this.reader = this.open();
    this.volume = spec.volumeScale ?? (spec.targetRate !== undefined ? spec.targetRate / (traceRate(this.path, spec) * spec.timeScale) : 1);
  }

  get skippedRows(): number {
    return this.skipped + this.reader.skipped;
  }

  private open(): TraceReader {
    return new TraceReader(this.path, { format: this.spec.format, columns: this.spec.columns, skipBadRows: this.spec.skipBadRows });
  }

  next(r: ArrivalRecord): boolean {
    while (this.copiesLeft === 0) {
      if (!this.reader.next(this.row)) {
        if (!this.spec.loop || this.reader.rows === 0) return false;
        // Start over after the last request, one mean gap later.
        const rows = this.reader.rows;
        // A pass that takes no time would loop forever at one instant.
        if (!(this.lastTime - this.offset > 0)) throw new InputError(`workload.trace.loop: ${this.path} spans no time (all its rows are at one instant, or timeScale makes its span zero), so it cannot be looped; replay it once, or use a trace whose rows are spread over time`);
        this.skipped += this.reader.skipped;
        this.reader.close();
        // (The gap is this pass's span over its gaps; the span is lastTime − offset, not lastTime,
        // which grows with every pass.)
        this.offset = this.lastTime + (this.lastTime - this.offset) / Math.max(1, rows - 1);
        this.first = NaN;
        this.reader = this.open();
        continue;
      }
      if (Number.isNaN(this.first)) this.first = this.row.time;
      // A whole volume draws nothing (this stream serves only these draws).
      const whole = Math.floor(this.volume);
      this.copiesLeft = whole === this.volume ? whole : whole + (this.rng() < this.volume - whole ? 1 : 0);
    }
    this.copiesLeft--;
    const t = this.offset + (this.row.time - this.first) / this.spec.timeScale;
    this.lastTime = t;
    // Copies of a row arrive at the row's time (the event queue keeps their order), and time
    // never runs backwards: a row stamped before the one replayed last arrives with it.
    r.time = Math.max(t, this.lastEmitted);
    this.lastEmitted = r.time;
    r.input = Math.max(1, this.row.input);
    r.output = Math.max(1, this.row.output);
    r.classId = this.pickClass(r.input);
    return true;
  }

  close(): void {
    this.reader.close();
  }
}

/** Mean requests per second of a whole trace: rows over span, the `mean rate` of `capsim trace stats`. */
export function traceRate(path: string, spec: Pick<TraceSpec, 'format' | 'columns' | 'skipBadRows'>): number {
  const { rows, span_s } = summarizeTrace(path, path, { format: spec.format, columns: spec.columns, skipBadRows: spec.skipBadRows }).stats;
  return span_s > 0 ? rows / span_s : NaN;
}
