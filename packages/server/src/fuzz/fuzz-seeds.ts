import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RaqibError } from '@raqib/core';
import { shanghaiTechMatFile } from './mat-file-writer.js';
import { textEncoder } from './mutator.js';
import { REPO_ROOT, runCli } from './run-cli.js';

/** The valid inputs every kind's mutants start from, as bytes (small: they are copied into every case). */
export interface SeedFiles {
  /** `raqib simulate --scenario bottleneck` (10 s, 5 fps, 360x240 px at 0.05 m/px). */
  simPoints: Uint8Array;
  simTracks: Uint8Array;
  simZones: Uint8Array;
  simRules: Uint8Array;
  /** Rules with low density thresholds, so that the simulated crowd raises alerts to notify. */
  alertRules: Uint8Array;
  notifyYaml: Uint8Array;
  calibrationGround: Uint8Array;
  calibrationLngLat: Uint8Array;
  /** 2 s of 96x64 test pattern at 5 fps (H.264 MP4), its DJI sidecar, and frames as JPEG and PNG. */
  clipMp4: Uint8Array;
  clipSrt: Uint8Array;
  /** Lon/lat zones for the clip's sidecar: one under the drone, one 0.1 degree (11 km) north. */
  geoZones: Uint8Array;
  imageJpg: Uint8Array;
  imagePng: Uint8Array;
  /** An image with odd width and height (97x65), for `--annotate`. */
  oddPng: Uint8Array;
  matPlain: Uint8Array;
  matCompressed: Uint8Array;
  /** The first 40 frames of a real DroneCrowd track file, when the dataset is present (never saved). */
  droneCrowdTracks: Uint8Array | null;
}

export const FIXTURE_MODEL = '{repo}/packages/server/test-fixtures/fixture-density.onnx';
export const DRONECROWD_TRACKS = join(REPO_ROOT, '../shared/datasets/DroneCrowd/annotations/00003.csv');

function ffmpeg(args: string[]): void {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  if (run.status !== 0) {
    throw new RaqibError('SOURCE_FAILED', `fuzz seeds: ffmpeg ${args.join(' ')} failed: ${run.stderr || run.error}`);
  }
}

/** A DJI Mini-style sidecar: one record per 200 ms, 50 m up, drifting slowly north-east. */
function djiSrt(records: number): string {
  const blocks: string[] = [];
  const time = (ms: number): string => {
    const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
    return `00:00:${pad(Math.floor(ms / 1000))},${pad(ms % 1000, 3)}`;
  };
  for (let i = 0; i < records; i++) {
    const lat = (24.713612 + i * 2e-6).toFixed(6);
    const lng = (46.675301 + i * 2e-6).toFixed(6);
    blocks.push(
      `${i + 1}\n${time(i * 200)} --> ${time((i + 1) * 200)}\n<font size="28">FrameCnt: ${i + 1}, DiffTime: 200ms\n` +
        `2025-03-14 09:05:27.${String(100 + i).padStart(3, '0')}\n` +
        `[iso: 110] [shutter: 1/1000.0] [fnum: 170] [ev: 0] [focal_len: 24.00] [latitude: ${lat}] [longitude: ${lng}] ` +
        `[rel_alt: ${(50 + i * 0.1).toFixed(3)} abs_alt: ${(660 + i * 0.1).toFixed(3)}] [ct: 5400] </font>\n`,
    );
  }
  return blocks.join('\n');
}

/** A square of `sizeDeg` around [lng, lat] as a lon/lat zone. */
function geoSquare(id: string, lng: number, lat: number, sizeDeg: number): object {
  const h = sizeDeg / 2;
  const ring = [
    [lng - h, lat - h],
    [lng + h, lat - h],
    [lng + h, lat + h],
    [lng - h, lat + h],
    [lng - h, lat - h],
  ];
  return { type: 'Feature', properties: { id, space: 'geo' }, geometry: { type: 'Polygon', coordinates: [ring] } };
}

function geoZones(): string {
  const features = [
    geoSquare('under-drone', 46.675305, 24.713615, 0.0002),
    geoSquare('far-away', 46.675305, 24.813615, 0.0002),
  ];
  return JSON.stringify({ type: 'FeatureCollection', features }, null, 2) + '\n';
}

const ALERT_RULES = `# Low thresholds so that the 10 s bottleneck raises and clears alerts (fuzz seed of --notify).
version: 1
defaults:
  density:
    info: { raise: 0.05, clear: 0.02, sustainS: 0, clearSustainS: 0 }
    warning: { raise: 0.2, clear: 0.1, sustainS: 0, clearSustainS: 0 }
zones:
  approach:
    kind: queue
`;

const NOTIFY_YAML = `# Fuzz seed: a terminal notifier, and a webhook on a closed local port for critical alerts only (the
# seed raises none; mutants that lower minSeverity must dead-letter and exit 3).
allowedHosts: [127.0.0.1]
flushTimeoutMs: 3000
notifiers:
  - type: terminal
    minSeverity: info
  - type: webhook
    url: http://127.0.0.1:9/raqib
    secretEnv: RAQIB_FUZZ_SECRET
    minSeverity: critical
    maxAttempts: 2
    initialDelayMs: 10
    maxDelayMs: 50
    attemptTimeoutMs: 1000
`;

/** Ground control points of the simulated 360x240 px image at 0.05 m/px (x east, y south). */
function calibration(lngLat: boolean): string {
  const corners: [number, number][] = [
    [0, 0],
    [360, 0],
    [360, 240],
    [0, 240],
    [180, 120],
    [90, 200],
  ];
  const points = corners.map(([x, y]) => {
    const east = x * 0.05;
    const north = -y * 0.05;
    if (!lngLat) return { image: [x, y], ground: [east, north] };
    const lat = 24.7136 + north / 111_320;
    const lng = 46.6753 + east / (111_320 * Math.cos((24.7136 * Math.PI) / 180));
    return { image: [x, y], lngLat: [Number(lng.toFixed(8)), Number(lat.toFixed(8))] };
  });
  return JSON.stringify({ points, imageSize: [360, 240] }, null, 2) + '\n';
}

/** The first `frames` frames of a track CSV (rows of any order). */
function firstFrames(text: string, frames: number): string {
  const lines = text.split('\n');
  const kept = lines.filter((line, i) => i === 0 || (/^\d+,/.test(line) && Number(line.split(',')[0]) < frames));
  return kept.join('\n') + '\n';
}

/** Builds every seed in `workDir` (simulate, ffmpeg, writers) and reads them back as bytes. */
export async function buildSeedFiles(workDir: string): Promise<SeedFiles> {
  const sim = join(workDir, 'sim');
  const simulated = await runCli(
    ['simulate', '--scenario', 'bottleneck', '--duration', '10', '--tracks', '--out', sim, '--format', 'json'],
    { cwd: workDir, timeoutMs: 120_000 },
  );
  if (simulated.code !== 0) {
    throw new RaqibError('SOURCE_FAILED', `fuzz seeds: raqib simulate failed: ${simulated.stderr.slice(-2000)}`);
  }
  const media = join(workDir, 'media');
  await mkdir(media, { recursive: true });
  const pattern = 'testsrc2=size=96x64:rate=5:duration=2';
  ffmpeg(['-f', 'lavfi', '-i', pattern, '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '5', join(media, 'clip.mp4')]);
  ffmpeg(['-f', 'lavfi', '-i', pattern, '-frames:v', '1', join(media, 'image.jpg')]);
  ffmpeg(['-f', 'lavfi', '-i', pattern, '-frames:v', '1', join(media, 'image.png')]);
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=97x65', '-frames:v', '1', join(media, 'odd.png')]);
  const heads: [number, number][] = [
    [10, 12],
    [40.5, 20],
    [70, 50],
    [88, 30.25],
    [20, 60],
  ];
  const droneCrowd = existsSync(DRONECROWD_TRACKS)
    ? textEncoder.encode(firstFrames(await readFile(DRONECROWD_TRACKS, 'utf8'), 40))
    : null;
  return {
    simPoints: await readFile(join(sim, 'points.csv')),
    simTracks: await readFile(join(sim, 'tracks.csv')),
    simZones: await readFile(join(sim, 'zones.geojson')),
    simRules: await readFile(join(sim, 'rules.yaml')),
    alertRules: textEncoder.encode(ALERT_RULES),
    notifyYaml: textEncoder.encode(NOTIFY_YAML),
    calibrationGround: textEncoder.encode(calibration(false)),
    calibrationLngLat: textEncoder.encode(calibration(true)),
    clipMp4: await readFile(join(media, 'clip.mp4')),
    clipSrt: textEncoder.encode(djiSrt(10)),
    geoZones: textEncoder.encode(geoZones()),
    imageJpg: await readFile(join(media, 'image.jpg')),
    imagePng: await readFile(join(media, 'image.png')),
    oddPng: await readFile(join(media, 'odd.png')),
    matPlain: shanghaiTechMatFile(heads, false),
    matCompressed: shanghaiTechMatFile(heads, true),
    droneCrowdTracks: droneCrowd,
  };
}

/** Predicted tracks for a ground truth: every point moved by a fixed sub-pixel offset (deterministic). */
export function jitterTracks(csv: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(csv);
  const out = text
    .split('\n')
    .map((line) => {
      const fields = line.split(',');
      if (fields.length < 4 || !/^\d+$/.test(fields[0]!.trim())) return line;
      const frame = Number(fields[0]);
      fields[2] = String(Number(fields[2]) + 0.5 + (frame % 3) * 0.25);
      fields[3] = String(Number(fields[3]) - 0.75);
      return fields.join(',');
    })
    .join('\n');
  return textEncoder.encode(out);
}
