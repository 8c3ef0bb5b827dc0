/**
 * How long one iteration (step) of a replica takes. The interface lives here with its
 * caller (the replica); implementations are the roofline (roofline.ts) and measured
 * profiles (profiles.ts).
 *
 * A step computes `tokens` new tokens (one per decoding sequence plus any prefill chunk
 * tokens). `attention` is the number of (query, key) pairs those tokens attend over, summed:
 * a decoding sequence with c cached tokens adds c + 1; a prefill chunk of q tokens after d
 * prefilled ones adds q·d + q(q+1)/2. `kvRead` is the number of cached tokens whose KV the
 * step reads (c + 1 for a decoding sequence, d + q for a chunk). In a decode step the two
 * are equal; in a prefill they differ by a factor of about half the prompt length.
 * `prefillTokens` is how many of `tokens` are prompt tokens (0 for a pure decode step).
 *
 * A decode span is n consecutive decode steps of the same `batch` sequences whose total
 * context before the span is `context0`: step j (0-based) attends to context0 + batch·(j+1)
 * tokens. `decodeSpanSeconds` must equal the sum of `stepSeconds` over those steps (to
 * floating-point rounding) while costing O(1) or O(log) rather than O(n): that is what
 * lets a replica skip per-token events (DESIGN.md "The engine").
 */
export interface StepTimeModel {
  /** Seconds for one step; positive and finite. */
  stepSeconds(tokens: number, attention: number, kvRead: number, prefillTokens: number): number;
  /** Seconds for decode steps 0..n-1 of a span. */
  decodeSpanSeconds(batch: number, context0: number, n: number): number;
  /** A short description for reports. */
  readonly description: string;
  /** Equal for two models that give the same step times (what results may be remembered by). */
  readonly key: string;
  /** The step's time term by term, where the model has terms (the roofline does; a measured profile does not). */
  breakdown?(tokens: number, attention: number, kvRead: number, prefillTokens: number): StepBreakdown;
}

/** One step's time, term by term (seconds); `total` = fixed + communication + max(compute, weights + kv). */
export interface StepBreakdown {
  readonly weights: number;
  readonly kv: number;
  readonly compute: number;
  readonly communication: number;
  readonly fixed: number;
  readonly total: number;
  /** Which side of the roofline the step is on. */
  readonly bound: 'memory' | 'compute';
}

/** Context attended by decode step j of a span. */
export function spanContext(batch: number, context0: number, j: number): number {
  return context0 + batch * (j + 1);
}

/** Σ_{j=j0}^{j1-1} (a + b·(context0 + batch·(j+1))): a line summed over part of a span. */
export function sumLinearOverSpan(a: number, b: number, batch: number, context0: number, j0: number, j1: number): number {
  const n = j1 - j0;
  if (n <= 0) return 0;
  const sumJ1 = (j1 * (j1 + 1)) / 2 - (j0 * (j0 + 1)) / 2; // Σ (j+1) for j in [j0, j1)
  return n * a + b * (n * context0 + batch * sumJ1);
}

/**
 * Smallest k in [0, n) with decodeSpanSeconds(k) >= elapsed, or n when there is none: the
 * first step boundary at or after `elapsed` seconds into the span (the step a request that
 * arrives then may join at). The same k a bisection of [0, n) finds, in fewer span sums
 * (it runs at every arrival that interrupts a span; bisection took about nine sums a
 * request of an hour-long replay): a span's time is nearly linear in its steps, so the
 * search starts where a straight line from 0 to the whole span puts the boundary, gallops
 * forward from there until the boundary is bracketed, then bisects the bracket.
 */
export function firstBoundaryAtOrAfter(model: StepTimeModel, batch: number, context0: number, n: number, elapsed: number): number {
  if (n <= 0) return 0;
  const whole = model.decodeSpanSeconds(batch, context0, n);
  // Span time never falls as k grows: if the whole span ends before `elapsed`, no k < n reaches it.
  if (!(whole >= elapsed)) return n;
  // Every k < lo falls short; k = hi reaches `elapsed` (or hi = n, not yet known).
  let lo = 0;
  let hi = n;
  const guess = Math.min(n - 1, Math.max(0, Math.floor((elapsed / whole) * n)));
  if (reaches(model, batch, context0, guess, elapsed)) hi = guess;
  else {
    // (Steps grow longer as the context does, so the line runs ahead of the span: the
    // boundary is mostly after the guess, a step or two.)
    lo = guess + 1;
    for (let step = 1; lo + step - 1 < hi; step *= 2) {
      if (reaches(model, batch, context0, lo + step - 1, elapsed)) {
        hi = lo + step - 1;
        break;
      }
      lo += step;
    }
  }
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (reaches(model, batch, context0, mid, elapsed)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Whether the first k steps of a span take `elapsed` seconds or more. (A function, not a closure: the search runs at every arrival, and closures are allocations.) */
function reaches(model: StepTimeModel, batch: number, context0: number, k: number, elapsed: number): boolean {
  return model.decodeSpanSeconds(batch, context0, k) >= elapsed;
}
