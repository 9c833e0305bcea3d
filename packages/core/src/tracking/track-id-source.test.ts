import { describe, expect, it } from 'vitest';
import { seededRandom, TrackIdSource } from './track-id-source.js';

describe('TrackIdSource', () => {
  it('hands out distinct positive int32 ids', () => {
    const source = new TrackIdSource(seededRandom(5));
    const ids = Array.from({ length: 100_000 }, () => source.next());
    expect(new Set(ids).size).toBe(ids.length);
    const invalid = ids.filter((id) => !Number.isInteger(id) || id <= 0 || id > 0x7fffffff);
    expect(invalid).toEqual([]);
  });

  it('gives unrelated ids in two sessions and the same ids for the same seed', () => {
    const a = Array.from(
      { length: 50 },
      (
        (s) => () =>
          s.next()
      )(new TrackIdSource()),
    );
    const b = Array.from(
      { length: 50 },
      (
        (s) => () =>
          s.next()
      )(new TrackIdSource()),
    );
    expect(a.filter((id) => b.includes(id)).length).toBeLessThan(2);
    const c = new TrackIdSource(seededRandom(9));
    const d = new TrackIdSource(seededRandom(9));
    expect([c.next(), c.next()]).toEqual([d.next(), d.next()]);
  });

  it('does not count upwards like a sequence', () => {
    const source = new TrackIdSource(seededRandom(2));
    const ids = Array.from({ length: 20 }, () => source.next());
    const increasing = ids.every((id, k) => k === 0 || id > ids[k - 1]!);
    expect(increasing).toBe(false);
  });
});
