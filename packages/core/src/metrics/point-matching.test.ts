import { describe, expect, it } from 'vitest';
import { matchPoints } from './point-matching.js';

/** Reference maximum matching size (Kuhn's augmenting paths over all pairs within the radius). */
function maximumMatching(predicted: number[], truth: number[], radius: number): number {
  const np = predicted.length / 2;
  const nt = truth.length / 2;
  const adjacent: number[][] = [];
  for (let p = 0; p < np; p++) {
    adjacent.push([]);
    for (let t = 0; t < nt; t++) {
      if (Math.hypot(predicted[2 * p]! - truth[2 * t]!, predicted[2 * p + 1]! - truth[2 * t + 1]!) <= radius) {
        adjacent[p]!.push(t);
      }
    }
  }
  const owner = new Int32Array(nt).fill(-1);
  const tryAugment = (p: number, seen: Uint8Array): boolean => {
    for (const t of adjacent[p]!) {
      if (seen[t]) continue;
      seen[t] = 1;
      if (owner[t]! < 0 || tryAugment(owner[t]!, seen)) {
        owner[t] = p;
        return true;
      }
    }
    return false;
  };
  let size = 0;
  for (let p = 0; p < np; p++) if (tryAugment(p, new Uint8Array(nt))) size++;
  return size;
}

function expectValid(result: ReturnType<typeof matchPoints>, predicted: number[], truth: number[], radius: number) {
  let pairs = 0;
  result.predictedToTruth.forEach((t, p) => {
    if (t < 0) return;
    pairs++;
    expect(result.truthToPredicted[t]).toBe(p);
    const d = Math.hypot(predicted[2 * p]! - truth[2 * t]!, predicted[2 * p + 1]! - truth[2 * t + 1]!);
    expect(d).toBeLessThanOrEqual(radius);
  });
  expect(pairs).toBe(result.matched);
  expect(result.truthToPredicted.filter((p) => p >= 0).length).toBe(result.matched);
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('matchPoints', () => {
  it.each([
    { name: 'no points', predicted: [], truth: [], radius: 8, matched: 0 },
    { name: 'no predictions', predicted: [], truth: [5, 5], radius: 8, matched: 0 },
    { name: 'within radius', predicted: [0, 0], truth: [3, 4], radius: 5, matched: 1 },
    { name: 'radius is inclusive', predicted: [0, 0], truth: [6, 8], radius: 10, matched: 1 },
    { name: 'just outside', predicted: [0, 0], truth: [6, 8.01], radius: 10, matched: 0 },
    { name: 'one-to-one: two predictions, one head', predicted: [0, 0, 1, 0], truth: [0.5, 0], radius: 8, matched: 1 },
    // Nearest-first would pair p0-t1 (distance 1) and leave p1 alone; the optimum matches both.
    {
      name: 'maximises pairs over nearest-first',
      predicted: [0, 0, 8, 0],
      truth: [-7, 0, 1, 0],
      radius: 8,
      matched: 2,
    },
  ])('$name', ({ predicted, truth, radius, matched }) => {
    const result = matchPoints(predicted, truth, radius);
    expect(result.matched).toBe(matched);
    expectValid(result, predicted, truth, radius);
  });

  it('prefers the closer pairing when the number of pairs ties', () => {
    const result = matchPoints([0, 0, 10, 0], [1, 0, 11, 0], 12);
    expect(Array.from(result.predictedToTruth)).toEqual([0, 1]);
  });

  it('rejects a negative radius', () => {
    expect(() => matchPoints([0, 0], [0, 0], -1)).toThrow(RangeError);
  });

  it('finds the maximum number of pairs on random scenes (exact groups)', () => {
    const rand = seeded(11);
    for (let trial = 0; trial < 40; trial++) {
      const predicted = Array.from({ length: 2 * Math.floor(rand() * 40) }, () => rand() * 100);
      const truth = Array.from({ length: 2 * Math.floor(rand() * 40) }, () => rand() * 100);
      const radius = 4 + rand() * 12;
      const result = matchPoints(predicted, truth, radius);
      expectValid(result, predicted, truth, radius);
      expect(result.matched).toBe(maximumMatching(predicted, truth, radius));
    }
  });

  it('finds the maximum number of pairs when dense groups are split into blocks', () => {
    const rand = seeded(5);
    const predicted = Array.from({ length: 2 * 300 }, () => rand() * 200);
    const truth = Array.from({ length: 2 * 300 }, () => rand() * 200);
    const result = matchPoints(predicted, truth, 16, { exactLimit: 16 });
    expectValid(result, predicted, truth, 16);
    const best = maximumMatching(predicted, truth, 16);
    expect(result.matched).toBe(best);
  });

  it('matches a dense crowd of 4000 heads quickly and optimally', () => {
    // Heads every 9 px (denser than the 16 px radius: one connected group), predictions jittered
    // by up to 4 px, 10% missed, 10% false alarms.
    const rand = seeded(3);
    const truth: number[] = [];
    const predicted: number[] = [];
    for (let row = 0; row < 50; row++) {
      for (let col = 0; col < 80; col++) {
        const x = col * 9 + rand() * 3;
        const y = row * 9 + rand() * 3;
        truth.push(x, y);
        if (rand() > 0.1) predicted.push(x + (rand() - 0.5) * 8, y + (rand() - 0.5) * 8);
        if (rand() < 0.1) predicted.push(rand() * 720, rand() * 450);
      }
    }
    const started = performance.now();
    const result = matchPoints(predicted, truth, 16);
    const elapsedMs = performance.now() - started;
    expectValid(result, predicted, truth, 16);
    const best = maximumMatching(predicted, truth, 16);
    expect(result.matched).toBe(best);
    expect(elapsedMs).toBeLessThan(3000);
  });
});
