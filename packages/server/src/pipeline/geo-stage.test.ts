import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Detections, TelemetryTrack, type FrameAnalysis } from '@raqib/core';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadTelemetrySidecar } from '../ingest/telemetry-sidecar.js';
import { GeoStage } from './geo-stage.js';
import type { FrameContext } from './stage.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-geo-stage-'));
const silent = pino({ level: 'silent' });

function srtTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `00:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')},${String(ms % 1000).padStart(3, '0')}`;
}

/**
 * A DJI .SRT of `count` 1 Hz records hovering at 80 m, with `glitch` changing record `at` (0-based),
 * or every record from `at` on when it `persists`.
 */
function writeSrt(
  name: string,
  count: number,
  glitch?: { at: number; latDeg?: number; altM?: number; persists?: boolean },
): string {
  let text = '';
  for (let i = 0; i < count; i++) {
    const hit = glitch !== undefined && (glitch.persists ? i >= glitch.at : i === glitch.at);
    const lat = 25.197139 + i * 0.00001 + (hit ? (glitch.latDeg ?? 0) : 0);
    const alt = 80 + (hit ? (glitch.altM ?? 0) : 0);
    text +=
      `${i + 1}\n${srtTime(i * 1000)} --> ${srtTime(i * 1000 + 1000)}\n` +
      `<font size="28">FrameCnt: ${i + 1}, DiffTime: 1000ms\n2025-03-14 09:05:27.118\n` +
      `[focal_len: 24.00] [latitude: ${lat.toFixed(6)}] [longitude: 55.274111] [rel_alt: ${alt.toFixed(3)} abs_alt: 95.200] </font>\n\n`;
  }
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function context(seq: number, ptsMs: number): FrameContext {
  const analysis: FrameAnalysis = {
    frame: { streamId: 's', seq, ptsMs, width: 1920, height: 1080 },
    timeS: ptsMs / 1000,
    count: 0,
    detections: Detections.empty(),
    zones: [],
  };
  return { analysis, inferenceMs: 0 };
}

/** Runs frames every 500 ms over `seconds` through a GeoStage on `track`; returns the contexts. */
function run(stage: GeoStage, seconds: number): FrameContext[] {
  const contexts: FrameContext[] = [];
  for (let k = 0; k < seconds * 2; k++) {
    const c = context(k, k * 500);
    stage.process(c);
    contexts.push(c);
  }
  return contexts;
}

describe('GeoStage with damaged telemetry', () => {
  it('rejects a 0.1 degree GPS glitch instead of crashing on a singular homography', async () => {
    const { track } = await loadTelemetrySidecar(writeSrt('gps.SRT', 10, { at: 5, latDeg: 0.1 }), { logger: silent });
    const stage = new GeoStage({ telemetry: track });
    const frames = run(stage, 10);
    for (const c of frames) {
      expect(c.analysis.frame.pose?.lat).toBeCloseTo(25.1972, 3); // never 11 km away
      expect(c.analysis.frame.gsdMPerPx).toBeCloseTo(frames[0]!.analysis.frame.gsdMPerPx!, 6);
    }
    const [telemetry, ground] = stage.dataQuality();
    expect(telemetry!.counts).toMatchObject({ records: 10, rejectedRecords: 1, positionJumps: 1, altitudeJumps: 0 });
    expect(telemetry!.overLimit).toBe(false);
    expect(telemetry!.warnings).toEqual([
      expect.stringMatching(
        /gps\.SRT: 1 of 10 records rejected as impossible jumps \(first: record 6 at 5\.000 s, position moved 11\.1 km where at most 50\.0 m was possible; limits 40 m\/s horizontal, 15 m\/s vertical\): their frames use the neighbouring records$/,
      ),
    ]);
    expect(ground!.counts).toEqual({ frames: 20, framesWithoutGroundModel: 0 });
  });

  it.each([20, 2000])('does not use an SRT altitude that jumps %d m for one record', async (altM) => {
    const { track } = await loadTelemetrySidecar(writeSrt(`alt${altM}.SRT`, 10, { at: 4, altM }), { logger: silent });
    const stage = new GeoStage({ telemetry: track });
    for (const c of run(stage, 10)) expect(c.analysis.frame.pose?.relativeAltitudeM).toBe(80);
    expect(stage.dataQuality()[0]!.counts).toMatchObject({ rejectedRecords: 1, altitudeJumps: 1 });
  });

  it('says the telemetry is unreliable when more than a quarter of it is rejected', async () => {
    const path = writeSrt('step.SRT', 8, { at: 4, altM: 2000, persists: true });
    const { track } = await loadTelemetrySidecar(path, { logger: silent });
    const stage = new GeoStage({ telemetry: track });
    run(stage, 8);
    const [telemetry] = stage.dataQuality();
    expect(telemetry!.counts).toMatchObject({ records: 8, rejectedRecords: 4, rejectedShare: 0.5 });
    expect(telemetry!.overLimit).toBe(true);
    expect(telemetry!.warnings[0]).toMatch(/over the 25\.0% limit, the telemetry is unreliable/);
  });

  it('degrades a frame whose ground model is singular (no GSD), counts it and goes on', () => {
    // A corrupted altitude of 1e-300 m passes every range check but gives a singular homography.
    const pose = { relativeAltitudeM: 1e-300, focalLength35mm: 24 };
    const track = new TelemetryTrack([
      { index: 1, startMs: 0, endMs: 1000, pose: { relativeAltitudeM: 80, focalLength35mm: 24 } },
      { index: 2, startMs: 1000, endMs: 2000, pose },
      { index: 3, startMs: 2000, endMs: 3000, pose },
    ]);
    const stage = new GeoStage({ telemetry: track });
    const frames = run(stage, 3);
    expect(frames[0]!.analysis.frame.gsdMPerPx).toBeGreaterThan(0);
    expect(frames[4]!.ground).toEqual({ source: 'none' });
    expect(frames[4]!.analysis.frame.gsdMPerPx).toBeUndefined();
    const ground = stage.dataQuality().find((part) => part.section === 'ground')!;
    expect(ground.counts.framesWithoutGroundModel).toBeGreaterThanOrEqual(2);
    expect(ground.warnings).toEqual([
      expect.stringMatching(
        /^\d+ of 6 frames have no ground model \(first at \d\.\d\d s: homography is singular.*\): no GSD or m² readings for them$/,
      ),
    ]);
  });
});
