import { describe, expect, it } from 'vitest';
import {
  Detections,
  makeNoiseTexture,
  renderFlowScene,
  type DensityMap,
  type FrameAnalysis,
  type RgbImage,
} from '@raqib/core';
import { FlowStage, flowFrameInfo } from './flow-stage.js';
import type { FrameContext } from './stage.js';

const W = 480;
const H = 270;
const texture = makeNoiseTexture(700, 480, { seed: 5 });

function context(seq: number, timeS: number, image?: RgbImage, extra: Partial<FrameAnalysis> = {}): FrameContext {
  const width = image?.width ?? W;
  const height = image?.height ?? H;
  const analysis: FrameAnalysis = {
    frame: { streamId: 's', seq, ptsMs: timeS * 1000, width, height, gsdMPerPx: 0.04 },
    timeS,
    count: 0,
    detections: Detections.empty(),
    zones: [],
    ...extra,
  };
  return { analysis, inferenceMs: 0, ...(image ? { image } : {}) };
}

/** Frame k of a pan of 2 px/frame right, with a strip whose content walks 4 px/frame left. */
function panFrame(k: number): RgbImage {
  return renderFlowScene(texture, {
    widthPx: W,
    heightPx: H,
    camera: { dxPx: 2 * k },
    regions: [{ xPx: 0, yPx: 96, widthPx: W, heightPx: 80, dxPx: -2 * k, dyPx: 0 }],
    noiseSigma: 1,
    noiseSeed: k + 1,
  });
}

describe('FlowStage', () => {
  it('skips the first frame, then sets analysis.flow with the camera motion removed and speeds in m/s', () => {
    const stage = new FlowStage({ cellPx: 16 });
    const first = context(0, 0, panFrame(0));
    stage.process(first);
    expect(first.analysis.flow).toBeUndefined();
    expect(stage.latest).toBeNull();

    const people: DensityMap = { cols: 30, rows: 17, cellPx: 16, values: new Float32Array(30 * 17).fill(0.5) };
    const second = context(1, 0.2, panFrame(1), { density: people });
    stage.process(second);
    const flow = second.analysis.flow;
    if (!flow) throw new Error('no flow on the second frame');
    expect(flow.cols).toBe(30);
    expect(flow.egoDxPx).toBeCloseTo(2, 1);
    expect(Math.abs(flow.egoDyPx)).toBeLessThan(0.2);
    // A cell inside the strip: own motion -4 px/frame (x).
    expect(flow.dx[8 * 30 + 15]).toBeCloseTo(-4, 0);
    // A cell on the ground: no own motion.
    expect(Math.abs(flow.dx[2 * 30 + 15] as number)).toBeLessThan(0.3);

    const info = flowFrameInfo(second.analysis);
    expect(info).toBe(stage.latest);
    expect(info?.intervalS).toBeCloseTo(0.2, 9);
    expect(info?.ego.ok).toBe(true);
    // Movers: the strip (about 5 of 17 rows) walks left at 4 px / 0.2 s x 0.04 m/px = 0.8 m/s.
    expect(info?.frame.directionDeg).toBeCloseTo(270, -1);
    expect(info?.frame.movingShare).toBeGreaterThan(0.2);
    expect(info?.frame.movingShare).toBeLessThan(0.4);
    expect(info?.frame.meanSpeedMPerS).toBeGreaterThan(0.8 * 0.2);
    expect(info?.frame.meanSpeedMPerS).toBeLessThan(0.8 * 0.4);

    const summary = stage.finish() as { flow: { frames: number; meanValidShare: number } };
    expect(summary.flow.frames).toBe(1);
    expect(summary.flow.meanValidShare).toBeGreaterThan(0.8);
  });

  it('restarts after a gap, a frame without pixels or a size change', () => {
    const stage = new FlowStage({ maxGapS: 1 });
    const run = (seq: number, timeS: number, image?: RgbImage): boolean => {
      const c = context(seq, timeS, image);
      stage.process(c);
      return c.analysis.flow !== undefined;
    };
    expect(run(0, 0, panFrame(0))).toBe(false);
    expect(run(1, 0.5, panFrame(1))).toBe(true);
    expect(run(2, 3, panFrame(2))).toBe(false); // 2.5 s gap
    expect(run(3, 3.5, panFrame(3))).toBe(true);
    expect(run(4, 4, undefined)).toBe(false);
    expect(run(5, 4.5, panFrame(5))).toBe(false);
    expect(run(6, 5, renderFlowScene(texture, { widthPx: 320, heightPx: 240 }))).toBe(false);
    expect(run(7, 5.5, renderFlowScene(texture, { widthPx: 320, heightPx: 240 }))).toBe(true);
  });

  it('degrades on frames too small for flow: warns once, no flow, no throw', () => {
    const warnings: string[] = [];
    const stage = new FlowStage({ onWarning: (m) => warnings.push(m) });
    const tiny: RgbImage = { width: 8, height: 8, rgb: new Uint8Array(8 * 8 * 3) };
    for (let k = 0; k < 3; k++) {
      const c = context(k, k * 0.1, tiny);
      stage.process(c);
      expect(c.analysis.flow).toBeUndefined();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/too small/);
    expect((stage.finish() as { flow: { skippedFrames: number } }).flow.skippedFrames).toBe(3);
  });

  it('gives no camera shift and no crowd motion on a blank video (no texture), and says so', () => {
    const stage = new FlowStage();
    const blank: RgbImage = { width: W, height: H, rgb: new Uint8Array(W * H * 3).fill(130) };
    for (let k = 0; k < 5; k++) {
      const c = context(k, k * 0.2, blank);
      stage.process(c);
      expect(c.analysis.flow).toBeUndefined();
      expect(flowFrameInfo(c.analysis)).toBeUndefined(); // the tracker and zones get no camera motion
    }
    const summary = stage.finish() as { flow: Record<string, unknown> };
    expect(summary.flow).toMatchObject({ frames: 0, unknownCameraMotionFrames: 4, meanCameraShiftPxPerFrame: null });
    const quality = stage.dataQuality();
    expect(quality.counts).toEqual({ framesWithUnknownCameraMotion: 4 });
    expect(quality.warnings).toEqual([
      expect.stringMatching(/^camera motion unknown on 4 frame\(s\) \(first at 0\.20 s\)/),
    ]);
    expect(quality.overLimit).toBe(false);
  });

  it('reports nothing for a textured pan', () => {
    const stage = new FlowStage();
    for (let k = 0; k < 3; k++) stage.process(context(k, k * 0.2, panFrame(k)));
    expect(stage.dataQuality().warnings).toEqual([]);
    const flow = (stage.finish() as { flow: { meanCameraShiftPxPerFrame: number } }).flow;
    expect(flow.meanCameraShiftPxPerFrame).toBeCloseTo(2, 0);
  });
});
