/**
 * `node packages/server/dist/bench/flow-bench.js`: speed and accuracy of the optical flow.
 *
 * For each frame size (default 960x540 and 1920x1080), renders a synthetic drone clip with exactly
 * known motion: a real crowd photo (ShanghaiTech part A, else smoothed noise) as the ground, the
 * camera panning (3.1, -1.3) px/frame, yawing 0.2 deg/frame and zooming 0.3 %/frame, a band of
 * "people" walking 4 px/frame against the pan, and Gaussian sensor noise. Then times
 * GridFlowEstimator.update per frame (gray + shrink + pyramid + Lucas-Kanade + camera fit; wall and
 * CPU time, the latter less distorted by other load on the machine), and checks the camera estimate
 * against the truth (largest error over the centre and the 4 corners) and the counterflow share of
 * the band against the camera's direction of travel (the ground stands still).
 *
 * Env: RAQIB_BENCH_SIZES (e.g. "960x540,1920x1080"), RAQIB_BENCH_FRAMES (timed frames per size,
 * default 30), RAQIB_FLOW_TEXTURE (an image file to use as the ground).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  GridFlowEstimator,
  applyEgoMotion,
  buildGrayPyramid,
  makeNoiseTexture,
  renderFlowScene,
  rgbToGrayDownsampled,
  zoneFlowMetrics,
  type GrayImage,
  type RgbImage,
  type SceneCamera,
} from '@raqib/core';
import sharp from 'sharp';
import { repoRoot } from '../inference/default-model-path.js';

const SAMPLE = join(
  repoRoot(),
  '..',
  'shared',
  'datasets',
  'ShanghaiTech',
  'part_A',
  'train_data',
  'images',
  'IMG_2.jpg',
);

const PAN_X = 3.1;
const PAN_Y = -1.3;
const YAW_DEG = 0.2;
const ZOOM = 1.003;
const BAND_PX_PER_FRAME = -4;

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function groundTexture(width: number, height: number): Promise<{ texture: GrayImage; name: string }> {
  const path = process.env.RAQIB_FLOW_TEXTURE ?? SAMPLE;
  if (!existsSync(path)) return { texture: makeNoiseTexture(width, height, { seed: 3 }), name: 'noise' };
  const { data, info } = await sharp(path)
    .resize(width, height, { fit: 'cover' })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const values = new Float32Array(info.width * info.height);
  for (let i = 0; i < values.length; i++) values[i] = data[i * info.channels] as number;
  return { texture: { width: info.width, height: info.height, data: values }, name: path };
}

function cameraAt(k: number, scale: number): SceneCamera {
  return { dxPx: PAN_X * k * scale, dyPx: PAN_Y * k * scale, rotationDeg: YAW_DEG * k, scale: ZOOM ** k };
}

/** Where the scene camera moves a pixel of frame k-1 in frame k (the true ego motion). */
function trueMotion(k: number, scale: number, w: number, h: number, x: number, y: number): [number, number] {
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const forward = (cam: SceneCamera, px: number, py: number): [number, number] => {
    const t = ((cam.rotationDeg ?? 0) * Math.PI) / 180;
    const s = cam.scale ?? 1;
    const rx = px - cx;
    const ry = py - cy;
    return [
      s * (Math.cos(t) * rx - Math.sin(t) * ry) + cx + (cam.dxPx ?? 0),
      s * (Math.sin(t) * rx + Math.cos(t) * ry) + cy + (cam.dyPx ?? 0),
    ];
  };
  const prev = cameraAt(k - 1, scale);
  const t = ((prev.rotationDeg ?? 0) * Math.PI) / 180;
  const s = prev.scale ?? 1;
  const rx = x - cx - (prev.dxPx ?? 0);
  const ry = y - cy - (prev.dyPx ?? 0);
  const refX = (Math.cos(t) * rx + Math.sin(t) * ry) / s + cx;
  const refY = (-Math.sin(t) * rx + Math.cos(t) * ry) / s + cy;
  return forward(cameraAt(k, scale), refX, refY);
}

async function benchSize(width: number, height: number, frames: number) {
  const scale = width / 960; // motion scales with the resolution (same ground speed)
  const { texture, name } = await groundTexture(Math.round(width * 1.6), Math.round(height * 1.6));
  const band = { xPx: 0, yPx: Math.round(height * 0.4), widthPx: width, heightPx: Math.round(height * 0.2) };
  const images: RgbImage[] = [];
  for (let k = 0; k <= frames; k++) {
    images.push(
      renderFlowScene(texture, {
        widthPx: width,
        heightPx: height,
        camera: cameraAt(k, scale),
        regions: [{ ...band, dxPx: BAND_PX_PER_FRAME * scale * k, dyPx: 0 }],
        noiseSigma: 2,
        noiseSeed: k + 1,
      }),
    );
  }
  const estimator = new GridFlowEstimator();
  estimator.update(images[0] as RgbImage);
  const totalMs: number[] = [];
  const cpuMs: number[] = [];
  let egoErrorMaxPx = 0;
  let egoErrorSum = 0;
  let validShare = 0;
  let bandCounterflow = 0;
  const moved = { x: 0, y: 0 };
  const corners: Array<[number, number]> = [
    [(width - 1) / 2, (height - 1) / 2],
    [0, 0],
    [width - 1, 0],
    [0, height - 1],
    [width - 1, height - 1],
  ];
  for (let k = 1; k <= frames; k++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const result = estimator.update(images[k] as RgbImage);
    const cpu = process.cpuUsage(cpuStarted);
    totalMs.push(performance.now() - started);
    cpuMs.push((cpu.user + cpu.system) / 1000);
    if (!result) throw new Error('flow bench: no flow result');
    let worst = 0;
    for (const [x, y] of corners) {
      const [tx, ty] = trueMotion(k, scale, width, height, x, y);
      applyEgoMotion(result.ego, x, y, moved);
      worst = Math.max(worst, Math.hypot(moved.x - tx, moved.y - ty));
    }
    egoErrorMaxPx = Math.max(egoErrorMaxPx, worst);
    egoErrorSum += worst;
    validShare += result.validCells / result.flow.dx.length;
    const inner = 16 * scale; // stay off the band's edges
    const bandZone: Array<[number, number]> = [
      [band.xPx + inner, band.yPx + inner],
      [band.xPx + band.widthPx - inner, band.yPx + inner],
      [band.xPx + band.widthPx - inner, band.yPx + band.heightPx - inner],
      [band.xPx + inner, band.yPx + band.heightPx - inner],
    ];
    // Everyone else stands still, so counterflow is measured against the camera's direction of travel.
    const panDeg = (Math.atan2(PAN_X, -PAN_Y) * 180) / Math.PI;
    bandCounterflow +=
      zoneFlowMetrics(result.flow, bandZone, { dtS: 1 / 30, referenceDirectionDeg: panDeg }).counterflowShare ?? 0;
  }
  // The preprocessing share of the time (gray + shrink + pyramid), measured separately.
  const prepMs: number[] = [];
  for (let k = 0; k < Math.min(frames, 15); k++) {
    const started = performance.now();
    const factor = Math.max(1, Math.round(width / estimator.options.workingWidthPx));
    buildGrayPyramid(rgbToGrayDownsampled(images[k] as RgbImage, factor), estimator.options.pyramidLevels);
    prepMs.push(performance.now() - started);
  }
  return {
    size: `${width}x${height}`,
    ground: name === 'noise' ? 'noise' : 'crowd photo',
    frames,
    cells: estimator.options.cellPx,
    medianMs: Number(percentile(totalMs, 0.5).toFixed(2)),
    p95Ms: Number(percentile(totalMs, 0.95).toFixed(2)),
    /** CPU time of the process per frame: less distorted than wall time on a busy machine. */
    medianCpuMs: Number(percentile(cpuMs, 0.5).toFixed(2)),
    prepMedianMs: Number(percentile(prepMs, 0.5).toFixed(2)),
    egoErrorMeanPx: Number((egoErrorSum / frames).toFixed(3)),
    egoErrorMaxPx: Number(egoErrorMaxPx.toFixed(3)),
    validShare: Number((validShare / frames).toFixed(3)),
    bandCounterflowShare: Number((bandCounterflow / frames).toFixed(3)),
  };
}

async function main(): Promise<void> {
  const sizes = (process.env.RAQIB_BENCH_SIZES ?? '960x540,1920x1080').split(',').map((s) => {
    const [w, h] = s.split('x').map(Number);
    if (!w || !h) throw new Error(`RAQIB_BENCH_SIZES: bad size "${s}" (expected e.g. 960x540)`);
    return [w, h] as const;
  });
  const frames = Number(process.env.RAQIB_BENCH_FRAMES ?? 30);
  const rows = [];
  for (const [w, h] of sizes) {
    const row = await benchSize(w, h, frames);
    rows.push(row);
    console.log(
      `${row.size} (${row.ground}): median ${row.medianMs} ms/frame (p95 ${row.p95Ms}, CPU ${row.medianCpuMs}, ` +
        `prep ${row.prepMedianMs}), ` +
        `camera error mean ${row.egoErrorMeanPx} px / max ${row.egoErrorMaxPx} px, valid cells ${row.validShare}, ` +
        `counterflow of the band ${row.bandCounterflowShare}`,
    );
  }
  console.log(JSON.stringify({ bench: 'flow', rows }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
