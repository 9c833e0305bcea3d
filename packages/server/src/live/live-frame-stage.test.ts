import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Detections, type FrameAnalysis, type LiveFrameMessage, type RgbImage } from '@raqib/core';
import { InProcessBus } from '../bus/live-bus.js';
import type { FrameContext } from '../pipeline/stage.js';
import { DemoCrowd } from '../serve/demo-crowd.js';
import { DemoFrameRenderer } from '../serve/demo-frame-render.js';
import { encodeJpeg } from './frame-jpeg.js';
import { busWatched, LiveFrameStage } from './live-frame-stage.js';

function gradient(width: number, height: number): RgbImage {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = 3 * (y * width + x);
      rgb[o] = (x * 255) / width;
      rgb[o + 1] = (y * 255) / height;
      rgb[o + 2] = 40;
    }
  }
  return { width, height, rgb };
}

function context(seq: number, image: RgbImage | undefined, detections = Detections.empty()): FrameContext {
  const analysis: FrameAnalysis = {
    frame: { streamId: 'cam1', seq, ptsMs: seq * 500, capturedAtMs: 1_000_000 + seq, width: 1920, height: 1080 },
    timeS: seq / 2,
    count: detections.length,
    detections,
    zones: [],
  };
  return { analysis, ...(image ? { image } : {}), inferenceMs: 0 };
}

describe('encodeJpeg', () => {
  it('scales a wide frame down to maxWidthPx and keeps its picture', async () => {
    const { jpeg, widthPx, heightPx } = await encodeJpeg(gradient(1920, 1080), { maxWidthPx: 960 });
    expect([widthPx, heightPx]).toEqual([960, 540]);
    const decoded = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    expect(decoded.info).toMatchObject({ width: 960, height: 540, channels: 3 });
    // The gradient survives: red grows left to right, green top to bottom.
    const at = (x: number, y: number, c: number) => decoded.data[3 * (y * 960 + x) + c]!;
    expect(at(900, 270, 0) - at(60, 270, 0)).toBeGreaterThan(180);
    expect(at(480, 500, 1) - at(480, 40, 1)).toBeGreaterThan(180);
  });
});

describe('LiveFrameStage', () => {
  it('publishes the analysed frame as JPEG with its seq, capture time and analysis size, at display rate', async () => {
    const bus = new InProcessBus();
    const messages: LiveFrameMessage[] = [];
    bus.subscribe('streams/cam1/frames', (message) => messages.push(message.data as LiveFrameMessage));
    let nowMs = 0;
    const stage = new LiveFrameStage({ bus, streamId: 'cam1', minIntervalMs: 100, nowMs: () => nowMs });
    const image = gradient(1920, 1080);
    stage.process(context(1, image));
    // The source reuses its buffer for the next frame: the picture must not change with it.
    image.rgb.fill(0);
    stage.process(context(2, image)); // skipped: an encode is running
    await stage.pending;
    nowMs = 50;
    stage.process(context(3, image)); // skipped: within the display interval
    await stage.pending;
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      streamId: 'cam1',
      seq: 1,
      capturedAtMs: 1_000_001,
      widthPx: 1920,
      heightPx: 1080,
      imageWidthPx: 960,
      imageHeightPx: 540,
      count: 0,
      points: [],
      tracks: [],
    });
    const decoded = await sharp(Buffer.from(messages[0]!.jpegBase64, 'base64'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(decoded.data[3 * (270 * 960 + 900)]).toBeGreaterThan(200);
    nowMs = 200;
    stage.process(context(4, image));
    await stage.pending;
    expect(messages.map((m) => m.seq)).toEqual([1, 4]);
  });

  it('encodes nothing while nobody watches the topic', async () => {
    const bus = new InProcessBus();
    let encoded = 0;
    const stage = new LiveFrameStage({
      bus,
      streamId: 'cam1',
      minIntervalMs: 0,
      watched: busWatched(bus, 'streams/cam1/frames'),
      onEncoded: () => encoded++,
    });
    stage.process(context(1, gradient(64, 48)));
    await stage.pending;
    expect(encoded).toBe(0);
    const unsubscribe = bus.subscribe('streams/cam1/frames', () => undefined);
    stage.process(context(2, gradient(64, 48)));
    await stage.pending;
    expect(encoded).toBe(1);
    unsubscribe();
    stage.process(context(3, gradient(64, 48)));
    await stage.pending;
    expect(encoded).toBe(1);
  });
});

describe('DemoFrameRenderer (the demo drone picture)', () => {
  it('draws each person where the analysis puts its head, on the ground texture, at twice the size', () => {
    const crowd = new DemoCrowd();
    const renderer = new DemoFrameRenderer(crowd, 2);
    const heads = new Float32Array([100, 120, 250.5, 60]);
    const picture = renderer.render(context(1, undefined, Detections.fromPoints(heads, new Float32Array([1, 1]))));
    expect([picture.width, picture.height]).toEqual([crowd.widthPx * 2, crowd.heightPx * 2]);
    const pixel = (x: number, y: number) =>
      Array.from(picture.rgb.subarray(3 * (y * picture.width + x), 3 * (y * picture.width + x) + 3));
    // Dark head at 2x the analysis position; not dark 1.5 m away (ground or wall-free paving).
    expect(Math.max(...pixel(200, 240))).toBeLessThan(60);
    expect(Math.max(...pixel(501, 120))).toBeLessThan(60);
    expect(Math.max(...pixel(200 + 60, 240))).toBeGreaterThan(80);
    const empty = renderer.render(context(2, undefined));
    expect(
      Math.max(...Array.from(empty.rgb.subarray(3 * (240 * empty.width + 200), 3 * (240 * empty.width + 200) + 3))),
    ).toBeGreaterThan(80);
  });
});
