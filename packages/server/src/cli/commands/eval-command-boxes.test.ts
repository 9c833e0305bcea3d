import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  Detections,
  isRaqibError,
  type DensityEstimate,
  type DensityEstimateOptions,
  type RgbImage,
} from '@raqib/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommandArgs } from '../parse-args.js';
import { createEvalCommand, type EvalDependencies, type EvalEstimator } from './eval-command.js';

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

async function runEval(argv: string[], deps: EvalDependencies) {
  const spec = createEvalCommand(async () => deps);
  const stdout = capture();
  const stderr = capture();
  let code: number;
  try {
    const { positionals, options } = parseCommandArgs(spec, argv);
    code = await spec.run({
      positionals,
      options: options as never,
      io: { stdout: stdout.stream, stderr: stderr.stream },
    });
  } catch (error) {
    if (!isRaqibError(error)) throw error;
    stderr.stream.write(`error ${error.code}: ${error.message}\n`);
    code = error.code === 'USAGE' ? 2 : 1;
  }
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const CELL_PX = 8;
const PERSONS_PER_CELL = 0.1;

/**
 * A fake model that sees 0.1 person in every 8 px cell of whatever image it gets, with one point at
 * each cell centre, and records the images and people scales it was given.
 */
function uniformDependencies(trainedHeadSizePx?: readonly [number, number]) {
  const calls: Array<{ width: number; height: number; scale: number | undefined }> = [];
  const estimator: EvalEstimator = {
    ...(trainedHeadSizePx ? { model: { trainedHeadSizePx } } : {}),
    async estimate(image: RgbImage, options?: DensityEstimateOptions): Promise<DensityEstimate> {
      calls.push({ width: image.width, height: image.height, scale: options?.scale });
      const cols = Math.ceil(image.width / CELL_PX);
      const rows = Math.ceil(image.height / CELL_PX);
      const values = new Float32Array(cols * rows).fill(PERSONS_PER_CELL);
      const xy = Float32Array.from({ length: 2 * cols * rows }, (_, i) =>
        i % 2 === 0 ? ((i / 2) % cols) * CELL_PX + 4 : Math.floor(i / 2 / cols) * CELL_PX + 4,
      );
      const count = values.length * PERSONS_PER_CELL;
      return {
        density: { cols, rows, cellPx: CELL_PX, values },
        count,
        points: Detections.fromPoints(xy, new Float32Array(cols * rows).fill(1)),
        inferenceMs: 1,
        tiles: 1,
      };
    },
    async close() {},
  };
  const deps: EvalDependencies = {
    createEstimator: async () => estimator,
    defaultModelPath: () => 'fake.onnx',
    loadImage: async (path) => {
      const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
      return { width: info.width, height: info.height, rgb: new Uint8Array(data) };
    },
    resizeImage: async (image, widthPx, heightPx) => ({
      width: widthPx,
      height: heightPx,
      rgb: new Uint8Array(widthPx * heightPx * 3),
    }),
  };
  return { deps, calls };
}

let tmp: string;
let dataset: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'raqib-eval-boxes-'));
  dataset = join(tmp, 'drone');
  for (const dir of ['images/val', 'annotations_visdrone_orig/val', 'labels/val']) {
    await mkdir(join(dataset, dir), { recursive: true });
  }
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#556677' } })
    .jpeg()
    .toBuffer();
  for (const name of ['a', 'b']) await writeFile(join(dataset, `images/val/${name}.jpg`), jpeg);
  await writeFile(
    join(dataset, 'annotations_visdrone_orig/val/a.txt'),
    [
      '4,4,6,14,1,1,0,0', // pedestrian: head (7, 7), head size 3
      '40,30,10,10,1,2,0,0', // people: head (45, 35), head size 5
      '20,20,4,10,1,1,0,0', // head (22, 22) lies in the ignored region: not counted
      '16,16,16,16,0,0,0,0', // ignored region [16, 32) x [16, 32): cells with centres 20 and 28
      '0,40,30,8,1,4,0,0', // a car
    ].join('\n'),
  );
  // b.jpg has YOLO labels only: three people of 16 x 32 px -> head size 8.
  await writeFile(
    join(dataset, 'labels/val/b.txt'),
    '0 0.25 0.5 0.25 0.6666667\n0 0.5 0.5 0.25 0.6666667\n0 0.75 0.5 0.25 0.6666667\n',
  );
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('raqib eval on box datasets', () => {
  it('counts VisDrone people outside ignored regions, YOLO people as boxed, and bands images by head size', async () => {
    const { deps, calls } = uniformDependencies();
    const result = await runEval(['--dataset', dataset, '--by-size', '--format', 'json'], deps);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.subset).toBe('val');
    expect(calls).toEqual([
      { width: 64, height: 48, scale: 1 },
      { width: 64, height: 48, scale: 1 },
    ]);
    const [a, b] = report.perImage;
    // a: 8 x 6 cells of 0.1, the 2 x 2 cells in the ignored region zeroed.
    expect(a).toMatchObject({ groundTruthFormat: 'visdrone', gt: 2, predicted: 4.4, headSizePx: 4 });
    expect(a).toMatchObject({ ignoredRegions: 1, droppedInIgnoredRegions: 1, predictedPoints: 44 });
    expect(b).toMatchObject({ groundTruthFormat: 'yolo', gt: 3, predicted: 4.8, headSizePx: 8, predictedPoints: 48 });
    expect(report.mae).toBeCloseTo((2.4 + 1.8) / 2, 4);
    expect(report.meanError).toBeCloseTo((2.4 + 1.8) / 2, 4);
    expect(report.meanErrorPercent).toBeCloseTo((100 * 2.1) / 2.5, 2);
    const band = (label: string) => report.bySize.find((row: { band: string }) => row.band === label);
    expect(report.bySize.map((row: { band: string }) => row.band)).toEqual([
      '<4',
      '4-8',
      '8-16',
      '16-32',
      '32-64',
      '>=64',
    ]);
    expect(band('4-8')).toMatchObject({ images: 1, meanTruth: 2, mae: 2.4, meanError: 2.4, meanErrorPercent: 120 });
    expect(band('8-16')).toMatchObject({ images: 1, meanTruth: 3, mae: 1.8, meanError: 1.8, meanErrorPercent: 60 });
    expect(band('<4')).toMatchObject({ images: 0, mae: null, meanErrorPercent: null });
  });

  it('prints the per-band table with --by-size', async () => {
    const result = await runEval(['--dataset', dataset, '--by-size'], uniformDependencies().deps);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^dataset\s+.*drone \(subset val\)$/m);
    expect(result.stdout).toMatch(/^head size\s+images\s+mean gt\s+MAE\s+ME\s+ME %$/m);
    expect(result.stdout).toMatch(/^4-8 px\s+1\s+2\.0\s+2\.40\s+\+2\.40\s+\+120\.0%$/m);
    expect(result.stdout).toMatch(/^<4 px\s+0\s+-\s+-\s+-\s+-$/m);
    const plain = await runEval(['--dataset', dataset], uniformDependencies().deps);
    expect(plain.stdout).not.toMatch(/head size\s+images/);
  });

  it('--by-view gives the error per camera view from the person boxes (JSON and table)', async () => {
    const result = await runEval(['--dataset', dataset, '--by-view', '--format', 'json'], uniformDependencies().deps);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    // a: boxes 6x14 and 10x10 (height/width 2.33 and 1: median 1.67); b: three 16x32 boxes (2): both oblique.
    expect(report.perImage.map((row: { view: string }) => row.view)).toEqual(['oblique', 'oblique']);
    expect(report.byView).toEqual([
      { view: 'nadir', images: 0, meanTruth: null, mae: null, meanError: null, meanErrorPercent: null },
      { view: 'oblique', images: 2, meanTruth: 2.5, mae: 2.1, meanError: 2.1, meanErrorPercent: 84 },
    ]);
    const table = await runEval(['--dataset', dataset, '--by-view'], uniformDependencies().deps);
    expect(table.stdout).toMatch(/^view\s+images\s+mean gt\s+MAE\s+ME\s+ME %$/m);
    expect(table.stdout).toMatch(/^oblique\s+2\s+2\.5\s+2\.10\s+\+2\.10\s+\+84\.0%$/m);
    expect(table.stdout).toMatch(/^nadir\s+0\s+-/m);
  });

  it('--image-scale resizes the image and its annotation before the model, and bands after it', async () => {
    const { deps, calls } = uniformDependencies();
    const result = await runEval(['--dataset', dataset, '--image-scale', '0.5', '--by-size', '--format', 'json'], deps);
    expect(result.code).toBe(0);
    expect(calls[0]).toEqual({ width: 32, height: 24, scale: 1 });
    const report = JSON.parse(result.stdout);
    expect(report.imageScale).toBe(0.5);
    const [a, b] = report.perImage;
    // 4 x 3 cells; the ignored region shrinks to [7.75, 15.75)^2, which holds one cell centre (12, 12).
    expect(a).toMatchObject({ width: 32, height: 24, gt: 2, predicted: 1.1, headSizePx: 2 });
    expect(b).toMatchObject({ gt: 3, predicted: 1.2, headSizePx: 4 });
    expect(report.bySize.find((row: { band: string }) => row.band === '<4').images).toBe(1);
  });

  it.each([
    // gsd as stored, image scale, expected people scale: heads are 0.2 m / (gsd / image scale) px.
    ['10 px heads, inside the trained [3, 60] px', '0.02', '1', 1, 10],
    ['2 px heads: enlarged to 3 px', '0.1', '1', 1.5, 2],
    ['100 px heads: shrunk to 60 px', '0.002', '1', 0.6, 100],
    ['1 px heads after --image-scale 0.5: enlarged at most 2x', '0.1', '0.5', 2, 1],
  ])('--scale auto --gsd: %s', async (_name, gsd, imageScale, scale, headPx) => {
    const { deps, calls } = uniformDependencies([3, 60]);
    const args = [
      '--dataset',
      dataset,
      '--scale',
      'auto',
      '--gsd',
      gsd,
      '--image-scale',
      imageScale,
      '--format',
      'json',
    ];
    const result = await runEval(args, deps);
    expect(result.code).toBe(0);
    expect(calls[0]!.scale).toBeCloseTo(scale, 9);
    const report = JSON.parse(result.stdout);
    expect(report.scale).toBeCloseTo(scale, 6);
    expect(report.scaleAuto).toMatchObject({ trainedHeadSizePx: [3, 60] });
    expect(report.scaleAuto.headSizePx).toBeCloseTo(headPx, 3);
    // --gsd alone means --scale auto too.
    const implied = await runEval(
      ['--dataset', dataset, '--gsd', gsd, '--image-scale', imageScale, '--format', 'json'],
      uniformDependencies([3, 60]).deps,
    );
    expect(JSON.parse(implied.stdout).scale).toBeCloseTo(scale, 6);
  });

  it('--scale auto fails clearly when the model does not declare its trained head sizes', async () => {
    const result = await runEval(
      ['--dataset', dataset, '--scale', 'auto', '--gsd', '0.05'],
      uniformDependencies().deps,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--scale auto needs the model's trainedHeadSizePx \(in fake\.json\); give --scale FACTOR instead/,
    );
  });

  it('names the file and line of a bad annotation line, skips that image and evaluates the rest', async () => {
    const bad = join(tmp, 'bad');
    await mkdir(join(bad, 'images'), { recursive: true });
    await mkdir(join(bad, 'annotations_visdrone_orig'), { recursive: true });
    const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    for (const name of ['good', 'broken']) await writeFile(join(bad, `images/${name}.png`), jpeg);
    await writeFile(join(bad, 'annotations_visdrone_orig/good.txt'), '1,1,4,8,1,1,0,0\n');
    await writeFile(join(bad, 'annotations_visdrone_orig/broken.txt'), '1,1,4,8,1,1,0,0\n\n1 1 4 8 1 1 0 0\n');
    const result = await runEval(['--dataset', bad, '--format', 'json'], uniformDependencies().deps);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.images).toBe(1);
    const path = join(bad, 'annotations_visdrone_orig/broken.txt');
    expect(report.problems).toEqual([
      {
        file: path,
        code: 'GROUND_TRUTH_INVALID',
        message: expect.stringMatching(
          new RegExp(
            `^${path}:3: expected 'x,y,w,h,score,category,truncation,occlusion'.*found 1 \\(got "1 1 4 8 1 1 0 0"\\); skipped$`,
          ),
        ),
      },
    ]);
    expect(result.stderr).toContain(`raqib eval: ${path}:3: expected`);
  });
});
