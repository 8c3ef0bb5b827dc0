/**
 * A time series in bounded memory: fixed-interval points of a few named fields. When it
 * holds `maxPoints` points it merges neighbours pairwise (averaging them) and doubles its
 * interval, so a month of one-minute samples and a day of them take the same memory. Every
 * field is a level or a rate over its interval, so averaging is the right merge.
 *
 * Imports nothing of the domain.
 */
export interface SerializedSeries {
  /** Seconds between points (each point averages its interval; the last may cover less). */
  readonly interval: number;
  /** Time at the end of each point's interval (the span of point i is time[i] − time[i−1]). */
  readonly time: readonly number[];
  readonly fields: Readonly<Record<string, readonly number[]>>;
}

export class DownsampledSeries {
  private readonly columns: number[][];
  private interval: number;
  /** Raw samples folded into the point being built (after a merge, 2^k samples make a point). */
  private perPoint = 1;
  private pending: number[];
  private pendingCount = 0;
  private readonly times: number[] = [];
  private lastTime = 0;

  constructor(
    readonly fields: readonly string[],
    sampleInterval: number,
    private maxPoints: number,
  ) {
    if (!(maxPoints >= 2)) throw new RangeError('a series needs room for at least 2 points');
    // An even number of points halves without a remainder.
    this.maxPoints = 2 * Math.ceil(maxPoints / 2);
    this.columns = fields.map(() => []);
    this.interval = sampleInterval;
    this.pending = fields.map(() => 0);
  }

  /** Adds one sample (values in field order) taken at `time`, the end of its interval. */
  push(time: number, values: readonly number[]): void {
    this.lastTime = time;
    for (let f = 0; f < this.fields.length; f++) this.pending[f]! += values[f]!;
    this.pendingCount++;
    if (this.pendingCount < this.perPoint) return;
    for (let f = 0; f < this.fields.length; f++) this.columns[f]!.push(this.pending[f]! / this.pendingCount);
    this.times.push(time);
    this.pending = this.fields.map(() => 0);
    this.pendingCount = 0;
    if (this.times.length >= this.maxPoints) this.halve();
  }

  private halve(): void {
    const n = Math.floor(this.times.length / 2);
    for (const column of this.columns) {
      for (let i = 0; i < n; i++) column[i] = (column[2 * i]! + column[2 * i + 1]!) / 2;
      column.length = n;
    }
    for (let i = 0; i < n; i++) this.times[i] = this.times[2 * i + 1]!;
    this.times.length = n;
    this.interval *= 2;
    this.perPoint *= 2;
  }

  /** The points, with the samples not yet making a whole point as a last, shorter one. */
  toJSON(): SerializedSeries {
    const partial = this.pendingCount > 0;
    const time = partial ? [...this.times, this.lastTime] : [...this.times];
    return {
      interval: this.interval,
      time,
      fields: Object.fromEntries(this.fields.map((f, i) => [f, partial ? [...this.columns[i]!, this.pending[i]! / this.pendingCount] : [...this.columns[i]!]])),
    };
  }
}
