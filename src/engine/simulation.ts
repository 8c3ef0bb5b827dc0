/**
 * The simulated clock and the event loop.
 *
 * Stateful parts of a model register a handler and get back an event kind; they schedule
 * events of that kind with a target (which replica, which request) and a generation.
 * A handler that wants to cancel an event it scheduled bumps its own generation and
 * ignores stale ones when they pop: nothing is ever searched for in the heap.
 * Simulated time never goes backwards: scheduling in the past throws.
 *
 * Imports nothing of the domain.
 */
import { EventQueue } from './event-queue.js';

/** Handles one event: what it is about (`target`), its generation, and the time it fires. */
export type EventHandler = (target: number, gen: number, now: number) => void;

export class InvariantError extends Error {
  constructor(message: string, readonly simTime: number) {
    super(`${message} (at simulated time ${simTime})`);
    this.name = 'InvariantError';
  }
}

export class Simulation {
  /** Current simulated time in seconds. */
  now = 0;
  private readonly queue = new EventQueue();
  private readonly handlers: EventHandler[] = [];
  private processed = 0;

  /** Registers a handler; the returned kind is what `schedule` takes. */
  register(handler: EventHandler): number {
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  schedule(at: number, kind: number, target = 0, gen = 0): void {
    if (!(at >= this.now) || at === Infinity) {
      throw new InvariantError(`event of kind ${kind} scheduled at ${at}, before now or not finite`, this.now);
    }
    this.queue.push(at, kind, target, gen);
  }

  /**
   * Runs a tick loop: `onTick(k, time)` at start, start + interval, start + 2·interval, …
   * Each time is computed as start + k·interval, never as a running sum, so it does not drift.
   */
  every(interval: number, start: number, onTick: (k: number, now: number) => void): void {
    if (!(interval > 0)) throw new InvariantError(`tick interval must be positive, got ${interval}`, this.now);
    const kind = this.register((k, _gen, now) => {
      onTick(k, now);
      this.schedule(start + (k + 1) * interval, kind, k + 1);
    });
    this.schedule(start, kind, 0);
  }

  /** Earliest pending event time, or Infinity. */
  peekTime(): number {
    return this.queue.peekTime();
  }

  get eventsProcessed(): number {
    return this.processed;
  }

  get pendingEvents(): number {
    return this.queue.size;
  }

  /** Fires every event with time <= horizon in (time, insertion) order, then sets now = horizon. */
  runUntil(horizon: number): void {
    const queue = this.queue;
    const handlers = this.handlers;
    while (queue.size > 0 && queue.peekTime() <= horizon) {
      queue.pop();
      this.now = queue.topTime;
      this.processed++;
      handlers[queue.topKind]!(queue.topTarget, queue.topGen, queue.topTime);
    }
    if (horizon > this.now) this.now = horizon;
  }
}
