import { describe, expect, it } from 'vitest';
import { medianOf, nearestNeighbourHeadSizesPx } from './head-size-proxy.js';

/** The obvious O(n²) definition, to check the pruned scan against. */
function bruteForce(pointsXy: Float64Array, capPx = 64): number[] {
  const n = pointsXy.length / 2;
  return Array.from({ length: n }, (_, i) => {
    let best = capPx;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      best = Math.min(
        best,
        Math.hypot(pointsXy[2 * j]! - pointsXy[2 * i]!, pointsXy[2 * j + 1]! - pointsXy[2 * i + 1]!),
      );
    }
    return best;
  });
}

describe('nearestNeighbourHeadSizesPx', () => {
  it('gives each head the distance to the nearest other head, capped at 64 px', () => {
    expect([...nearestNeighbourHeadSizesPx(Float64Array.of(0, 0, 3, 4, 100, 0))]).toEqual([5, 5, 64]);
  });

  it('gives the cap to a lone head or none', () => {
    expect([...nearestNeighbourHeadSizesPx(Float64Array.of(5, 5))]).toEqual([64]);
    expect(nearestNeighbourHeadSizesPx(new Float64Array(0))).toHaveLength(0);
    expect([...nearestNeighbourHeadSizesPx(Float64Array.of(0, 0, 10, 0), 8)]).toEqual([8, 8]);
  });

  it('agrees with the brute-force definition on random crowds, also where a far point has a near neighbour on its left', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const [n, sizePx] of [
      [50, 200],
      [400, 1000],
      [3, 30],
    ] as const) {
      const points = Float64Array.from({ length: 2 * n }, () => random() * sizePx);
      const got = nearestNeighbourHeadSizesPx(points);
      bruteForce(points).forEach((d, i) => expect(got[i]).toBeCloseTo(d, 9));
    }
    // Dense pair on the left, one point 40 px to the right: its neighbour is found scanning leftwards.
    expect([...nearestNeighbourHeadSizesPx(Float64Array.of(0, 0, 1, 0, 41, 0))]).toEqual([1, 1, 40]);
  });
});

describe('medianOf', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(medianOf([3, 1, 2])).toBe(2);
    expect(medianOf([4, 1, 3, 2])).toBe(2.5);
    expect(medianOf([10, 9, 1000, 2, 1])).toBe(9);
    expect(medianOf([])).toBeNaN();
  });
});
