import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { EventQueue, InvariantError, Simulation } from '../../src/engine/index.js';
import { openStream } from '../../src/random/index.js';

describe('EventQueue', () => {
  test('pops in time order, ties in insertion order, against a sort of 20,000 random events', () => {
    const q = new EventQueue();
    const rng = openStream(1, 'test');
    const events: { time: number; id: number }[] = [];
    for (let id = 0; id < 20_000; id++) {
      // Coarse times so that many tie.
      const time = Math.floor(rng() * 500);
      events.push({ time, id });
      q.push(time, 0, id, 0);
    }
    const expected = events.slice().sort((a, b) => a.time - b.time || a.id - b.id).map((e) => e.id);
    const popped: number[] = [];
    while (q.pop()) popped.push(q.topTarget);
    expect(popped).toEqual(expected);
    expect(q.size).toBe(0);
    expect(q.peekTime()).toBe(Infinity);
  });

  test('interleaved pushes and pops keep the order', () => {
    const q = new EventQueue();
    q.push(5, 1, 1, 0);
    q.push(1, 1, 2, 0);
    expect(q.pop()).toBe(true);
    expect(q.topTarget).toBe(2);
    q.push(3, 1, 3, 7);
    q.push(5, 1, 4, 0);
    expect(q.pop() && q.topTarget).toBe(3);
    expect(q.topGen).toBe(7);
    expect(q.pop() && q.topTarget).toBe(1);
    expect(q.pop() && q.topTarget).toBe(4);
    expect(q.pop()).toBe(false);
  });
});

describe('EventQueue against a sorted list', () => {
  test('any mix of pushes and pops gives back each event whole (kind, target, generation), earliest first, ties in insertion order', () => {
    // A push is a coarse time (so that many tie); a pop is null. Enough pushes to grow the queue past its first 64 slots.
    const op = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 40 }) }, { weight: 2, arbitrary: fc.constant(null) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), (ops) => {
        const q = new EventQueue();
        const pending: { time: number; seq: number }[] = [];
        let seq = 0;
        let floor = 0;
        for (const o of ops) {
          if (o !== null) {
            // Times never go below the last one popped, as in a simulation.
            const time = floor + o;
            pending.push({ time, seq });
            q.push(time, seq % 7, seq, seq * 3);
            seq++;
            continue;
          }
          pending.sort((a, b) => a.time - b.time || a.seq - b.seq);
          const next = pending.shift();
          if (!next) {
            if (q.pop()) return false;
            continue;
          }
          if (!q.pop() || q.topTime !== next.time || q.topTarget !== next.seq || q.topKind !== next.seq % 7 || q.topGen !== next.seq * 3) return false;
          floor = next.time;
        }
        return q.size === pending.length;
      }),
      { numRuns: 300 },
    );
  });
});

describe('Simulation', () => {
  test('scheduling before now throws an InvariantError', () => {
    const sim = new Simulation();
    const kind = sim.register(() => {
      sim.schedule(1, kind);
    });
    sim.schedule(2, kind);
    expect(() => sim.runUntil(10)).toThrow(InvariantError);
  });

  test('scheduling at a non-finite time throws', () => {
    const sim = new Simulation();
    const kind = sim.register(() => {});
    expect(() => sim.schedule(NaN, kind)).toThrow(InvariantError);
    expect(() => sim.schedule(Infinity, kind)).toThrow(InvariantError);
  });

  test('runUntil fires events at or before the horizon, leaves later ones, and sets now', () => {
    const sim = new Simulation();
    const fired: number[] = [];
    const kind = sim.register((target, _gen, now) => fired.push(target * 100 + now));
    sim.schedule(1, kind, 1);
    sim.schedule(10, kind, 2);
    sim.schedule(11, kind, 3);
    sim.runUntil(10);
    expect(fired).toEqual([101, 210]);
    expect(sim.now).toBe(10);
    expect(sim.pendingEvents).toBe(1);
  });

  test('tick loops fire at start + k·interval exactly, with no drift', () => {
    const sim = new Simulation();
    const times: number[] = [];
    sim.every(0.1, 0.1, (_k, now) => times.push(now));
    sim.runUntil(999.95);
    expect(times.length).toBe(9_999);
    // A running sum of 0.1 drifts by ~1e-12 over 10,000 steps; start + k·interval does not.
    for (let k = 0; k < times.length; k++) expect(times[k]).toBe(0.1 + k * 0.1);
  });
});
