import { describe, expect, it } from 'vitest';
import type { FlowField } from '../frame-analysis.js';
import { applyEgoMotion, isEgoMotionKnown } from './ego-motion.js';
import { searchGlobalShift } from './global-shift-search.js';
import { GridFlowEstimator, type GridFlowResult } from './grid-flow-estimator.js';
import { makeNoiseTexture, renderFlowScene, type FlowSceneFrame } from './synthetic-flow-scene.js';
import { zoneFlowMetrics } from './zone-flow-metrics.js';

const W = 960;
const H = 540;
const texture = makeNoiseTexture(1300, 820, { seed: 11 });

function flowBetween(first: Partial<FlowSceneFrame>, second: Partial<FlowSceneFrame>): GridFlowResult {
  const estimator = new GridFlowEstimator();
  expect(estimator.update(renderFlowScene(texture, { widthPx: W, heightPx: H, noiseSeed: 1, ...first }))).toBeNull();
  const result = estimator.update(renderFlowScene(texture, { widthPx: W, heightPx: H, noiseSeed: 2, ...second }));
  if (!result) throw new Error('no flow on the second frame');
  return result;
}

function rect(x: number, y: number, w: number, h: number): Array<[number, number]> {
  return [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ];
}

function validRms(flow: FlowField): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < flow.dx.length; i++) {
    const dx = flow.dx[i] as number;
    if (!Number.isFinite(dx)) continue;
    sum += dx * dx + (flow.dy[i] as number) ** 2;
    n++;
  }
  return Math.sqrt(sum / n);
}

describe('GridFlowEstimator on a synthetic pan with known motion', () => {
  it('estimates a sub-pixel camera shift within 0.5 px and leaves ~no own motion', () => {
    const { flow, ego, validCells } = flowBetween(
      { noiseSigma: 2 },
      { noiseSigma: 2, camera: { dxPx: 3.3, dyPx: -1.7 } },
    );
    expect(flow.cols).toBe(60);
    expect(flow.rows).toBe(34);
    expect(flow.cellPx).toBe(16);
    expect(validCells).toBeGreaterThan(0.95 * flow.cols * flow.rows);
    expect(Math.abs(flow.egoDxPx - 3.3)).toBeLessThan(0.5);
    expect(Math.abs(flow.egoDyPx + 1.7)).toBeLessThan(0.5);
    expect(Math.hypot(ego.centreDxPx - 3.3, ego.centreDyPx + 1.7)).toBeLessThan(0.1);
    expect(validRms(flow)).toBeLessThan(0.3);
  });

  it('estimates a drone yaw + climb (similarity) within 0.5 px everywhere in the frame', () => {
    const camera = { dxPx: 2.2, dyPx: 1.1, rotationDeg: 1, scale: 1.02 };
    const { flow, ego } = flowBetween({}, { camera });
    expect(ego.rotationDeg).toBeCloseTo(1, 1);
    expect(ego.scale).toBeCloseTo(1.02, 2);
    const theta = (camera.rotationDeg * Math.PI) / 180;
    const cx = (W - 1) / 2;
    const cy = (H - 1) / 2;
    const moved = { x: 0, y: 0 };
    for (const [x, y] of [
      [0, 0],
      [W - 1, 0],
      [0, H - 1],
      [W - 1, H - 1],
      [cx, cy],
    ] as const) {
      const tx = camera.scale * (Math.cos(theta) * (x - cx) - Math.sin(theta) * (y - cy)) + cx + camera.dxPx;
      const ty = camera.scale * (Math.sin(theta) * (x - cx) + Math.cos(theta) * (y - cy)) + cy + camera.dyPx;
      applyEgoMotion(ego, x, y, moved);
      expect(Math.hypot(moved.x - tx, moved.y - ty)).toBeLessThan(0.5);
    }
    expect(validRms(flow)).toBeLessThan(0.3);
  });

  it('follows a fast pan beyond the pyramid reach (global search seed)', () => {
    const { flow } = flowBetween({}, { camera: { dxPx: -57.5, dyPx: 31.2 } });
    expect(Math.abs(flow.egoDxPx + 57.5)).toBeLessThan(0.5);
    expect(Math.abs(flow.egoDyPx - 31.2)).toBeLessThan(0.5);
  });

  it('marks textureless cells unreliable (NaN) instead of inventing motion', () => {
    const estimator = new GridFlowEstimator();
    const frame = (dx: number) => {
      const image = renderFlowScene(texture, { widthPx: W, heightPx: H, camera: { dxPx: dx } });
      for (let y = 0; y < 160; y++) image.rgb.fill(90, y * W * 3, y * W * 3 + 320 * 3); // flat top-left corner
      return image;
    };
    estimator.update(frame(0));
    const result = estimator.update(frame(2));
    if (!result) throw new Error('no flow');
    const { flow } = result;
    expect(Number.isNaN(flow.dx[2 * flow.cols + 5] as number)).toBe(true); // inside the flat corner
    expect(Number.isFinite(flow.dx[20 * flow.cols + 40] as number)).toBe(true); // textured
    expect(flow.egoDxPx).toBeCloseTo(2, 1);
  });

  it('returns null on the first frame and again after a size change or reset', () => {
    const estimator = new GridFlowEstimator({ cellPx: 32 });
    const small = renderFlowScene(texture, { widthPx: 320, heightPx: 240 });
    expect(estimator.update(small)).toBeNull();
    expect(estimator.update(small)?.flow.cols).toBe(10);
    expect(estimator.update(renderFlowScene(texture, { widthPx: 480, heightPx: 240 }))).toBeNull();
    estimator.reset();
    expect(estimator.update(renderFlowScene(texture, { widthPx: 480, heightPx: 240 }))).toBeNull();
    expect(() => new GridFlowEstimator({ cellPx: 0 })).toThrow(/cellPx/);
  });
});

describe('counterflow from image motion', () => {
  // Camera pans 2 px right; a crowd (region A) walks right at 3 px/frame of its own, and a group
  // inside it (region B) walks left at 3 px/frame. Everything else is static ground.
  const A = { xPx: 160, yPx: 96, widthPx: 640, heightPx: 352 };
  const B = { xPx: 224, yPx: 160, widthPx: 256, heightPx: 224 };
  const first = {
    regions: [
      { ...A, dxPx: 0, dyPx: 0 },
      { ...B, dxPx: 0, dyPx: 0 },
    ],
  };
  const second = {
    camera: { dxPx: 2 },
    regions: [
      { ...A, dxPx: 5, dyPx: 0 },
      { ...B, dxPx: -1, dyPx: 0 },
    ],
  };
  const options = { dtS: 0.2, gsdMPerPx: 0.05 };

  it('removes the pan and reports the group walking against the crowd', () => {
    const { flow } = flowBetween(first, second);
    expect(flow.egoDxPx).toBeCloseTo(2, 1);
    const crowd = zoneFlowMetrics(flow, rect(A.xPx, A.yPx, A.widthPx, A.heightPx), options);
    expect(crowd.directionDeg).toBeCloseTo(90, -1); // right
    const groupShare = (B.widthPx * B.heightPx) / (A.widthPx * A.heightPx);
    expect(crowd.counterflowShare).toBeGreaterThan(groupShare - 0.08);
    expect(crowd.counterflowShare).toBeLessThan(groupShare + 0.08);

    const group = zoneFlowMetrics(flow, rect(B.xPx, B.yPx, B.widthPx, B.heightPx), {
      ...options,
      referenceDirectionDeg: crowd.directionDeg,
    });
    expect(group.directionDeg).toBeCloseTo(270, -1); // left
    expect(group.counterflowShare).toBeGreaterThan(0.9);
    // 3 px/frame at 5 cm/px over 0.2 s = 0.75 m/s.
    expect(group.meanSpeedMPerS).toBeGreaterThan(0.65);
    expect(group.meanSpeedMPerS).toBeLessThan(0.85);

    const ground = zoneFlowMetrics(flow, rect(832, 16, 112, 500), options);
    expect(ground.counterflowShare).toBe(0);
    expect(ground.movingShare).toBeLessThan(0.05);
  });

  it('reports no counterflow for a still crowd with sensor noise (and would without the speed floor)', () => {
    const { flow } = flowBetween({ noiseSigma: 6 }, { noiseSigma: 6 });
    const still = zoneFlowMetrics(flow, null, { dtS: 1 / 30, gsdMPerPx: 0.03 });
    expect(still.counterflowShare).toBe(0);
    expect(still.movingShare).toBeLessThan(0.05);
    expect(still.directionDeg).toBeUndefined();
    const noFloor = zoneFlowMetrics(flow, null, { dtS: 1 / 30, minDisplacementPx: 0, minMovingShare: 0 });
    expect(noFloor.counterflowShare).toBeGreaterThan(0.3);
  });

  it('leaves the camera motion unknown on blank frames (no texture) instead of reading a shift', () => {
    for (const [width, height, grey] of [
      [960, 540, 130],
      [1920, 1080, 128],
      [480, 270, 0],
    ] as const) {
      const estimator = new GridFlowEstimator();
      const blank = { width, height, rgb: new Uint8Array(width * height * 3).fill(grey) };
      expect(estimator.update(blank)).toBeNull();
      for (let k = 0; k < 3; k++) {
        const { ego, flow, validCells } = estimator.update(blank)!;
        expect(isEgoMotionKnown(ego)).toBe(false);
        expect(ego.ok).toBe(false);
        expect(flow.egoDxPx).toBeNaN();
        expect(flow.egoDyPx).toBeNaN();
        expect(validCells).toBe(0);
      }
    }
  });

  it('measures the camera again once texture returns after blank frames', () => {
    const estimator = new GridFlowEstimator();
    const blank = { width: W, height: H, rgb: new Uint8Array(W * H * 3).fill(130) };
    estimator.update(blank);
    expect(isEgoMotionKnown(estimator.update(blank)!.ego)).toBe(false);
    estimator.update(renderFlowScene(texture, { widthPx: W, heightPx: H, noiseSeed: 1 }));
    const { ego } = estimator.update(
      renderFlowScene(texture, { widthPx: W, heightPx: H, noiseSeed: 2, camera: { dxPx: 3 } }),
    )!;
    expect(isEgoMotionKnown(ego)).toBe(true);
    expect(Math.abs(ego.centreDxPx - 3)).toBeLessThan(0.5);
  });
});

describe('searchGlobalShift', () => {
  it('finds no shift between flat images (every shift fits equally) rather than the first one tried', () => {
    const flat = { width: 120, height: 68, data: new Float32Array(120 * 68).fill(128) };
    const shift = searchGlobalShift(flat, flat, 0, 0, 24);
    expect(shift.meanAbsDiff).toBe(Infinity);
    expect([shift.dxPx, shift.dyPx]).toEqual([0, 0]);
  });
});
