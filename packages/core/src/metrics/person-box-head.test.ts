import { describe, expect, it } from 'vitest';
import { personBoxHeadPoint, personBoxHeadSizePx } from './person-box-head.js';

describe('personBoxHeadPoint', () => {
  it.each([
    // x, y, w, h -> head x, y
    ['a standing pedestrian (tall box): top-centre', 100, 50, 10, 30, 105, 55],
    ['a near-square nadir box: close to its centre', 100, 50, 12, 10, 106, 55],
    ['a square box: exactly its centre', 0, 0, 8, 8, 4, 4],
    ['a lying person (wide box): centre of the top h x h band', 10, 20, 30, 6, 25, 23],
  ])('%s', (_name, x, y, w, h, hx, hy) => {
    expect(personBoxHeadPoint(x, y, w, h)).toEqual([hx, hy]);
  });
});

describe('personBoxHeadSizePx', () => {
  it('is half the smaller side', () => {
    expect(personBoxHeadSizePx(10, 30)).toBe(5);
    expect(personBoxHeadSizePx(30, 9)).toBe(4.5);
  });
});
