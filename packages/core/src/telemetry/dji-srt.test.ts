import { describe, expect, it } from 'vitest';
import { isRaqibError } from '../raqib-error.js';
import { withCourseHeading } from './course-heading.js';
import { parseDjiSrt } from './dji-srt.js';
import { TelemetryTrack } from './telemetry-track.js';

// Synthetic sidecars, one per layout in docs/CROWD-SAFETY.md, written to look like the drones' files.

/** 1: bracketed key/values (Mini 3/4 Pro, Air 2, FPV), 30 fps. */
const FORMAT_1 = `1
00:00:00,000 --> 00:00:00,033
<font size="28">2023-04-15 10:12:01.482
[iso: 110] [shutter: 1/1000.0] [fnum: 170] [ev: 0] [color_md: default] [latitude: 24.713612] [longitude: 46.675301] [rel_alt: 55.300 abs_alt: 667.812] [ct: 5400] </font>

2
00:00:00,033 --> 00:00:00,066
<font size="28">2023-04-15 10:12:01.515
[iso: 110] [shutter: 1/1000.0] [fnum: 170] [ev: 0] [color_md: default] [latitude: 24.713618] [longitude: 46.675307] [rel_alt: 55.400 abs_alt: 667.912] [ct: 5400] </font>
`;

/** 2: GPS/BAROMETER/HOME with D and H (Phantom 4 style, longitude first), 1 Hz, CRLF line ends. */
const FORMAT_2 = [
  '1',
  '00:00:00,000 --> 00:00:01,000',
  'HOME(149.0251,-20.2532) 2017.08.05 14:11:51',
  'GPS(149.0253,-20.2534,16) BAROMETER:45.6 D=24.2m H=45.5m',
  'ISO:100 Shutter:60 EV:0 Fnum:F2.2',
  '',
  '2',
  '00:00:01,000 --> 00:00:02,000',
  'HOME(149.0251,-20.2532) 2017.08.05 14:11:52',
  'GPS(149.0255,-20.2536,16) BAROMETER:47.6 D=30.1m H=47.5m',
  'ISO:100 Shutter:60 EV:0 Fnum:F2.2',
  '',
].join('\r\n');

/** 2 (Matrice 300): latitude first, values with an `M` suffix, no H. */
const FORMAT_2_M300 = `1
00:00:00,000 --> 00:00:01,000
2022.06.21 16:06:17
GPS(36.6146,-6.1120,0.0M) BAROMETER:79.8M

2
00:00:01,000 --> 00:00:02,000
2022.06.21 16:06:18
GPS(36.6148,-6.1122,0.0M) BAROMETER:81.8M
`;

/** 3: P4 RTK with flight (F.PRY) and gimbal (G.PRY) pitch/roll/yaw. */
const FORMAT_3 = `1
00:00:00,000 --> 00:00:01,000
F/5.6, SS 400, ISO 100, EV 0, GPS (-58.851745, -34.237922, 20), HOME (-58.847509, -34.232707, -57.98m), D 698.70m, H 85.80m, H.S 0.00m/s, V.S 0.00m/s, F.PRY (2.7°, -7.0°, 110.1°), G.PRY (-24.4°, 0.0°, 110.4°)

2
00:00:01,000 --> 00:00:02,000
F/5.6, SS 400, ISO 100, EV 0, GPS (-58.851740, -34.237911, 20), HOME (-58.847509, -34.232707, -57.98m), D 697.41m, H 85.83m, H.S 2.88m/s, V.S 0.00m/s, F.PRY (3.0°, -19.9°, 110.3°), G.PRY (-24.4°, 0.0°, 110.5°)
`;

/** 4: SrtCnt/DiffTime, focal length x10 and digital zoom x10000 (Mavic 3), 60 fps. */
const FORMAT_4 = `1
00:00:00,000 --> 00:00:00,016
<font size="28">SrtCnt : 1, DiffTime : 16ms
2023-09-02 17:41:05,384,112
[iso : 100] [shutter : 1/1250.0] [fnum : 280] [ev : 0] [ct : 5600] [color_md : default] [focal_len : 240] [dzoom_ratio: 10000, delta:0],[latitude: 51.507412] [longitude: -0.127589] [rel_alt: 60.000 abs_alt: 91.352] </font>

2
00:00:00,016 --> 00:00:00,033
<font size="28">SrtCnt : 2, DiffTime : 17ms
2023-09-02 17:41:05,401,002
[iso : 100] [shutter : 1/1250.0] [fnum : 280] [ev : 0] [ct : 5600] [color_md : default] [focal_len : 240] [dzoom_ratio: 20000, delta:0],[latitude: 51.507413] [longitude: -0.127590] [rel_alt: 60.100 abs_alt: 91.452] </font>
`;

/** 5: FrameCnt, literal decimals, gimbal angles (Air 3S, Mini 5 Pro), 30 fps. */
const FORMAT_5 = `1
00:00:00,000 --> 00:00:00,033
<font size="28">FrameCnt: 1, DiffTime: 33ms
2025-03-14 09:05:27.118
[iso: 100] [shutter: 1/2000.0] [fnum: 1.8] [ev: 0] [color_md: default] [focal_len: 24.00] [dzoom_ratio: 1.00] [latitude: 25.197139] [longitude: 55.274111] [rel_alt: 80.000 abs_alt: 95.200] [gb_yaw: 135.2 gb_pitch: -90.0 gb_roll: 0.0] [ct: 5800] </font>

2
00:00:00,033 --> 00:00:00,066
<font size="28">FrameCnt: 2, DiffTime: 33ms
2025-03-14 09:05:27.151
[iso: 100] [shutter: 1/2000.0] [fnum: 1.8] [ev: 0] [color_md: default] [focal_len: 24.00] [dzoom_ratio: 1.00] [latitude: 25.197140] [longitude: 55.274112] [rel_alt: 80.100 abs_alt: 95.300] [gb_yaw: 135.4 gb_pitch: -89.9 gb_roll: 0.1] [ct: 5800] </font>
`;

describe('parseDjiSrt: the five DJI layouts', () => {
  it('1: bracketed', () => {
    const t = parseDjiSrt(FORMAT_1, 'a.SRT');
    expect(t.format).toBe('bracketed');
    expect(t.problems).toEqual([]);
    expect(t.records).toHaveLength(2);
    expect(t.records[1]).toEqual({
      index: 2,
      startMs: 33,
      endMs: 66,
      timestamp: '2023-04-15T10:12:01.515',
      pose: { lat: 24.713618, lng: 46.675307, relativeAltitudeM: 55.4, absoluteAltitudeM: 667.912 },
    });
  });

  it('2: GPS/BAROMETER/H, longitude first, CRLF', () => {
    const t = parseDjiSrt(FORMAT_2, 'b.SRT');
    expect(t.format).toBe('gps-barometer');
    expect(t.records.map((r) => [r.startMs, r.endMs])).toEqual([
      [0, 1000],
      [1000, 2000],
    ]);
    // H (height above home) is preferred over the barometer reading.
    expect(t.records[0]!.pose).toEqual({ lat: -20.2534, lng: 149.0253, relativeAltitudeM: 45.5 });
    expect(t.records[0]!.timestamp).toBe('2017-08-05T14:11:51');
  });

  it('2: Matrice 300 with M suffixes, latitude first', () => {
    const t = parseDjiSrt(FORMAT_2_M300, 'c.SRT');
    expect(t.format).toBe('gps-barometer');
    expect(t.records[1]!.pose).toEqual({ lat: 36.6148, lng: -6.1122, relativeAltitudeM: 81.8 });
  });

  it('2: the GPS order can be forced', () => {
    const t = parseDjiSrt(FORMAT_2_M300, 'c.SRT', { gpsOrder: 'lngLat' });
    expect(t.records[0]!.pose.lat).toBe(-6.112);
  });

  it('3: P4 RTK F.PRY / G.PRY', () => {
    const t = parseDjiSrt(FORMAT_3, 'd.SRT');
    expect(t.format).toBe('pry');
    expect(t.records[0]!.pose).toEqual({
      lat: -34.237922,
      lng: -58.851745,
      relativeAltitudeM: 85.8,
      headingDeg: 110.1,
      gimbalPitchDeg: -24.4,
      gimbalRollDeg: 0,
      gimbalYawDeg: 110.4,
    });
  });

  it('4: SrtCnt, focal_len x10 (240 = 24 mm), dzoom x10000', () => {
    const t = parseDjiSrt(FORMAT_4, 'e.SRT');
    expect(t.format).toBe('srtcnt');
    expect(t.records[0]).toMatchObject({ index: 1, startMs: 0, endMs: 16, frameCount: 1 });
    expect(t.records[0]!.timestamp).toBe('2023-09-02T17:41:05.384');
    expect(t.records[0]!.pose).toEqual({
      lat: 51.507412,
      lng: -0.127589,
      relativeAltitudeM: 60,
      absoluteAltitudeM: 91.352,
      focalLength35mm: 24,
    });
    // 2x digital zoom doubles the effective focal length.
    expect(t.records[1]!.pose.focalLength35mm).toBe(48);
  });

  it('5: FrameCnt, literal decimals, gimbal angles', () => {
    const t = parseDjiSrt(FORMAT_5, 'f.SRT');
    expect(t.format).toBe('framecnt');
    expect(t.records[1]).toEqual({
      index: 2,
      startMs: 33,
      endMs: 66,
      frameCount: 2,
      timestamp: '2025-03-14T09:05:27.151',
      pose: {
        lat: 25.19714,
        lng: 55.274112,
        relativeAltitudeM: 80.1,
        absoluteAltitudeM: 95.3,
        focalLength35mm: 24,
        gimbalPitchDeg: -89.9,
        gimbalYawDeg: 135.4,
        gimbalRollDeg: 0.1,
      },
    });
  });
});

describe('parseDjiSrt: damaged files', () => {
  it('skips malformed blocks and reports their line numbers', () => {
    const text =
      FORMAT_1.replace('00:00:00,033 --> 00:00:00,066', '00:00:00,033 -> 00:00:00,066') +
      `
x
00:00:00,066 --> 00:00:00,099
[latitude: 24.7] [longitude: 46.6]

4
00:00:00,099 --> 00:00:00,133
[latitude: 124.7] [longitude: 46.6] [rel_alt: 50.0 abs_alt: 60.0]
`;
    const t = parseDjiSrt(text, 'g.SRT');
    expect(t.records.map((r) => r.index)).toEqual([1, 4]);
    expect(t.records[1]!.pose).toEqual({ relativeAltitudeM: 50, absoluteAltitudeM: 60 });
    expect(t.problems).toEqual([
      {
        line: 7,
        message: 'expected a timing line "HH:MM:SS,mmm --> HH:MM:SS,mmm", got "00:00:00,033 -> 00:00:00,066"',
      },
      { line: 11, message: 'expected a subtitle number, got "x"' },
      { line: 15, message: 'position [124.7, 46.6] is out of range; ignored' },
    ]);
  });

  it('drops the (0, 0) "no GPS fix" position and reads the misspelt "longtitude"', () => {
    const t = parseDjiSrt(
      '1\n00:00:00,000 --> 00:00:00,033\n[latitude : 0.000000] [longtitude : 0.000000] [rel_alt: 1.2 abs_alt: 30]\n\n' +
        '2\n00:00:00,033 --> 00:00:00,066\n[latitude : 52.1] [longtitude : 4.6] [rel_alt: 1.3 abs_alt: 30.1]\n',
      'h.SRT',
    );
    expect(t.records[0]!.pose.lat).toBeUndefined();
    expect(t.records[1]!.pose).toMatchObject({ lat: 52.1, lng: 4.6 });
  });

  it('throws TELEMETRY_INVALID when nothing can be read', () => {
    const attempt = (text: string): string => {
      try {
        parseDjiSrt(text, 'DJI_0001.SRT');
      } catch (error) {
        if (isRaqibError(error, 'TELEMETRY_INVALID')) return error.message;
      }
      return 'no error';
    };
    expect(attempt('')).toContain('DJI_0001.SRT: no telemetry blocks found (the file is empty)');
    expect(attempt('hello\nworld\n')).toContain(
      'DJI_0001.SRT: no telemetry blocks found (line 1: expected a subtitle number, got "hello")',
    );
  });
});

describe('TelemetryTrack', () => {
  const frame = (index: number, startMs: number, endMs: number) => ({ index, startMs, endMs, pose: {} });
  const track = new TelemetryTrack([frame(3, 66, 100), frame(1, 0, 33), frame(2, 33, 66)]);

  const cases: [number, number | undefined][] = [
    [0, 1],
    [20, 1],
    [33, 2],
    [65.9, 2],
    [66, 3],
    [2000, 3], // within the 2 s gap after the last record
    [2101, undefined],
    [-500, 1],
    [-2500, undefined],
  ];
  it.each(cases)('record at %f ms -> %s', (ptsMs, index) => {
    expect(track.recordAt(ptsMs)?.index).toBe(index);
  });

  it('interpolates 1 Hz poses between records', () => {
    const m300 = new TelemetryTrack(parseDjiSrt(FORMAT_2_M300, 'c.SRT').records);
    const pose = m300.poseAt(250)!;
    expect(pose.lat).toBeCloseTo(36.6146 + 0.25 * 0.0002, 10);
    expect(pose.lng).toBeCloseTo(-6.112 - 0.25 * 0.0002, 10);
    expect(pose.relativeAltitudeM).toBeCloseTo(79.8 + 0.25 * 2, 10);
  });

  it('interpolates yaw along the shorter arc', () => {
    const t = new TelemetryTrack([
      { index: 1, startMs: 0, endMs: 1000, pose: { headingDeg: 350 } },
      { index: 2, startMs: 1000, endMs: 2000, pose: { headingDeg: 10 } },
    ]);
    expect(t.poseAt(500)!.headingDeg).toBeCloseTo(0, 10);
    expect(t.poseAt(750)!.headingDeg).toBeCloseTo(5, 10);
  });
});

describe('withCourseHeading', () => {
  it('fills the heading from the course over ground when the sidecar has none', () => {
    // Flying east 0.0001° of longitude (~11 m at 0°) per record, then north.
    const records = [0, 1, 2].map((i) => ({
      index: i + 1,
      startMs: i * 1000,
      endMs: (i + 1) * 1000,
      pose: { lat: 0, lng: i * 1e-4 },
    }));
    records.push({ index: 4, startMs: 3000, endMs: 4000, pose: { lat: 1e-4, lng: 2e-4 } });
    const out = withCourseHeading(records);
    expect(out.map((r) => Math.round(r.pose.headingDeg ?? -1))).toEqual([90, 90, 0, 0]);
    // Records that already have a gimbal yaw are left alone.
    const fixed = withCourseHeading([
      { index: 1, startMs: 0, endMs: 1, pose: { lat: 0, lng: 0, gimbalYawDeg: 200 } },
      ...records,
    ]);
    expect(fixed[0]!.pose.headingDeg).toBeUndefined();
  });
});
