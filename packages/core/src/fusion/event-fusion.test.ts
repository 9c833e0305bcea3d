import { describe, expect, it } from 'vitest';
import { AlertEngine } from '../alerts/alert-engine.js';
import type { AlertEvent } from '../alerts/alert-event.js';
import { applyHomography, invertHomography } from '../geometry/homography.js';
import { LocalTangentPlane } from '../geometry/local-tangent-plane.js';
import { pointInRing, type PointXY } from '../geometry/polygon.js';
import { CrowdSimulation } from '../simulation/crowd-simulation.js';
import { gaussianDensityMap } from '../testing/gaussian-density-map.js';
import type { AreaZone, LineZone } from '../zones/zone.js';
import { droneFrameFromPose, type DroneFrame } from './drone-frame.js';
import { EventFusion } from './event-fusion.js';
import { eventZonesFromGeo } from './event-zone.js';
import { fuseEventFrame } from './fuse-event-frame.js';
import { SimulatedDroneFleet, type SimulatedDrone } from './simulated-drone-fleet.js';
import { standingCrowdScenario } from './standing-crowd-scenario.js';

const plane = new LocalTangentPlane([46.6753, 24.7136]);
const SEPARATION_M = 60 * (1 - 0.6 / 1.3);

function drone(id: string, east: number): SimulatedDrone {
  return { droneId: id, positionM: [east, 0], altitudeM: 40, hfovDeg: 73.74, widthPx: 1920, heightPx: 1080 };
}

const rect = (x0: number, y0: number, x1: number, y1: number): PointXY[] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

/** A standing geo zone drawn in event metres, stored in lon/lat as a zones file would hold it. */
function geoZone(id: string, ...ringsM: PointXY[][]): AreaZone {
  return {
    id,
    kind: 'standing',
    space: 'geo',
    geometry: { type: 'Polygon', rings: ringsM.map((ring) => ring.map((p) => plane.toLngLat(p))) },
  };
}

describe('event-wide zone readings', () => {
  // ~2,800 people standing at 0.7/m² on 100 x 40 m, centred on the event origin.
  const truth = new CrowdSimulation(standingCrowdScenario({ widthM: 100, heightM: 40, densityPerM2: 0.7 }), 5).snapshot(
    0,
  );
  const toEvent = (x: number, y: number): PointXY => [x - 55, 25 - y];
  const fleet = new SimulatedDroneFleet([drone('a', -SEPARATION_M / 2), drone('b', SEPARATION_M / 2)], plane, {
    worldToEventM: toEvent,
  });
  const seen = fleet.observe(truth);
  const trueIn = (ring: PointXY[]) => {
    let n = 0;
    for (let i = 0; i < truth.count; i++) if (pointInRing(...toEvent(truth.x[i]!, truth.y[i]!), ring)) n++;
    return n;
  };

  it('reads a zone spanning both drones once: count, density on the covered part, covered fraction', () => {
    const across = rect(-25, -10, 25, 10); // 1000 m², across the overlap, fully covered
    const beyond = rect(20, -10, 80, 10); // covered up to x = 46.15 (drone b's edge): 26.15 / 60
    const { zones } = eventZonesFromGeo([geoZone('across', across), geoZone('beyond', beyond)], plane);
    const fused = fuseEventFrame(seen.frames, zones);
    const [a, b] = fused.zones;
    expect(a!.zoneAreaM2).toBeCloseTo(1000, 0);
    expect(a!.coveredFraction).toBeCloseTo(1, 6);
    expect(Math.abs(a!.count / trueIn(across) - 1)).toBeLessThan(0.05);
    expect(a!.densityPerM2).toBeCloseTo(a!.count / a!.areaM2!, 9);
    // Each drone read alone counts the overlap part too: the sum is far above one reading.
    const perDrone = seen.frames.map((f) => fuseEventFrame([f], zones).zones[0]!.count);
    expect(perDrone[0]! + perDrone[1]!).toBeGreaterThan(1.5 * a!.count);

    expect(b!.coveredFraction).toBeCloseTo((SEPARATION_M / 2 + 30 - 20) / 60, 3);
    const coveredPart = rect(20, -10, SEPARATION_M / 2 + 30, 10);
    expect(Math.abs(b!.count / trueIn(coveredPart) - 1)).toBeLessThan(0.08);
    expect(b!.densityPerM2!).toBeGreaterThan(0.55);
    expect(b!.densityPerM2!).toBeLessThan(0.85);
  });

  it('reads the same zones from density maps: convex zones and a concave one agree with the points', () => {
    const lShape: PointXY[] = [
      [-25, -10],
      [25, -10],
      [25, 0],
      [0, 0],
      [0, 10],
      [-25, 10],
    ];
    const { zones } = eventZonesFromGeo(
      [
        geoZone('across', rect(-25, -10, 25, 10)),
        geoZone('ell', lShape),
        geoZone('holed', rect(-25, -10, 25, 10), rect(-5, -5, 5, 5)),
      ],
      plane,
    );
    expect(zones.map((z) => z.convex)).toEqual([true, false, false]);
    const fromPoints = fuseEventFrame(seen.frames, zones);
    const fromDensity = fuseEventFrame(
      seen.frames.map(({ pointsPx, ...f }) => {
        const points: PointXY[] = [];
        for (let i = 0; i + 1 < pointsPx!.length; i += 2) points.push([pointsPx![i]!, pointsPx![i + 1]!]);
        return { ...f, density: gaussianDensityMap(points, { widthPx: 1920, heightPx: 1080, cellPx: 8, sigmaPx: 3 }) };
      }),
      zones,
    );
    expect(fromDensity.zones[1]!.areaM2).toBeCloseTo(750, 0);
    fromDensity.zones.forEach((reading, z) => {
      const points = fromPoints.zones[z]!;
      expect(reading.areaM2).toBeCloseTo(points.areaM2!, 6);
      // A head blurred over ~3 px (10 cm) may fall either side of a zone edge: a few people of ~500.
      expect(Math.abs(reading.count - points.count)).toBeLessThan(6);
      expect(reading.peakLocalDensityPerM2).toBeUndefined(); // needs points
    });
  });

  it('subtracts holes, and leaves out image-space and line zones with a reason', () => {
    const withHole = geoZone('ring', rect(-25, -10, 25, 10), rect(-5, -5, 5, 5));
    const image: AreaZone = { ...withHole, id: 'img', space: 'image' };
    const line: LineZone = {
      id: 'gate',
      kind: 'gate',
      space: 'geo',
      geometry: { type: 'LineString', points: [plane.toLngLat([0, 0]), plane.toLngLat([1, 0])] },
    };
    const { zones, skipped } = eventZonesFromGeo([withHole, image, line], plane);
    expect(zones.map((z) => z.id)).toEqual(['ring']);
    expect(skipped.map((s) => s.id)).toEqual(['img', 'gate']);
    const fused = fuseEventFrame(seen.frames, zones);
    expect(fused.zones[0]!.areaM2).toBeCloseTo(900, 0);
    expect(
      Math.abs(fused.zones[0]!.count / (trueIn(rect(-25, -10, 25, 10)) - trueIn(rect(-5, -5, 5, 5))) - 1),
    ).toBeLessThan(0.06);
  });

  it('a zone out of every view reads 0 people on 0 m², without a density', () => {
    const { zones } = eventZonesFromGeo([geoZone('far', rect(200, 200, 210, 210))], plane);
    const reading = fuseEventFrame(seen.frames, zones).zones[0]!;
    expect(reading).toMatchObject({ count: 0, areaM2: 0, coveredFraction: 0 });
    expect(reading.densityPerM2).toBeUndefined();
  });
});

describe('peak local density of a geo zone from the fused points', () => {
  it('finds a 6.25/m² hotspot in a 1/m² crowd that spans two drones', () => {
    // Ground points: a 1 m lattice on 40 x 20 m, plus a 4 x 4 m block at 0.4 m spacing (6.25/m²) on the
    // ownership boundary (x = 0), seen by two nadir drones 32.3 m apart.
    const ground: PointXY[] = [];
    for (let x = -19.5; x < 20; x += 1)
      for (let y = -9.5; y < 10; y += 1) if (Math.abs(x) > 2 || Math.abs(y) > 2) ground.push([x, y]);
    for (let x = -1.8; x < 2; x += 0.4) for (let y = -1.8; y < 2; y += 0.4) ground.push([x, y]);
    const frames = [-SEPARATION_M / 2, SEPARATION_M / 2].map((east, i) => {
      const base = droneFrameFromPose({
        droneId: `d${i}`,
        timeS: 0,
        widthPx: 1920,
        heightPx: 1080,
        plane,
        pose: { ...latLng(plane.toLngLat([east, 0])), relativeAltitudeM: 40, focalLength35mm: 24 },
      });
      const toImage = invertHomography(base.imageToGround);
      const px: number[] = [];
      for (const p of ground) {
        const [u, v] = applyHomography(toImage, p);
        if (u >= 0 && u < 1920 && v >= 0 && v < 1080) px.push(u, v);
      }
      return { ...base, pointsPx: Float32Array.from(px) };
    });
    const { zones } = eventZonesFromGeo([geoZone('field', rect(-20, -10, 20, 10))], plane);
    const reading = fuseEventFrame(frames, zones).zones[0]!;
    expect(reading.count).toBe(ground.length);
    expect(reading.densityPerM2).toBeCloseTo(ground.length / 800, 6);
    expect(reading.peakLocalDensityPerM2!).toBeGreaterThan(5.5);
    expect(reading.peakLocalDensityPerM2!).toBeLessThan(7.5);
    // Without the hotspot the peak stays near the lattice's 1/m².
    const calm = fuseEventFrame(
      frames.map((f) => ({ ...f, pointsPx: f.pointsPx.filter((_, k, all) => !inHotspot(f, all, k)) })),
      zones,
    ).zones[0]!;
    expect(calm.peakLocalDensityPerM2!).toBeLessThan(1.6);
  });
});

/** True when the k-th coordinate of `pointsPx` belongs to a point inside the 4 x 4 m hotspot. */
function inHotspot(frame: DroneFrame, pointsPx: Float32Array, k: number): boolean {
  const i = k - (k % 2);
  const [e, n] = applyHomography(frame.imageToGround, [pointsPx[i]!, pointsPx[i + 1]!]);
  return Math.abs(e) < 2 && Math.abs(n) < 2;
}

describe('alerts for a geo zone are raised once for the event', () => {
  it('one event-level engine raises once where two per-drone engines raise twice', () => {
    // 2.6 persons/m² (above the standing info threshold of 2.0) on 40 x 20 m, across both drones.
    const truth = new CrowdSimulation(
      standingCrowdScenario({ widthM: 40, heightM: 20, densityPerM2: 2.6 }),
      2,
    ).snapshot(0);
    const fleet = new SimulatedDroneFleet([drone('a', -SEPARATION_M / 2), drone('b', SEPARATION_M / 2)], plane, {
      worldToEventM: (x, y) => [x - 25, 15 - y],
    });
    const { zones } = eventZonesFromGeo([geoZone('pit', rect(-20, -10, 20, 10))], plane);
    const fusion = new EventFusion({ zones });
    const eventEngine = new AlertEngine({ streamId: 'event' });
    const droneEngines = [new AlertEngine({ streamId: 'a' }), new AlertEngine({ streamId: 'b' })];
    const eventRaised: AlertEvent[] = [];
    const droneRaised: AlertEvent[] = [];
    for (let t = 0; t <= 30; t += 0.5) {
      const { frames } = fleet.observe({ ...truth, timeS: t });
      frames.forEach((frame, d) => {
        fusion.add(frame);
        const alone = fuseEventFrame([frame], zones);
        droneRaised.push(...droneEngines[d]!.evaluate({ timeS: t, readings: alone.zones }).filter(isRaise));
      });
      const step = fusion.fuse(t);
      expect(step.staleDroneIds).toEqual([]);
      expect(step.zones[0]!.densityPerM2!).toBeGreaterThan(2.2);
      eventRaised.push(...eventEngine.evaluate(fusion.alertFrame(step)).filter(isRaise));
    }
    expect(eventRaised.length).toBeGreaterThan(0);
    expect(new Set(eventRaised.map((e) => `${e.rule}:${e.severity}`)).size).toBe(eventRaised.length);
    expect(eventRaised.every((e) => e.streamId === 'event' && e.zoneId === 'pit')).toBe(true);
    expect(droneRaised).toHaveLength(2 * eventRaised.length);
  });
});

const isRaise = (e: AlertEvent) => e.type === 'raised';

describe('EventFusion picks frames by time', () => {
  const frameAt = (droneId: string, timeS: number, east: number): DroneFrame =>
    droneFrameFromPose({
      droneId,
      timeS,
      widthPx: 100,
      heightPx: 100,
      plane,
      pose: { ...latLng(plane.toLngLat([east, 0])), relativeAltitudeM: 20, focalLength35mm: 18 },
      pointsPx: Float32Array.of(50, 50),
    });

  it('uses each drone nearest frame within maxSkewS and reports the stale ones', () => {
    const fusion = new EventFusion({ maxSkewS: 0.3 });
    for (const t of [0, 0.5, 1, 1.5]) fusion.add(frameAt('a', t, 0));
    fusion.add(frameAt('b', 1.2, 100));
    fusion.add(frameAt('b', 0.2, 100)); // out of order
    const at1 = fusion.fuse(1);
    expect(at1.drones.map((d) => [d.droneId, d.timeS])).toEqual([
      ['a', 1],
      ['b', 1.2],
    ]);
    expect(at1.skewS).toBeCloseTo(0.2, 9);
    expect(at1.count).toBe(2);
    const at07 = fusion.fuse(0.7);
    expect(at07.staleDroneIds).toEqual(['b']);
    expect(at07.count).toBe(1);
    fusion.remove('b');
    expect(fusion.fuse(1.2).drones.map((d) => d.droneId)).toEqual(['a']);
  });

  it('refuses frames it cannot place or count', () => {
    expect(() =>
      droneFrameFromPose({
        droneId: 'x',
        timeS: 0,
        widthPx: 100,
        heightPx: 100,
        plane,
        pose: { relativeAltitudeM: 20 },
      }),
    ).toThrow(/drone "x".*cannot be placed on the event map.*\.SRT/);
    const f = frameAt('a', 0, 0);
    expect(() => fuseEventFrame([f, f], [])).toThrow(/drone "a" has two frames/);
    const { pointsPx: _unused, ...empty } = f;
    expect(() => fuseEventFrame([empty], [])).toThrow(/neither head points nor a density map/);
  });
});

function latLng([lng, lat]: [number, number]) {
  return { lng, lat };
}
