import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

const FIXTURE_MODEL = fileURLToPath(new URL('../../../test-fixtures/fixture-density.onnx', import.meta.url));

let dir: string;

/** Runs `raqib ...` in-process and captures stdout and stderr. */
async function raqib(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

// The fixture model's "count" of a uniformly black 64x64 image: darkness 0.6 everywhere, a 3x3 box
// blur with zero padding at the border, summed and divided by 128: 0.6 / 9 * (3 * 64 - 2)^2 / 128.
const BLACK_64_COUNT = ((0.6 / 9) * (3 * 64 - 2) ** 2) / 128;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'raqib-count-'));
  await mkdir(join(dir, 'frames'));
  const black = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: '#000' } });
  await black(64, 64)
    .png()
    .toFile(join(dir, 'frames', 'IMG_10.png'));
  await sharp({ create: { width: 64, height: 64, channels: 3, background: '#fff' } })
    .png()
    .toFile(join(dir, 'frames', 'IMG_2.png'));
  await writeFile(join(dir, 'frames', 'notes.txt'), 'not an image');
  await black(128, 64).png().toFile(join(dir, 'wide, "quoted".png'));
  await writeFile(join(dir, 'broken.jpg'), 'definitely not a jpeg');
  await mkdir(join(dir, 'empty'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('raqib count', () => {
  it('prints one JSON object with a count per image, in natural order', async () => {
    const result = await raqib('count', join(dir, 'frames'), '--format', 'json', '--model', FIXTURE_MODEL);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      images: { path: string; count: number; ms: number }[];
      total: number;
    };
    expect(report.images.map((image) => image.path)).toEqual([
      join(dir, 'frames', 'IMG_2.png'),
      join(dir, 'frames', 'IMG_10.png'),
    ]);
    expect(report.images[0]?.count).toBe(0);
    expect(report.images[1]?.count).toBeCloseTo(BLACK_64_COUNT, 2);
    expect(report.images[1]?.ms).toBeGreaterThan(0);
    expect(report.total).toBeCloseTo(BLACK_64_COUNT, 2);
    expect(result.stderr).toMatch(/skipped 1 non-image file\(s\): .*notes\.txt/);
  });

  it('reports each bad input clearly, exits 1, and still counts the others', async () => {
    const missing = join(dir, 'does-not-exist.jpg');
    const result = await raqib(
      'count',
      join(dir, 'broken.jpg'),
      missing,
      join(dir, 'empty'),
      join(dir, 'frames', 'IMG_10.png'),
      '--format',
      'json',
      '--model',
      FIXTURE_MODEL,
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { images: { path: string }[]; errors: { code: string }[] };
    expect(report.images.map((image) => image.path)).toEqual([join(dir, 'frames', 'IMG_10.png')]);
    expect(report.errors.map((error) => error.code).sort()).toEqual([
      'IMAGE_DECODE_FAILED',
      'INPUT_INVALID',
      'INPUT_NOT_FOUND',
    ]);
    expect(result.stderr).toContain(`error INPUT_NOT_FOUND: ${missing}: no such file or directory`);
    expect(result.stderr).toContain(`error IMAGE_DECODE_FAILED: ${join(dir, 'broken.jpg')}: not an image`);
    expect(result.stderr).toContain(`${join(dir, 'empty')}: directory contains no image files`);
  });

  it('writes CSV with quoted paths, and a table with a total', async () => {
    const wide = join(dir, 'wide, "quoted".png');
    const csv = await raqib('count', wide, '--format', 'csv', '--model', FIXTURE_MODEL);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('path,count,ms,width,height,points');
    expect(lines[1]).toMatch(
      new RegExp(`^"${wide.replace(/"/g, '""').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}",\\d+\\.\\d{2},`),
    );
    expect(lines[1]).toMatch(/,128,64,\d+$/);

    const table = await raqib('count', join(dir, 'frames'), wide, '--model', FIXTURE_MODEL);
    expect(table.code).toBe(0);
    const rows = table.stdout.trim().split('\n');
    expect(rows).toHaveLength(5);
    expect(rows[2]).toMatch(/^\s+18\.8\s+\d+\s+64x64\s+.*IMG_10\.png$/);
    expect(rows[4]).toMatch(/total\s+3 images$/);
  });

  it('scales images with --scale (the fixture count grows with the pixel area)', async () => {
    const path = join(dir, 'frames', 'IMG_10.png');
    const result = await raqib('count', path, '--scale', '2', '--format', 'json', '--model', FIXTURE_MODEL);
    const count = (JSON.parse(result.stdout) as { total: number }).total;
    expect(count / BLACK_64_COUNT).toBeGreaterThan(3.8);
    expect(count / BLACK_64_COUNT).toBeLessThan(4.2);
  });

  it('rejects bad usage with exit code 2', async () => {
    expect((await raqib('count')).code).toBe(2);
    expect((await raqib('count', dir, '--scale', '-1')).code).toBe(2);
    expect((await raqib('count', dir, '--scale', '2', '--gsd', '0.02')).code).toBe(2);
    expect((await raqib('count', dir, '--format', 'xml')).code).toBe(2);
  });

  it('fails with a clear message when the model is missing', async () => {
    const result = await raqib('count', join(dir, 'frames'), '--model', join(dir, 'nope.onnx'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`MODEL_LOAD_FAILED: ${join(dir, 'nope.onnx')}: model file not found`);
  });
});
