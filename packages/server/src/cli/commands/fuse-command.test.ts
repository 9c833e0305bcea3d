import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  CrowdSimulation,
  LocalTangentPlane,
  SimulatedDroneFleet,
  standingCrowdScenario,
  type PointXY,
  type SimulatedDrone,
} from '@raqib/core';
import { main } from '../main.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-fuse-'));

function capture() {
  let out = '';
  let err = '';
  const stdout = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
  const stderr = new Writable({ write: (chunk, _enc, done) => ((err += String(chunk)), done()) });
  return { io: { stdout, stderr }, out: () => out, err: () => err };
}

/** A DJI .SRT (Air 3S layout: FrameCnt, timestamp, focal length, gimbal angles) for a hovering drone. */
function srt(lngLat: [number, number], frames: number, fps: number, startIso: string): string {
  const blocks: string[] = [];
  const start = Date.parse(`${startIso}Z`);
  const clock = (ms: number) => new Date(ms).toISOString().slice(11, 23).replace('.', ',');
  for (let k = 0; k < frames; k++) {
    const ms = Math.round((k * 1000) / fps);
    const next = Math.round(((k + 1) * 1000) / fps);
    const stamp = new Date(start + ms).toISOString().replace('T', ' ').slice(0, 23);
    blocks.push(
      `${k + 1}\n${clock(ms)} --> ${clock(next)}\n<font size="28">FrameCnt: ${k + 1}, DiffTime: ${next - ms}ms\n${stamp}\n` +
        `[iso: 100] [shutter: 1/2000.0] [fnum: 1.8] [ev: 0] [color_md: default] [focal_len: 24.00] [dzoom_ratio: 1.00] ` +
        `[latitude: ${lngLat[1].toFixed(7)}] [longitude: ${lngLat[0].toFixed(7)}] [rel_alt: 40.000 abs_alt: 95.200] ` +
        `[gb_yaw: 0.0 gb_pitch: -90.0 gb_roll: 0.0] [ct: 5800] </font>\n`,
    );
  }
  return blocks.join('\n');
}

describe('raqib fuse', () => {
  it('prints de-duplicated totals of two drones with 30% overlap (within 3% of the truth; the naive sum ~30% high)', async () => {
    const plane = new LocalTangentPlane([46.6753, 24.7136]);
    const truth = new CrowdSimulation(
      standingCrowdScenario({ widthM: 100, heightM: 40, densityPerM2: 0.7 }),
      3,
    ).snapshot(0);
    const separation = 60 * (1 - 0.6 / 1.3);
    const drones: SimulatedDrone[] = [-1, 1].map((side, i) => ({
      droneId: `d${i}`,
      positionM: [(side * separation) / 2, 0],
      altitudeM: 40,
      hfovDeg: 73.74,
      widthPx: 1920,
      heightPx: 1080,
    }));
    const fleet = new SimulatedDroneFleet(drones, plane, { worldToEventM: (x, y): PointXY => [x - 55, 25 - y] });
    const fps = 2;
    const frames = 4;
    const csv = drones.map(() => ['frame,x,y']);
    let trueCount = 0;
    for (let k = 0; k < frames; k++) {
      const seen = fleet.observe({ ...truth, timeS: k / fps });
      trueCount = seen.trueCount;
      seen.frames.forEach((f, d) => {
        const p = f.pointsPx!;
        for (let i = 0; i + 1 < p.length; i += 2) csv[d]!.push(`${k},${p[i]!.toFixed(2)},${p[i + 1]!.toFixed(2)}`);
      });
    }
    const yaml: string[] = ['drones:'];
    drones.forEach((drone, d) => {
      writeFileSync(join(dir, `${drone.droneId}.csv`), `${csv[d]!.join('\n')}\n`);
      // The second drone's recording starts 1 s later by its .SRT clock: its frame k is event time k/fps + 1.
      const startIso = d === 0 ? '2026-05-01T10:00:00.000' : '2026-05-01T10:00:01.000';
      writeFileSync(join(dir, `${drone.droneId}.SRT`), srt(plane.toLngLat(drone.positionM), frames, fps, startIso));
      yaml.push(
        `  - id: ${drone.droneId}`,
        `    points: ${drone.droneId}.csv`,
        `    telemetry: ${drone.droneId}.SRT`,
        '    frameSize: 1920x1080',
        `    fps: ${fps}`,
      );
    });
    writeFileSync(join(dir, 'event.yaml'), `${yaml.join('\n')}\n`);

    const run = capture();
    expect(
      await main(['fuse', '--drones', join(dir, 'event.yaml'), '--max-skew', '0.25', '--format', 'json'], run.io),
    ).toBe(0);
    const result = JSON.parse(run.out()) as {
      steps: {
        timeS: number;
        count: number;
        naiveCount: number;
        drones: { droneId: string }[];
        staleDroneIds: string[];
      }[];
    };
    // Event time runs 0..2.5 s; both drones have frames within 0.25 s of the step from 1 s to 1.5 s.
    expect(result.steps.map((s) => s.timeS)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    const both = result.steps.filter((s) => s.drones.length === 2);
    expect(both.map((s) => s.timeS)).toEqual([1, 1.5]);
    for (const step of both) {
      expect(Math.abs(step.count / trueCount - 1)).toBeLessThan(0.03);
      expect(step.naiveCount / trueCount).toBeGreaterThan(1.25);
    }
    // Before d1 starts only d0 counts; after d0 stops it is listed as stale.
    expect(result.steps[0]!.drones.map((d) => d.droneId)).toEqual(['d0']);
    expect(result.steps[5]!.staleDroneIds).toEqual(['d0']);

    const table = capture();
    expect(await main(['fuse', '--drones', join(dir, 'event.yaml')], table.io)).toBe(0);
    expect(table.out().split('\n')[0]).toMatch(/time s +total +naive +covered m² +drones +stale/);
    expect(table.err()).toBe('');
  });

  it('names the file and field of a bad drones file', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'drones:\n  - id: a\n    points: a.csv\n    frameSize: big\n    fps: 2\n');
    const run = capture();
    expect(await main(['fuse', '--drones', join(dir, 'bad.yaml')], run.io)).not.toBe(0);
    expect(run.err()).toMatch(/bad\.yaml: drones\.0\.frameSize: expected WxH/);
    expect(run.err()).toMatch(/bad\.yaml: drones\.0\.telemetry: Required/);

    const drone = (id: string) =>
      `  - id: ${id}\n    points: a.csv\n    telemetry: a.SRT\n    frameSize: 1920x1080\n    fps: 2\n`;
    writeFileSync(join(dir, 'twice.yaml'), `drones:\n${drone('a')}${drone('a')}`);
    const twice = capture();
    expect(await main(['fuse', '--drones', join(dir, 'twice.yaml')], twice.io)).not.toBe(0);
    expect(twice.err()).toMatch(/twice\.yaml: drones\.1\.id: "a" is used twice/);
    writeFileSync(join(dir, 'typo.yaml'), `drone:\n${drone('a')}`);
    const typo = capture();
    expect(await main(['fuse', '--drones', join(dir, 'typo.yaml')], typo.io)).not.toBe(0);
    expect(typo.err()).toMatch(/typo\.yaml: .*[Uu]nrecognized key.*drone/);
  });
});
