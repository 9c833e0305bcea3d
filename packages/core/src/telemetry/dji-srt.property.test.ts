import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRaqibError } from '../raqib-error.js';
import { withCourseHeading } from './course-heading.js';
import { parseDjiSrt, type DjiSrtTelemetry } from './dji-srt.js';
import { TelemetryTrack } from './telemetry-track.js';

// Property: any text gives telemetry records (finite numbers, ordered in time, usable by a
// TelemetryTrack) or TELEMETRY_INVALID naming the file and a line: never another exception.

const FILE = 'fuzz/DJI_0001.SRT';

const number = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -200, max: 700, noNaN: true }).map((v) => v.toFixed(6)) },
  fc.constantFrom('0', '-0', '1e308', '1e400', 'NaN', 'Infinity', '', '--', '9'.repeat(400)),
);
const time = fc
  .oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 3_600_000 }) },
    fc.constantFrom(-1, 359_999_999, 360_000_000),
  )
  .map((ms) => {
    const abs = Math.abs(ms);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${ms < 0 ? '-' : ''}${pad(Math.floor(abs / 3_600_000))}:${pad(Math.floor(abs / 60_000) % 60)}:${pad(Math.floor(abs / 1000) % 60)},${pad(abs % 1000, 3)}`;
  });
const bracketBody = fc
  .record({ lat: number, lng: number, rel: number, abs: number, focal: number, yaw: number, pitch: number })
  .map(
    (v) =>
      `<font size="28">FrameCnt: 1, DiffTime: 33ms\n2025-03-14 09:05:27.118\n[focal_len: ${v.focal}] [latitude: ${v.lat}] ` +
      `[longitude: ${v.lng}] [rel_alt: ${v.rel} abs_alt: ${v.abs}] [gb_yaw: ${v.yaw} gb_pitch: ${v.pitch} gb_roll: 0.0] </font>`,
  );
const gpsBody = fc
  .record({ a: number, b: number, c: number, h: number })
  .map(
    (v) => `HOME(149.0251,-20.2532) 2017.08.05 14:11:51\nGPS(${v.a},${v.b},${v.c}) BAROMETER:45.6 D=24.2m H=${v.h}m`,
  );
const block = fc
  .record({
    index: fc.integer({ min: -1, max: 50 }),
    start: time,
    end: time,
    body: fc.oneof(bracketBody, gpsBody, fc.string({ maxLength: 30 })),
  })
  .map((b) => `${b.index}\n${b.start} --> ${b.end}\n${b.body}\n`);
const srt = fc
  .tuple(fc.array(block, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'))
  .map(([blocks, end]) => blocks.join('\n').replace(/\n/g, end));

function checkTelemetry(telemetry: DjiSrtTelemetry): void {
  let previous = -Infinity;
  for (const record of telemetry.records) {
    expect(Number.isFinite(record.startMs) && Number.isFinite(record.endMs)).toBe(true);
    expect(record.startMs).toBeGreaterThanOrEqual(previous);
    previous = record.startMs;
    for (const value of Object.values(record.pose)) expect(Number.isFinite(value), `pose value ${value}`).toBe(true);
    const { lat, lng } = record.pose;
    if (lat !== undefined) expect(Math.abs(lat)).toBeLessThanOrEqual(90);
    if (lng !== undefined) expect(Math.abs(lng)).toBeLessThanOrEqual(180);
  }
  for (const problem of telemetry.problems) expect(problem.line).toBeGreaterThanOrEqual(1);
  // What the analysis does with it: course headings, then a pose per frame time.
  const track = new TelemetryTrack(withCourseHeading(telemetry.records));
  for (const record of telemetry.records.slice(0, 5)) {
    const pose = track.poseAt(record.startMs + 1);
    for (const value of Object.values(pose ?? {})) expect(Number.isFinite(value)).toBe(true);
  }
}

describe('parseDjiSrt properties', () => {
  it('any text: ordered finite telemetry or TELEMETRY_INVALID naming the file and a line', () => {
    let parsed = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 5, arbitrary: srt }, fc.string({ unit: 'binary', maxLength: 120 })), (text) => {
        try {
          checkTelemetry(parseDjiSrt(text, FILE));
          parsed++;
        } catch (error) {
          if (!isRaqibError(error, 'TELEMETRY_INVALID')) throw error;
          expect(error.message.startsWith(`${FILE}: `)).toBe(true);
          expect(error.message).toMatch(/line \d+|the file is empty/);
        }
      }),
      { numRuns: 400, seed: 70 },
    );
    expect(parsed).toBeGreaterThan(50);
  });
});
