/**
 * A streaming latency histogram with log-spaced buckets.
 *
 * Memory is fixed (about 1,600 counters) whatever the number of values. Bucket edges grow
 * by a factor GROWTH = 1.02 from MIN_VALUE; a value is reported as its bucket's geometric
 * midpoint, so a quantile is within ±1% of the true value (plus at most MIN_VALUE
 * absolutely, for values below MIN_VALUE). The mean is exact. Histograms merge by
 * adding counts, so runs can be pooled.
 *
 * Imports nothing of the domain.
 */
export const MIN_VALUE = 1e-6;
export const MAX_VALUE = 1e8;
export const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
/** Bucket 0 holds values below MIN_VALUE; the last bucket holds values above MAX_VALUE. */
export const BUCKETS = Math.ceil(Math.log(MAX_VALUE / MIN_VALUE) / LOG_GROWTH) + 2;

export interface LatencySummary {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  count: number;
}

/** The bucket a value belongs to: 0 below MIN_VALUE, else 1 + floor(log(value / MIN_VALUE) / log(GROWTH)), capped at the last. */
export function bucketByLog(value: number): number {
  if (value < MIN_VALUE) return 0;
  const bucket = 1 + Math.floor(Math.log(value / MIN_VALUE) / LOG_GROWTH);
  return bucket >= BUCKETS ? BUCKETS - 1 : bucket;
}

/*
 * `bucketByLog` without the logarithm for nearly every value: a histogram records a value
 * or two per request, and Math.log was ~35 ns of each, a tenth of a plain server's request
 * (issue 17: the engine loop). Same bucket, every time:
 *
 * - Each bucket has a safe interval, its edges MIN_VALUE·GROWTH^(b−1) and MIN_VALUE·GROWTH^b
 *   pulled in by SAFE_MARGIN (relative). The logarithm's rounding moves the quotient by
 *   ~1e-12 at most, where the margin is worth 5e-8 of it: inside the safe interval, the
 *   formula cannot give another bucket. A value in a margin (about one in 10^7), or
 *   outside the table's range, takes the formula.
 * - The value's binary exponent and the top 6 bits of its mantissa name a slot of the table;
 *   a slot is narrower (1/64) than a bucket (2%), so the value's bucket is the slot's first
 *   or one of the next two, found by comparing with the safe intervals' lower ends.
 */
const SAFE_MARGIN = 1e-9;
/** The table covers values from 2^LOW_EXPONENT (just under MIN_VALUE) for BINADES binary orders of magnitude, to 2^26 (under MAX_VALUE). */
const LOW_EXPONENT = -20;
const BINADES = 46;
const SLOT_BITS = 6;
let safeFrom: Float64Array | undefined;
let safeTo: Float64Array | undefined;
let firstBucketOfSlot: Uint16Array | undefined;
/** A double's bits, read through a second view of the same 8 bytes; the high word is the exponent's. */
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HIGH_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Fills the tables once, when the first histogram is made (~0.1 ms), not at import. */
function buildBucketTables(): void {
  if (firstBucketOfSlot) return;
  const from = new Float64Array(BUCKETS + 1);
  const to = new Float64Array(BUCKETS + 1);
  for (let b = 1; b < BUCKETS; b++) {
    from[b] = MIN_VALUE * Math.exp((b - 1) * LOG_GROWTH) * (1 + SAFE_MARGIN);
    to[b] = MIN_VALUE * Math.exp(b * LOG_GROWTH) * (1 - SAFE_MARGIN);
  }
  // Bucket 0 is decided by comparison alone; the last bucket (everything above) always takes the formula.
  from[BUCKETS] = Infinity;
  to[BUCKETS - 1] = -Infinity;
  const slots = new Uint16Array(BINADES << SLOT_BITS);
  let b = 1;
  for (let slot = 0; slot < slots.length; slot++) {
    const start = 2 ** (LOW_EXPONENT + (slot >> SLOT_BITS)) * (1 + (slot & ((1 << SLOT_BITS) - 1)) / (1 << SLOT_BITS));
    while (from[b + 1]! <= start) b++;
    slots[slot] = b;
  }
  safeFrom = from;
  safeTo = to;
  firstBucketOfSlot = slots;
}

/** The bucket of a value, as `bucketByLog` gives it. */
function bucketOf(value: number): number {
  if (value < MIN_VALUE) return 0;
  bits[0] = value;
  const high = words[HIGH_WORD]!;
  const binade = (high >>> 20) - (1023 + LOW_EXPONENT);
  if (binade >= 0 && binade < BINADES) {
    const from = safeFrom!;
    let b = firstBucketOfSlot![(binade << SLOT_BITS) | ((high >>> (20 - SLOT_BITS)) & ((1 << SLOT_BITS) - 1))]!;
    while (value >= from[b + 1]!) b++;
    if (value >= from[b]! && value < safeTo![b]!) return b;
  }
  return bucketByLog(value);
}

export class LogHistogram {
  readonly counts = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  constructor() {
    buildBucketTables();
  }

  record(value: number): void {
    const bucket = bucketOf(value);
    this.counts[bucket]!++;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  merge(other: LogHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  /** Adds a serialized histogram's counts, without building a histogram for it. */
  mergeSerialized(data: SerializedHistogram): void {
    for (const [i, n] of data.buckets) this.counts[i]! += n;
    this.count += data.count;
    this.sum += data.sum;
    if (data.count > 0 && data.min < this.min) this.min = data.min;
    if (data.count > 0 && data.max > this.max) this.max = data.max;
  }

  /**
   * Adds a histogram packed by `packHistogram` at `at` in `packed`; returns where the next
   * one starts. (What a worker thread sends instead of the serialized form: one typed array
   * clones as a block of bytes, where bucket pairs clone as one small array each.)
   */
  mergePacked(packed: Float64Array, at: number): number {
    const count = packed[at]!;
    const min = packed[at + 2]!;
    const max = packed[at + 3]!;
    const pairs = packed[at + 4]!;
    let i = at + 5;
    for (const end = i + 2 * pairs; i < end; i += 2) this.counts[packed[i]!]! += packed[i + 1]!;
    this.count += count;
    this.sum += packed[at + 1]!;
    if (count > 0 && min < this.min) this.min = min;
    if (count > 0 && max > this.max) this.max = max;
    return i;
  }

  mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  /** Nearest-rank quantile, q in [0, 1]; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return this.clamp(bucketValue(i));
    }
    return this.max;
  }

  summary(): LatencySummary {
    return {
      mean: this.mean(),
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      p999: this.quantile(0.999),
      count: this.count,
    };
  }

  /** Plain data for crossing a worker boundary: only non-empty buckets. */
  toJSON(): SerializedHistogram {
    const buckets: [number, number][] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]! > 0) buckets.push([i, this.counts[i]!]);
    return { count: this.count, sum: this.sum, min: this.min, max: this.max, buckets };
  }

  static fromJSON(data: SerializedHistogram): LogHistogram {
    const h = new LogHistogram();
    for (const [i, n] of data.buckets) h.counts[i] = n;
    h.count = data.count;
    h.sum = data.sum;
    h.min = data.count === 0 ? Infinity : data.min;
    h.max = data.count === 0 ? -Infinity : data.max;
    return h;
  }

  private clamp(v: number): number {
    return v < this.min ? this.min : v > this.max ? this.max : v;
  }
}

export interface SerializedHistogram {
  count: number;
  sum: number;
  min: number;
  max: number;
  buckets: [number, number][];
}

/** How many numbers `packHistogram` writes for `h`. */
export function packedLength(h: SerializedHistogram): number {
  return 5 + 2 * h.buckets.length;
}

/**
 * Writes a serialized histogram into `out` from `at` as count, sum, min, max, the number of
 * buckets, then each bucket's index and count; returns where the next one starts.
 */
export function packHistogram(h: SerializedHistogram, out: Float64Array, at: number): number {
  out[at++] = h.count;
  out[at++] = h.sum;
  out[at++] = h.min;
  out[at++] = h.max;
  out[at++] = h.buckets.length;
  for (const [i, n] of h.buckets) {
    out[at++] = i;
    out[at++] = n;
  }
  return at;
}

/** The value a bucket stands for: 0 for the underflow bucket, else its geometric midpoint. */
function bucketValue(bucket: number): number {
  if (bucket === 0) return 0;
  return MIN_VALUE * Math.pow(GROWTH, bucket - 0.5);
}
