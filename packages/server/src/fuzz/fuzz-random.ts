import { SeededRandom } from '@raqib/core';

/** The fuzzer's deterministic random source: the same seed gives the same mutations everywhere. */
export class FuzzRandom {
  private readonly random: SeededRandom;

  constructor(seed: number) {
    this.random = new SeededRandom(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.random.next();
  }

  /** Integer in [0, n); 0 when n <= 0. */
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor(this.random.next() * n);
  }

  /** Integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.random.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)]!;
  }
}

/** A seed for case `index` of `kind` in a run seeded with `runSeed` (independent of the other kinds). */
export function caseSeed(runSeed: number, kind: string, index: number): number {
  let hash = 2166136261 ^ runSeed;
  for (const char of `${kind}#${index}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return hash >>> 0;
}
