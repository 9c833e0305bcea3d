import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRaqibError } from '@raqib/core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTelemetrySidecar, loadTelemetryForVideo, loadTelemetrySidecar } from './telemetry-sidecar.js';

const SRT = `1
00:00:00,000 --> 00:00:00,033
<font size="28">FrameCnt: 1, DiffTime: 33ms
2025-03-14 09:05:27.118
[focal_len: 24.00] [latitude: 25.197139] [longitude: 55.274111] [rel_alt: 80.000 abs_alt: 95.200] </font>

2
00:00:00,033 --> 00:00:00,066
<font size="28">FrameCnt: 2, DiffTime: 33ms
2025-03-14 09:05:27.151
[focal_len: 24.00] [latitude: 25.197139] [longitude: 55.274211] [rel_alt: 80.100 abs_alt: 95.300] </font>

3
00:00:00,066 -> broken
`;

let dir: string;
const silent = pino({ level: 'silent' });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'raqib-telemetry-'));
  await writeFile(join(dir, 'DJI_0001.MP4'), 'video');
  await writeFile(join(dir, 'DJI_0001.SRT'), SRT);
  await writeFile(join(dir, 'DJI_0002.mp4'), 'video');
  await writeFile(join(dir, 'dji_0002.srt'), '\uFEFF' + SRT);
  await writeFile(join(dir, 'DJI_0003.MP4'), 'video');
  await writeFile(join(dir, 'DJI_0004.MP4'), 'video');
  await writeFile(join(dir, 'DJI_0004.SRT'), 'not a subtitle file\n');
  await writeFile(join(dir, 'utf16.SRT'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SRT, 'utf16le')]));
  await mkdir(join(dir, 'folder.SRT'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('findTelemetrySidecar', () => {
  it('finds <base>.SRT next to the video, any case', async () => {
    expect(await findTelemetrySidecar(join(dir, 'DJI_0001.MP4'))).toBe(join(dir, 'DJI_0001.SRT'));
    expect(await findTelemetrySidecar(join(dir, 'DJI_0002.mp4'))).toBe(join(dir, 'dji_0002.srt'));
  });
  it('is undefined without a sidecar or a readable directory', async () => {
    expect(await findTelemetrySidecar(join(dir, 'DJI_0003.MP4'))).toBeUndefined();
    expect(await findTelemetrySidecar(join(dir, 'missing', 'x.mp4'))).toBeUndefined();
  });
});

describe('loadTelemetryForVideo', () => {
  it('parses the sidecar, skips the broken block and fills the course heading', async () => {
    const sidecar = (await loadTelemetryForVideo(join(dir, 'DJI_0001.MP4'), { logger: silent }))!;
    expect(sidecar.path).toBe(join(dir, 'DJI_0001.SRT'));
    expect(sidecar.telemetry.format).toBe('framecnt');
    expect(sidecar.telemetry.records).toHaveLength(2);
    expect(sidecar.telemetry.problems).toEqual([
      { line: 14, message: 'expected a timing line "HH:MM:SS,mmm --> HH:MM:SS,mmm", got "00:00:00,066 -> broken"' },
    ]);
    const pose = sidecar.track.poseAt(40)!;
    expect(pose.relativeAltitudeM).toBeCloseTo(80.1, 9);
    expect(pose.focalLength35mm).toBe(24);
    // Moved ~10 m east between the two records.
    expect(pose.headingDeg).toBeCloseTo(90, 6);
  });

  it('reads a UTF-8 BOM and UTF-16 files', async () => {
    const bom = (await loadTelemetryForVideo(join(dir, 'DJI_0002.mp4'), { logger: silent }))!;
    expect(bom.telemetry.records[0]!.index).toBe(1);
    const utf16 = await loadTelemetrySidecar(join(dir, 'utf16.SRT'), { logger: silent });
    expect(utf16.telemetry.records[1]!.pose.lng).toBe(55.274211);
  });

  it('is undefined for a video without a sidecar', async () => {
    expect(await loadTelemetryForVideo(join(dir, 'DJI_0003.MP4'))).toBeUndefined();
  });

  it('reports unusable sidecars as TELEMETRY_INVALID naming the file', async () => {
    const message = async (p: Promise<unknown>): Promise<string> => {
      try {
        await p;
      } catch (error) {
        if (isRaqibError(error, 'TELEMETRY_INVALID')) return error.message;
        throw error;
      }
      return 'no error';
    };
    expect(await message(loadTelemetryForVideo(join(dir, 'DJI_0004.MP4')))).toBe(
      `${join(dir, 'DJI_0004.SRT')}: no telemetry blocks found (line 1: expected a subtitle number, got "not a subtitle file"); ` +
        'expected DJI subtitle blocks like "1\\n00:00:00,000 --> 00:00:00,033\\n[latitude: ..] ..."',
    );
    expect(await message(loadTelemetrySidecar(join(dir, 'folder.SRT')))).toBe(
      `${join(dir, 'folder.SRT')}: cannot read the telemetry sidecar: is a directory`,
    );
    expect(await message(loadTelemetryForVideo(join(dir, 'x.mp4'), { sidecarPath: join(dir, 'nope.SRT') }))).toBe(
      `${join(dir, 'nope.SRT')}: cannot read the telemetry sidecar: no such file`,
    );
  });
});
