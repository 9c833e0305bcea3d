import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Detections, type FrameAnalysis, type RgbImage } from '@raqib/core';
import { niceCeiling } from './draw/colour-scale-legend.js';
import { HeatmapSink } from './heatmap-sink.js';

const WIDTH = 160;
const HEIGHT = 120;
const CELL_PX = 8;
const COLS = WIDTH / CELL_PX;
const ROWS = HEIGHT / CELL_PX;

/** A frame: a mid-grey picture with a bright square in its lower-left corner (where nobody stands). */
function picture(): RgbImage {
  const rgb = new Uint8Array(WIDTH * HEIGHT * 3).fill(128);
  for (let y = 100; y < HEIGHT; y++)
    for (let x = 0; x < 20; x++) rgb.fill(250, (y * WIDTH + x) * 3, (y * WIDTH + x) * 3 + 3);
  return { width: WIDTH, height: HEIGHT, rgb };
}

/** 2 people in the top-right cell, none elsewhere. */
function analysis(timeS: number, gsdMPerPx?: number): FrameAnalysis {
  const values = new Float32Array(COLS * ROWS);
  values[COLS - 1] = 2;
  return {
    frame: {
      streamId: 's',
      seq: timeS,
      ptsMs: timeS * 1000,
      capturedAtMs: 0,
      width: WIDTH,
      height: HEIGHT,
      ...(gsdMPerPx ? { gsdMPerPx } : {}),
    },
    timeS,
    count: 2,
    detections: Detections.empty(),
    density: { cols: COLS, rows: ROWS, cellPx: CELL_PX, values },
    zones: [],
  } as FrameAnalysis;
}

async function render(frames: FrameAnalysis[], image?: RgbImage) {
  const path = join(mkdtempSync(join(tmpdir(), 'raqib-heatmap-')), 'heatmap.png');
  const sink = new HeatmapSink(path);
  for (const frame of frames) await sink.write(frame, image);
  await sink.close();
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
  return { sink, info, pixel };
}

describe('HeatmapSink', () => {
  it('draws the mean density over the frame, in persons per m² when the GSD is known, with a colour scale', async () => {
    // 2 people in a cell of (8 px x 0.25 m/px)² = 4 m²: 0.5 persons/m².
    const { sink, info, pixel } = await render([analysis(0, 0.25), analysis(1, 0.25)], picture());
    expect(sink.scale).toEqual({ max: 0.5, unit: 'PERSONS/m²', title: 'MEAN' });
    expect(info.width).toBeGreaterThan(WIDTH); // the legend on the right
    expect(info.height).toBeGreaterThanOrEqual(HEIGHT);
    // The frame is under it (dimmed): the bright square shows where there is no density.
    expect(pixel(5, 110)).toEqual([175, 175, 175]);
    expect(pixel(60, 60)).toEqual([90, 90, 90]);
    // The occupied cell is coloured (bright inferno: red above blue).
    const [r, , b] = pixel(WIDTH - 4, 4) as [number, number, number];
    expect(r).toBeGreaterThan(200);
    expect(r).toBeGreaterThan(b);
  });

  it('falls back to people per cell when a frame has no GSD, and to a dark canvas without pixels', async () => {
    const { sink, pixel } = await render([analysis(0, 0.25), analysis(1)]);
    expect(sink.scale).toEqual({ max: 2, unit: 'PEOPLE/CELL', title: 'MEAN' });
    expect(pixel(60, 60)).toEqual([16, 16, 16]);
  });

  it('writes nothing without density maps', async () => {
    const sink = new HeatmapSink(join(mkdtempSync(join(tmpdir(), 'raqib-heatmap-')), 'heatmap.png'));
    await sink.close();
    expect(sink.scale).toBeNull();
  });

  it.each([
    [0.43, 0.5],
    [0.5, 0.5],
    [3.2, 5],
    [7, 10],
    [12, 20],
    [0, 1],
  ])('scale ceiling of %f is %f', (value, expected) => {
    expect(niceCeiling(value)).toBeCloseTo(expected, 9);
  });
});
