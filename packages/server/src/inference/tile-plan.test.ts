import { isRaqibError } from '@raqib/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_TILE_PIXELS, planTiles, type TilePlanOptions } from './tile-plan.js';

const base: TilePlanOptions = {
  stridePx: 8,
  inputMultiplePx: 32,
  maxTilePixels: DEFAULT_MAX_TILE_PIXELS,
  overlapPx: 64,
};

/** Checks the invariants every plan must keep; returns how many times each cell is owned. */
function checkPlan(width: number, height: number, options: TilePlanOptions) {
  const plan = planTiles(width, height, options);
  const s = options.stridePx;
  expect(plan.cols).toBe(Math.ceil(width / s));
  expect(plan.rows).toBe(Math.ceil(height / s));
  const owners = new Uint8Array(plan.cols * plan.rows);
  for (const tile of plan.tiles) {
    expect(tile.widthPx % options.inputMultiplePx).toBe(0);
    expect(tile.heightPx % options.inputMultiplePx).toBe(0);
    expect(tile.x0Px % options.inputMultiplePx).toBe(0);
    expect(tile.y0Px % options.inputMultiplePx).toBe(0);
    expect(tile.widthPx * tile.heightPx).toBeLessThanOrEqual(options.maxTilePixels);
    expect(tile.x0Px).toBeLessThan(width);
    expect(tile.y0Px).toBeLessThan(height);
    expect(tile.x0Px + tile.widthPx).toBeLessThanOrEqual(Math.ceil(width / 32) * 32);
    // owned cells lie inside the tile, with half the overlap of context towards every neighbour
    const margin = options.overlapPx / 2 - s;
    const left = tile.ownCol0 * s - tile.x0Px;
    const right = tile.x0Px + tile.widthPx - tile.ownCol1 * s;
    const top = tile.ownRow0 * s - tile.y0Px;
    const bottom = tile.y0Px + tile.heightPx - tile.ownRow1 * s;
    for (const [gap, atImageEdge] of [
      [left, tile.ownCol0 === 0],
      [right, tile.ownCol1 === plan.cols],
      [top, tile.ownRow0 === 0],
      [bottom, tile.ownRow1 === plan.rows],
    ] as const) {
      expect(gap).toBeGreaterThanOrEqual(atImageEdge ? 0 : margin);
    }
    for (let r = tile.ownRow0; r < tile.ownRow1; r++) {
      for (let c = tile.ownCol0; c < tile.ownCol1; c++) owners[r * plan.cols + c]!++;
    }
  }
  return { plan, owners };
}

describe('planTiles', () => {
  it('runs a frame that fits the budget whole, padded to the input multiple', () => {
    const { plan, owners } = checkPlan(960, 540, base);
    expect(plan.tiles).toEqual([
      { x0Px: 0, y0Px: 0, widthPx: 960, heightPx: 544, ownCol0: 0, ownRow0: 0, ownCol1: 120, ownRow1: 68 },
    ]);
    expect(owners.every((n) => n === 1)).toBe(true);
    expect(planTiles(1920, 1080, base).tiles).toHaveLength(1);
  });

  it('tiles a 4K frame with bounded tiles and little extra work', () => {
    const { plan, owners } = checkPlan(3840, 2160, base);
    expect(plan.tiles.length).toBeGreaterThan(1);
    expect(owners.every((n) => n === 1)).toBe(true);
    const pixels = plan.tiles.reduce((sum, t) => sum + t.widthPx * t.heightPx, 0);
    expect(pixels / (3840 * 2176)).toBeLessThan(1.2);
  });

  it.each([
    [3840, 2160, 8, 64, 500_000],
    [4000, 3000, 8, 64, DEFAULT_MAX_TILE_PIXELS],
    [1000, 701, 4, 64, 200_000],
    [7680, 100, 8, 128, 300_000],
    [33, 5000, 8, 32, 100_000],
    [1, 1, 8, 64, DEFAULT_MAX_TILE_PIXELS],
    [1023, 767, 8, 96, 250_000],
  ])(
    'owns every cell exactly once: %ix%i stride %i overlap %i budget %i',
    (w, h, stridePx, overlapPx, maxTilePixels) => {
      const { owners } = checkPlan(w, h, { ...base, stridePx, overlapPx, maxTilePixels });
      expect(owners.length).toBe(Math.ceil(w / stridePx) * Math.ceil(h / stridePx));
      expect(owners.every((n) => n === 1)).toBe(true);
    },
  );

  it('rejects options that cannot work, naming the problem', () => {
    const bad: [number, number, Partial<TilePlanOptions>][] = [
      [0, 10, {}],
      [10, 10, { overlapPx: 12 }],
      [10, 10, { stridePx: 5 }],
      [10, 10, { maxTilePixels: 1000 }],
    ];
    for (const [w, h, options] of bad) {
      let caught: unknown;
      try {
        planTiles(w, h, { ...base, ...options });
      } catch (error) {
        caught = error;
      }
      expect(isRaqibError(caught, 'INPUT_INVALID')).toBe(true);
      expect((caught as Error).message).toMatch(/tile plan: /);
    }
  });
});
