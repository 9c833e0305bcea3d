/** A source of uniform random numbers in [0, 1). */
export type RandomSource = () => number;

/**
 * A small seeded pseudo-random generator (mulberry32) for reproducible tests and benchmarks.
 * Not cryptographic.
 *
 * @example const random = seededRandom(42); random(); // 0.6011...
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The platform's cryptographic generator (Web Crypto, in Node and browsers), else Math.random. */
export function defaultRandom(): RandomSource {
  const webCrypto = (globalThis as { crypto?: { getRandomValues(array: Uint32Array): Uint32Array } }).crypto;
  if (webCrypto) {
    const buffer = new Uint32Array(1);
    return () => webCrypto.getRandomValues(buffer)[0]! / 4294967296;
  }
  return Math.random;
}

const MASK31 = 0x7fffffff;

/**
 * Hands out track ids that are random per session: positive int32 values, unique within this source
 * and unrelated to any other session or stream, so an id never identifies a person across sessions.
 * Ids are a keyed permutation of a counter (random keys drawn once), so uniqueness needs no memory.
 *
 * @example const ids = new TrackIdSource(seededRandom(1)); ids.next(); // e.g. 1290831872
 */
export class TrackIdSource {
  private readonly keys: Uint32Array;
  private counter = 0;

  constructor(random: RandomSource = defaultRandom()) {
    this.keys = new Uint32Array(6);
    for (let k = 0; k < this.keys.length; k++) this.keys[k] = Math.floor(random() * 0x80000000) & MASK31;
  }

  /** A fresh id in 1..2^31-1 never returned before by this source (2^31 - 1 ids per session). */
  next(): number {
    for (;;) {
      this.counter = (this.counter + 1) & MASK31;
      const id = this.permute(this.counter);
      if (id !== 0) return id;
    }
  }

  /** A bijection of [0, 2^31): keyed additions, odd multiplications and xor-shifts. */
  private permute(value: number): number {
    const k = this.keys;
    let x = (value + k[0]!) & MASK31;
    x = Math.imul(x, k[1]! | 1) & MASK31;
    x ^= x >>> 15;
    x = (x + k[2]!) & MASK31;
    x = Math.imul(x, k[3]! | 1) & MASK31;
    x ^= x >>> 13;
    x = (x + k[4]!) & MASK31;
    x = Math.imul(x, k[5]! | 1) & MASK31;
    return x ^ (x >>> 16);
  }
}
