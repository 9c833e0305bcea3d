import { hfovFromFocal35mm } from '@raqib/core';
import { describe, expect, it } from 'vitest';
import { liveTelemetryBodySchema, telemetryIssueText, telemetrySamplesOf } from './live-telemetry-sample.js';
import { LiveTelemetry, refusedText } from './live-telemetry.js';

const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);

/** A telemetry store whose clock the test moves. */
function telemetryAt(startMs = T0, maxAgeMs = 5000) {
  let nowMs = startMs;
  const telemetry = new LiveTelemetry({ maxAgeMs, nowMs: () => nowMs });
  return { telemetry, setNow: (ms: number) => (nowMs = ms) };
}

/** Parses a body like the route does; throws with the issue text when it is refused. */
function samplesOf(body: unknown, receivedAtMs = T0) {
  const parsed = liveTelemetryBodySchema.safeParse(body);
  if (!parsed.success) throw new Error(telemetryIssueText(parsed.error.issues, 'body'));
  return telemetrySamplesOf(parsed.data, receivedAtMs);
}

const near = { lat: 24.4672, lng: 39.6112, relativeAltitudeM: 60, focalLength35mm: 24 };

describe('live telemetry samples (schema)', () => {
  it('takes DJI .SRT field names, one sample or a batch; hfov becomes the 35 mm focal length', () => {
    const [single] = samplesOf({ ...near, gimbalPitchDeg: -90 }, T0 + 7);
    expect(single).toEqual({ timeMs: T0 + 7, pose: { ...near, gimbalPitchDeg: -90 } });
    const batch = samplesOf({
      samples: [
        { timeMs: T0, relativeAltitudeM: 50, hfovDeg: 84 },
        { timeMs: T0 + 100, relativeAltitudeM: 51, hfovDeg: 84 },
      ],
    });
    expect(batch.map((s) => s.timeMs)).toEqual([T0, T0 + 100]);
    // The ground model turns the focal length back into the same field of view: one GSD path.
    expect(hfovFromFocal35mm(batch[0]!.pose.focalLength35mm!)).toBeCloseTo(84, 9);
  });

  it.each([
    [{ ...near, lat: 91 }, 'body.lat: Too big'],
    [{ relativeAltitudeM: '60' }, 'body.relativeAltitudeM: Invalid input: expected number, received string'],
    [{ lat: 24.4 }, 'body.lng: lat and lng go together'],
    [{ relativeAltitudeM: 60, altitude: 60 }, 'body: Unrecognized key: "altitude"'],
    [
      { relativeAltitudeM: 60, focalLength35mm: 24, hfovDeg: 84 },
      'body.hfovDeg: give focalLength35mm or hfovDeg, not both',
    ],
    [{ samples: [{ relativeAltitudeM: 60 }] }, 'body.samples.0.timeMs: required in a batch'],
    [{ samples: [{ timeMs: T0, relativeAltitudeM: 2000 }] }, 'body.samples.0.relativeAltitudeM: Too big'],
    [{ timeMs: 1_700_000_000, relativeAltitudeM: 60 }, 'body.timeMs: Too small'],
    [{ timeMs: T0 }, 'body: a sample needs at least one field besides timeMs'],
    [{ lat: 0, lng: 0, relativeAltitudeM: 60 }, 'body.lat: lat 0, lng 0 is what drones send without a GPS fix'],
  ])('refuses %j naming the field', (body, expected) => {
    expect(() => samplesOf(body)).toThrow(expected);
  });
});

describe('LiveTelemetry', () => {
  it('gives each frame the latest sample at or before its capture time, none when older than maxAgeMs', () => {
    const { telemetry, setNow } = telemetryAt();
    setNow(T0 + 2000);
    const pushed = telemetry.push(
      'cam1',
      [
        { timeMs: T0, pose: { relativeAltitudeM: 60 } },
        { timeMs: T0 + 1000, pose: { relativeAltitudeM: 62 } },
      ],
      'http',
    );
    expect(pushed).toEqual({ accepted: 2, skipped: 0, refused: [], reanchored: false });
    expect(telemetry.poseForFrame('cam1', { capturedAtMs: T0 - 1 })).toBeUndefined();
    expect(telemetry.poseForFrame('cam1', { capturedAtMs: T0 + 999 })).toEqual({ relativeAltitudeM: 60 });
    expect(telemetry.poseForFrame('cam1', { capturedAtMs: T0 + 1000 })).toEqual({ relativeAltitudeM: 62 });
    expect(telemetry.poseForFrame('cam1', { capturedAtMs: T0 + 6000 })).toEqual({ relativeAltitudeM: 62 });
    expect(telemetry.poseForFrame('cam1', { capturedAtMs: T0 + 6001 })).toBeUndefined();
    expect(telemetry.health('cam1')).toMatchObject({
      samples: 2,
      lastSampleAtMs: T0 + 1000,
      lastChannel: 'http',
      framesWithPose: 3,
      framesStale: 1,
      framesWithoutTelemetry: 1,
    });
    expect(telemetry.health('other')).toBeUndefined();
  });

  it('skips samples not newer than the latest (a retried batch) and refuses a clock far ahead', () => {
    const { telemetry } = telemetryAt();
    telemetry.push('cam1', [{ timeMs: T0, pose: { relativeAltitudeM: 60 } }], 'mqtt');
    const again = telemetry.push(
      'cam1',
      [
        { timeMs: T0, pose: { relativeAltitudeM: 60 } },
        { timeMs: T0 + 60_000, pose: { relativeAltitudeM: 60 } },
      ],
      'http',
    );
    expect(again.skipped).toBe(1);
    expect(again.refused).toEqual([
      { index: 1, field: 'timeMs', message: expect.stringMatching(/60\.0 s ahead of the server clock/) },
    ]);
    expect(telemetry.health('cam1')).toMatchObject({
      samples: 1,
      skippedSamples: 1,
      refusedSamples: 1,
      lastChannel: 'mqtt',
    });
  });

  it('refuses position and altitude jumps beyond the .SRT reader limits, naming the field', () => {
    const { telemetry, setNow } = telemetryAt();
    setNow(T0 + 5000);
    telemetry.push('cam1', [{ timeMs: T0, pose: { ...near } }], 'http');
    // 0.1° of latitude (11 km) in 1 s; then the barometer jumping 200 m in 1 s.
    const result = telemetry.push(
      'cam1',
      [
        { timeMs: T0 + 1000, pose: { ...near, lat: near.lat + 0.1 } },
        { timeMs: T0 + 2000, pose: { ...near, relativeAltitudeM: 260 } },
        { timeMs: T0 + 3000, pose: { ...near, lat: near.lat + 0.0003, relativeAltitudeM: 62 } },
      ],
      'http',
    );
    expect(result.accepted).toBe(1);
    expect(result.refused.map((r) => [r.index, r.field])).toEqual([
      [0, 'lat'],
      [1, 'relativeAltitudeM'],
    ]);
    expect(result.refused[0]!.message).toMatch(/^position moved 11\.1 km in 1\.0 s .* at most 50\.0 m is possible/);
    expect(refusedText(result, true, 'body')).toMatch(
      /^body\.samples\.0\.lat: position moved .*; body\.samples\.1\.relativeAltitudeM: relative altitude moved 200\.0 m .*; the other 1 accepted samples were kept$/,
    );
  });

  it('re-anchors when the accepted sample was the glitch: three refused samples that agree replace it', () => {
    const { telemetry, setNow } = telemetryAt();
    setNow(T0 + 10_000);
    telemetry.push('cam1', [{ timeMs: T0, pose: { ...near, lat: near.lat + 0.1 } }], 'http'); // the glitch came first
    const outcomes = [1, 2, 3, 4].map((s) =>
      telemetry.push('cam1', [{ timeMs: T0 + s * 1000, pose: { ...near } }], 'http'),
    );
    expect(outcomes.map((o) => [o.accepted, o.refused.length, o.reanchored])).toEqual([
      [0, 1, false],
      [0, 1, false],
      [1, 0, true],
      [1, 0, false],
    ]);
    expect(telemetry.poseForFrame('cam1', { capturedAtMs: T0 + 4500 })).toEqual(near);
  });

  it('keeps a bounded history per stream and forgets a deleted stream', () => {
    let nowMs = T0;
    const telemetry = new LiveTelemetry({ keepMs: 10_000, keepSamples: 50, nowMs: () => nowMs });
    for (let i = 0; i < 200; i++) {
      nowMs = T0 + i * 100;
      telemetry.push('cam1', [{ timeMs: nowMs, pose: { relativeAltitudeM: 60 } }], 'mqtt');
    }
    // The 50 newest (the last 5 s) remain: a frame 6 s back finds none.
    expect(telemetry.poseForFrame('cam1', { capturedAtMs: nowMs - 4900 })).toEqual({ relativeAltitudeM: 60 });
    expect(telemetry.poseForFrame('cam1', { capturedAtMs: nowMs - 5000 })).toBeUndefined();
    telemetry.forget('cam1');
    expect(telemetry.health('cam1')).toBeUndefined();
  });
});
