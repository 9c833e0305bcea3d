import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import {
  Detections,
  isRaqibError,
  RaqibError,
  type DensityEstimate,
  type DensityEstimator,
  type RgbImage,
} from '@raqib/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { parseCommandArgs } from '../parse-args.js';
import { createEvalCommand, type EvalDependencies } from './eval-command.js';

const REPO = join(import.meta.dirname, '../../../../..');
const PART_B = join(REPO, '../shared/datasets/ShanghaiTech/part_B/train_data');

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

/** Runs `raqib eval` on injected dependencies; resolves to { code, stdout, stderr } like main(). */
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

/**
 * Fake dependencies: images are decoded by sharp (only their size matters), and the "oracle"
 * estimator answers from the JSON annotation of the image it is given: it drops every 10th head,
 * shifts the even ones 5 px and the odd ones 12 px to the right, and reports count = kept + 0.5.
 */
function oracleDependencies(): EvalDependencies & { closed: () => boolean } {
  const pathOf = new WeakMap<RgbImage, string>();
  let closed = false;
  const estimator: DensityEstimator = {
    async estimate(image): Promise<DensityEstimate> {
      const path = pathOf.get(image)!;
      const gtPath = join(PART_B, 'ground-truth', `GT_${basename(path, '.jpg')}.json`);
      const points = (JSON.parse(await readFile(gtPath, 'utf8')) as { points: number[][] }).points;
      const xy: number[] = [];
      points.forEach(([x, y], i) => {
        if (i % 10 !== 9) xy.push(x! - 1 + (i % 2 === 0 ? 5 : 12), y! - 1);
      });
      const detections = Detections.fromPoints(Float32Array.from(xy), new Float32Array(xy.length / 2).fill(1));
      const count = xy.length / 2 + 0.5;
      const density = { cols: 1, rows: 1, cellPx: Math.max(image.width, image.height), values: Float32Array.of(count) };
      return { density, count, points: detections, inferenceMs: 1, tiles: 1 };
    },
    async close() {
      closed = true;
    },
  };
  return {
    createEstimator: async () => estimator,
    defaultModelPath: () => 'fake.onnx',
    resizeImage: async () => {
      throw new Error('the oracle does not resize');
    },
    loadImage: async (path) => {
      const { width, height } = await sharp(path).metadata();
      if (!width || !height) throw new RaqibError('IMAGE_DECODE_FAILED', `${path}: no size`);
      const image = { width, height, rgb: new Uint8Array(width * height * 3) };
      pathOf.set(image, path);
      return image;
    },
    closed: () => closed,
  };
}

async function expectedErrors(names: string[]): Promise<number[]> {
  const errors: number[] = [];
  for (const name of names) {
    const { points } = JSON.parse(await readFile(join(PART_B, 'ground-truth', `GT_${name}.json`), 'utf8')) as {
      points: unknown[];
    };
    const kept = points.filter((_, i) => i % 10 !== 9).length;
    errors.push(kept + 0.5 - points.length);
  }
  return errors;
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'raqib-eval-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('raqib eval', () => {
  it('scores the first 6 part B images (natural order) and prints one JSON object', async () => {
    const deps = oracleDependencies();
    const result = await runEval(['--dataset', PART_B, '--limit', '6', '--format', 'json'], deps);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(result.stdout);
    const names = ['IMG_1', 'IMG_2', 'IMG_3', 'IMG_4', 'IMG_5', 'IMG_6'];
    expect(report.perImage.map((row: { path: string }) => basename(row.path))).toEqual(names.map((n) => `${n}.jpg`));
    const errors = await expectedErrors(names);
    expect(report.images).toBe(6);
    expect(report.mae).toBeCloseTo(errors.reduce((s, e) => s + Math.abs(e), 0) / 6, 3);
    expect(report.rmse).toBeCloseTo(Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / 6), 3);
    expect(report.meanError).toBeCloseTo(errors.reduce((s, e) => s + e, 0) / 6, 3);
    expect(report.meanErrorPercent).toBeCloseTo((100 * report.meanError * 6) / report.totalTruth, 1);
    expect(report.perImage[0].headSizePx).toBeGreaterThan(0);
    expect(report).not.toHaveProperty('bySize');
    expect(report.msPerImage).toBeGreaterThanOrEqual(0);
    const [at8, at16] = report.localisation;
    // Every prediction lies 5 or 12 px from its own head: all match at 16 px, only about half at 8 px.
    expect(at16).toMatchObject({ radiusPx: 16, precision: 1 });
    expect(at16.recall).toBeCloseTo(report.totalPredicted / report.totalTruth - (6 * 0.5) / report.totalTruth, 3);
    expect(at8.radiusPx).toBe(8);
    expect(at8.precision).toBeGreaterThan(0.45);
    expect(at8.precision).toBeLessThan(0.9);
    expect(deps.closed()).toBe(true);
  });

  it('evaluates only the images a training split lists for this part', async () => {
    const split = join(tmp, 'val-split.json');
    await writeFile(
      split,
      JSON.stringify({
        parts: { A: { val: ['IMG_1.jpg'] }, B: { val: ['IMG_12.jpg', 'IMG_3.jpg'], train: ['IMG_1.jpg'] } },
      }),
    );
    const result = await runEval(['--dataset', PART_B, '--split', split, '--format', 'json'], oracleDependencies());
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.perImage.map((row: { path: string }) => basename(row.path))).toEqual(['IMG_3.jpg', 'IMG_12.jpg']);
  });

  it('prints a table with per-image rows and the summary', async () => {
    const result = await runEval(['--dataset', PART_B, '--limit', '2'], oracleDependencies());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^image\s+gt\s+predicted\s+error\s+head px\s+ms$/m);
    expect(result.stdout).toMatch(/^IMG_2\.jpg\s+\d+\s/m);
    expect(result.stdout).toMatch(/^MAE\s+\d+\.\d\d$/m);
    expect(result.stdout).toMatch(/^ME \(signed\)\s+-\d+\.\d\d {2}\(-\d+\.\d% of the mean count \d+\.\d;/m);
    expect(result.stdout).toMatch(/^\s+16 px\s+1\.000\s+0\.\d+\s+0\.\d+$/m);
  });

  it('reports each bad file by name, evaluates the rest and exits non-zero', async () => {
    const dir = join(tmp, 'bad');
    await mkdir(join(dir, 'images'), { recursive: true });
    await mkdir(join(dir, 'ground-truth'));
    const link = (from: string, to: string) => symlink(join(PART_B, from), join(dir, to));
    await link('images/IMG_1.jpg', 'images/IMG_1.jpg'); // good
    await link('ground-truth/GT_IMG_1.mat', 'ground-truth/GT_IMG_1.mat');
    await link('images/IMG_2.jpg', 'images/IMG_2.jpg'); // no annotation
    await writeFile(join(dir, 'images/IMG_3.jpg'), 'this is text, not a JPEG'); // undecodable
    await link('ground-truth/GT_IMG_3.mat', 'ground-truth/GT_IMG_3.mat');
    await link('images/IMG_4.jpg', 'images/IMG_4.jpg'); // truncated annotation
    const mat = await readFile(join(PART_B, 'ground-truth/GT_IMG_4.mat'));
    await writeFile(join(dir, 'ground-truth/GT_IMG_4.mat'), mat.subarray(0, mat.length / 2));
    await link('images/IMG_5.jpg', 'images/IMG_5.jpg'); // annotation of another image
    await copyFile(join(PART_B, 'ground-truth/GT_IMG_6.json'), join(dir, 'ground-truth/GT_IMG_5.json'));
    await writeFile(join(dir, 'images/readme.txt'), 'notes'); // not an image

    const result = await runEval(['--dataset', dir, '--format', 'json'], oracleDependencies());
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.images).toBe(1);
    expect(report.mae).toBeCloseTo(Math.abs((await expectedErrors(['IMG_1']))[0]!), 3);
    const problems = report.problems as Array<{ file: string; code: string; message: string }>;
    expect(problems.map((p) => [basename(p.file), p.code])).toEqual([
      ['readme.txt', 'INPUT_INVALID'],
      ['IMG_2.jpg', 'GROUND_TRUTH_MISSING'],
      ['IMG_3.jpg', 'IMAGE_DECODE_FAILED'],
      ['GT_IMG_4.mat', 'GROUND_TRUTH_INVALID'],
      ['GT_IMG_5.json', 'GROUND_TRUTH_INVALID'],
    ]);
    expect(problems[4]!.message).toMatch(/annotates image 'IMG_6\.jpg', not 'IMG_5\.jpg'/);
    for (const problem of problems) expect(result.stderr).toContain(problem.message);
  });

  it.each([
    {
      name: 'a dataset path that does not exist',
      args: ['--dataset', '/no/such/dataset'],
      code: 1,
      match: /INPUT_NOT_FOUND: \/no\/such\/dataset: dataset folder does not exist/,
    },
    { name: 'no --dataset', args: [], code: 2, match: /--dataset DIR is required/ },
    {
      name: '--scale auto without --gsd',
      args: ['--dataset', PART_B, '--scale', 'auto'],
      code: 2,
      match: /--scale auto needs --gsd M_PER_PX/,
    },
    {
      name: 'a numeric --scale with --gsd',
      args: ['--dataset', PART_B, '--scale', '2', '--gsd', '0.05'],
      code: 2,
      match: /give --scale 2 or --gsd \(which means --scale auto\), not both/,
    },
    {
      name: 'a --scale that is neither a number nor auto',
      args: ['--dataset', PART_B, '--scale', 'big'],
      code: 2,
      match: /--scale must be a positive number or auto, got 'big'/,
    },
    {
      name: 'a bad --image-scale',
      args: ['--dataset', PART_B, '--image-scale', '0'],
      code: 2,
      match: /--image-scale must be a positive number, got 0/,
    },
    {
      name: 'a bad --limit',
      args: ['--dataset', PART_B, '--limit', '0'],
      code: 2,
      match: /--limit must be a positive integer/,
    },
  ])('fails clearly on $name', async ({ args, code, match }) => {
    const stdout = capture();
    const stderr = capture();
    expect(await main(['eval', ...args], { stdout: stdout.stream, stderr: stderr.stream })).toBe(code);
    expect(stderr.text()).toMatch(match);
    expect(stdout.text()).toBe('');
  });

  it('fails clearly on an empty dataset folder', async () => {
    await mkdir(join(tmp, 'empty/images'), { recursive: true });
    await mkdir(join(tmp, 'empty/ground-truth'));
    const result = await runEval(['--dataset', join(tmp, 'empty')], oracleDependencies());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/DATASET_INVALID: .*empty\/images: no image files/);
  });
});
