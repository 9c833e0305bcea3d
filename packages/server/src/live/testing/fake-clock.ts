import type { SupervisorClock, TimerHandle } from '../supervisor-clock.js';

/** A manual clock for supervisor tests: time moves only through {@link FakeClock.advance}. */
export class FakeClock implements SupervisorClock {
  private now = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { atMs: number; callback: () => void }>();
  /** Values returned by random(), cycled; default 0.5 (no jitter). */
  randomValues: number[] = [0.5];
  private randomIndex = 0;

  nowMs(): number {
    return this.now;
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { atMs: this.now + delayMs, callback });
    return id;
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  random(): number {
    return this.randomValues[this.randomIndex++ % this.randomValues.length]!;
  }

  /** Pending timers. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers in time order (timers they set fire too if due). */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let due: [number, { atMs: number; callback: () => void }] | undefined;
      for (const entry of this.timers) {
        if (entry[1].atMs <= end && (!due || entry[1].atMs < due[1].atMs)) due = entry;
      }
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = Math.max(this.now, due[1].atMs);
      due[1].callback();
    }
    this.now = end;
  }
}
