import { describe, expect, it } from 'vitest';
import { LineCounter, type CountingLine, type LineCounterOptions } from './line-counter.js';

/** Horizontal line y = 100 from x = 0 to x = 200 (drawn left to right: 'in' is downwards). */
const LINE: CountingLine = { ax: 0, ay: 100, bx: 200, by: 100, lengthM: 10 };

function run(path: [number, number][], options: Partial<LineCounterOptions> = {}, line = LINE): LineCounter {
  const counter = new LineCounter(line, options);
  path.forEach(([x, y], k) => counter.update([{ id: 1, xPx: x, yPx: y }], k * 0.04));
  return counter;
}

describe('LineCounter', () => {
  it.each([
    {
      name: 'walks down across',
      path: [
        [50, 90],
        [50, 95],
        [50, 99],
        [50, 103],
        [50, 106],
        [50, 110],
      ],
      inCount: 1,
      outCount: 0,
    },
    {
      name: 'walks up across',
      path: [
        [50, 110],
        [50, 104],
        [50, 97],
        [50, 94],
        [50, 90],
      ],
      inCount: 0,
      outCount: 1,
    },
    {
      name: 'jumps over the line in one step (fast mover)',
      path: [
        [50, 60],
        [50, 140],
        [50, 150],
        [50, 160],
      ],
      inCount: 1,
      outCount: 0,
    },
    {
      name: 'goes around the end of the line',
      path: [
        [250, 90],
        [260, 110],
        [250, 120],
        [240, 130],
      ],
      inCount: 0,
      outCount: 0,
    },
    {
      name: 'flickers across and back (inertia)',
      path: [
        [50, 97],
        [50, 103],
        [50, 97],
        [50, 103],
        [50, 97],
        [50, 96],
      ],
      inCount: 0,
      outCount: 0,
    },
    {
      name: 'wobbles inside the dead band',
      path: [
        [50, 90],
        [50, 99],
        [50, 101],
        [50, 99.5],
        [50, 100.8],
        [50, 90],
      ],
      inCount: 0,
      outCount: 0,
    },
    {
      name: 'crosses, comes back later: one each way',
      path: [
        [50, 90],
        [50, 110],
        [50, 112],
        [50, 113],
        [50, 95],
        [50, 90],
        [50, 88],
      ],
      inCount: 1,
      outCount: 1,
    },
    {
      name: 'is first seen on the line, then leaves (no crossing)',
      path: [
        [50, 100],
        [50, 105],
        [50, 110],
        [50, 115],
      ],
      inCount: 0,
      outCount: 0,
    },
  ] as { name: string; path: [number, number][]; inCount: number; outCount: number }[])(
    'a track that $name',
    ({ path, inCount, outCount }) => {
      const counter = run(path);
      expect([counter.inCount, counter.outCount]).toEqual([inCount, outCount]);
    },
  );

  it('counts a diagonal line by its normal, and crossings of many tracks in one update', () => {
    const counter = new LineCounter({ ax: 0, ay: 0, bx: 100, by: 100 });
    const ids = [1, 2, 3];
    // All three move from above-right of the diagonal (cross < 0) to below-left (cross > 0).
    for (let k = 0; k < 4; k++) {
      counter.update(
        ids.map((id) => ({ id, xPx: 20 * id + 10 - 6 * k, yPx: 20 * id - 10 + 6 * k })),
        k,
      );
    }
    expect([counter.inCount, counter.outCount]).toEqual([3, 0]);
  });

  it('reports flow per minute and per metre over a window', () => {
    const counter = new LineCounter(LINE);
    for (let id = 0; id < 6; id++) {
      const t0 = id * 5;
      counter.update([{ id, xPx: 20 + id, yPx: 90 }], t0);
      counter.update([{ id, xPx: 20 + id, yPx: 110 }], t0 + 0.5);
      counter.update([{ id, xPx: 20 + id, yPx: 112 }], t0 + 1);
    }
    expect(counter.inCount).toBe(6);
    const flow = counter.flow(26, 30); // window (-4, 26]: all 6 crossings
    expect(flow.inPerMin).toBeCloseTo(12, 9);
    expect(flow.flowPerMPerMin).toBeCloseTo(1.2, 9);
    expect(counter.flow(60, 30).inPerMin).toBe(0);
  });

  it('forgets tracks not seen for a while (a reused id starts fresh)', () => {
    const counter = new LineCounter(LINE, { forgetAfterS: 1 });
    counter.update([{ id: 1, xPx: 50, yPx: 90 }], 0);
    counter.update([], 5);
    counter.update([{ id: 1, xPx: 50, yPx: 110 }], 5.1);
    counter.update([{ id: 1, xPx: 50, yPx: 111 }], 5.2);
    expect(counter.inCount).toBe(0);
  });

  it('rejects a zero-length line', () => {
    expect(() => new LineCounter({ ax: 1, ay: 1, bx: 1, by: 1 })).toThrow(RangeError);
  });
});
