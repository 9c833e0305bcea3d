import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultModelPath } from '../../inference/index.js';
import { makePanZoomClip, type ClipFrameTruth } from '../../testing/pan-zoom-clip.js';
import { main } from '../main.js';

const partB = new URL('../../../../../../shared/datasets/ShanghaiTech/part_B/train_data/', import.meta.url).pathname;
const hasModel = existsSync(defaultModelPath());
const dir = mkdtempSync(join(tmpdir(), 'raqib-analyze-'));

function capture(): { io: { stdout: Writable; stderr: Writable }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const stdout = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
  const stderr = new Writable({ write: (chunk, _enc, done) => ((err += String(chunk)), done()) });
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}

function quadrantZones(): string {
  const square = (id: string, x0: number, y0: number) => ({
    type: 'Feature',
    properties: { id, kind: 'standing' },
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [x0, y0],
          [x0 + 0.5, y0],
          [x0 + 0.5, y0 + 0.5],
          [x0, y0 + 0.5],
          [x0, y0],
        ],
      ],
    },
  });
  const features = [square('nw', 0, 0), square('ne', 0.5, 0), square('sw', 0, 0.5), square('se', 0.5, 0.5)];
  return JSON.stringify({ type: 'FeatureCollection', features });
}

describe.skipIf(!hasModel)('raqib analyze on a drone-like pan over a real annotated crowd (validation image)', () => {
  let truth: ClipFrameTruth[];
  const clip = join(dir, 'pan.mp4');

  beforeAll(async () => {
    // ShanghaiTech B IMG_148 (282 heads) is in the held-out validation split: the model never trained on it.
    const gt = JSON.parse(readFileSync(join(partB, 'ground-truth/GT_IMG_148.json'), 'utf8')) as {
      points: [number, number][];
    };
    truth = await makePanZoomClip({
      imagePath: join(partB, 'images/IMG_148.jpg'),
      points: gt.points.map(([x, y]) => [x - 1, y - 1] as const),
      outPath: clip,
      fps: 4,
      frames: 12,
      widthPx: 960,
      heightPx: 540,
      from: { x: 0, y: 0, width: 1024, height: 576 },
      to: { x: 160, y: 240, width: 768, height: 432 },
    });
    writeFileSync(join(dir, 'quadrants.geojson'), quadrantZones());
  });

  it('counts each frame within 15% of the moving ground truth on average, and zones add up', async () => {
    const out = join(dir, 'out');
    const { io, out: stdout } = capture();
    const code = await main(
      [
        'analyze',
        clip,
        '--out',
        out,
        '--zones',
        join(dir, 'quadrants.geojson'),
        '--gsd',
        '0.02',
        '--scale',
        '1',
        '--format',
        'json',
      ],
      io,
    );
    expect(code).toBe(0);
    const summary = JSON.parse(stdout());
    expect(summary.frames).toBe(12);
    const lines = readFileSync(join(out, 'analysis.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(12);
    const relativeErrors = lines.map((line, k) => Math.abs(line.count - truth[k]!.count) / truth[k]!.count);
    const meanRelativeError = relativeErrors.reduce((a, b) => a + b, 0) / relativeErrors.length;
    expect(meanRelativeError).toBeLessThan(0.15);
    for (const line of lines) {
      const frame = line.zones.find((zone: { zoneId: string }) => zone.zoneId === 'frame');
      const quadrants = line.zones.filter((zone: { kind: string }) => zone.kind === 'area');
      expect(quadrants).toHaveLength(4);
      const sum = quadrants.reduce((total: number, zone: { count: number }) => total + zone.count, 0);
      expect(Math.abs(sum - frame.count)).toBeLessThanOrEqual(0.01 * frame.count);
      // 960x540 px at 2 cm/px = 207.36 m², a quarter each
      expect(frame.areaM2).toBeCloseTo(207.36, 1);
      expect(quadrants[0].densityPerM2).toBeCloseTo(quadrants[0].count / 51.84, 3);
    }
    const csv = readFileSync(join(out, 'zones.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 12 * 5);
    expect(readFileSync(join(out, 'heatmap.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('rejects a malformed zones file naming the field at fault, before analysing anything', async () => {
    const zones = join(dir, 'bad-zones.geojson');
    writeFileSync(
      zones,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { id: 'a' },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [0, 0],
                  [1, 0],
                ],
              ],
            },
          },
        ],
      }),
    );
    const { io, err } = capture();
    const code = await main(['analyze', clip, '--out', join(dir, 'bad'), '--zones', zones], io);
    expect(code).toBe(1);
    expect(err()).toMatch(/bad-zones\.geojson: features\[0\]\.geometry\.coordinates\[0\]/);
    expect(existsSync(join(dir, 'bad', 'analysis.jsonl'))).toBe(false);
  });
});

describe('raqib analyze input errors', () => {
  it('names a missing input and exits 1', async () => {
    const { io, err } = capture();
    expect(await main(['analyze', join(dir, 'nope.mp4')], io)).toBe(1);
    expect(err()).toMatch(/nope\.mp4: no such file or directory/);
  });
});
