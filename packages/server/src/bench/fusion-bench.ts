/**
 * `npm run bench:fusion`: accuracy and speed of the event-wide de-duplication (core `fusion/`).
 *
 * One simulated standing crowd (social-force simulator, ~0.7 persons/m²) seen by 2-10 simulated drones
 * (40 m, 24 mm eq., 1920x1080: 60 x 33.75 m footprints; neighbours overlap by 46% of a footprint
 * side by side, 30% above each other; yaw jittered ±10°, pitch -90° to -80°), each with its own
 * noisy detector (5% misses, 5% extras). Prints, per drone count: the true number of people on the
 * covered ground, the fused total's error, the naive sum's excess, and the median CPU time of one
 * fusion step from head points, from density maps, and from points with 20 geo zones. Then the error of two drones under
 * telemetry position errors of 0-5 m (random directions, several seeds), with, for comparison, the
 * error of matching points across drones within a radius instead of footprint ownership.
 *
 * Env: RAQIB_BENCH_DRONES (e.g. "2,3,4,6,8,10"), RAQIB_BENCH_REPEATS (timed steps, default 20).
 */
import {
  CrowdSimulation,
  LocalTangentPlane,
  NeighbourGrid,
  SeededRandom,
  SimulatedDroneFleet,
  applyHomography,
  eventZonesFromGeo,
  fuseEventFrame,
  standingCrowdScenario,
  type AreaZone,
  type DroneFrame,
  type PointXY,
  type SimulatedDrone,
  type TruthFrame,
} from '@raqib/core';
import { pointsDensityMap } from '../pipeline/points-density-map.js';

const plane = new LocalTangentPlane([46.6753, 24.7136]);
const STEP_EAST_M = 60 * (1 - 0.6 / 1.3);
const STEP_NORTH_M = 33.75 * 0.7;

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

function layout(count: number, random: SeededRandom): SimulatedDrone[] {
  const rows = count >= 4 ? 2 : 1;
  const cols = Math.ceil(count / rows);
  const drones: SimulatedDrone[] = [];
  for (let i = 0; i < count; i++) {
    const col = i % cols;
    const row = Math.floor(i / cols);
    drones.push({
      droneId: `d${i + 1}`,
      positionM: [(col - (cols - 1) / 2) * STEP_EAST_M, (row - (rows - 1) / 2) * STEP_NORTH_M],
      altitudeM: 40,
      hfovDeg: 73.74,
      widthPx: 1920,
      heightPx: 1080,
      yawDeg: random.uniform(-10, 10),
      pitchDeg: random.uniform(-90, -80),
    });
  }
  return drones;
}

/** A crowd larger than the drones' union, centred on the event origin. */
function crowdFor(
  drones: SimulatedDrone[],
  densityPerM2 = 0.7,
  marginM = 15,
): { truth: TruthFrame; toEvent: (x: number, y: number) => PointXY } {
  const xs = drones.map((d) => d.positionM[0]);
  const ys = drones.map((d) => d.positionM[1]);
  const widthM = Math.max(...xs) - Math.min(...xs) + 60 + 2 * marginM;
  const heightM = Math.max(...ys) - Math.min(...ys) + 33.75 + 2 * marginM;
  const scenario = standingCrowdScenario({ widthM, heightM, densityPerM2, warmUpS: 0.5 });
  const truth = new CrowdSimulation(scenario, 9).snapshot(0);
  const cx = scenario.world.widthM / 2;
  const cy = scenario.world.heightM / 2;
  return { truth, toEvent: (x, y) => [x - cx, cy - y] };
}

function withDensityMaps(frames: DroneFrame[]): DroneFrame[] {
  // The density map `analyze --points` builds: one person per point, in its 8 px cell.
  return frames.map(({ pointsPx, ...frame }) => ({
    ...frame,
    density: pointsDensityMap(Float32Array.from(pointsPx ?? []), frame.widthPx, frame.heightPx, 8),
  }));
}

function zonesOver(drones: SimulatedDrone[], random: SeededRandom): AreaZone[] {
  return Array.from({ length: 20 }, (_, i) => {
    const d = drones[i % drones.length]!;
    const [e, n] = [d.positionM[0] + random.uniform(-20, 20), d.positionM[1] + random.uniform(-10, 10)];
    const ring: PointXY[] = [
      [e - 8, n - 6],
      [e + 8, n - 6],
      [e + 8, n + 6],
      [e - 8, n + 6],
    ];
    return {
      id: `z${i}`,
      kind: 'standing',
      space: 'geo',
      geometry: { type: 'Polygon', rings: [ring.map((p) => plane.toLngLat(p))] },
    };
  });
}

/**
 * Median CPU time of one call, ms (user + system time of this process: less distorted than wall time
 * when other jobs share the cores; includes garbage collection).
 */
function timeMs(repeats: number, run: () => void): number {
  const times: number[] = [];
  run(); // warm-up (JIT)
  for (let k = 0; k < repeats; k++) {
    const started = process.cpuUsage();
    run();
    const used = process.cpuUsage(started);
    times.push((used.user + used.system) / 1000);
  }
  return Number(percentile(times, 0.5).toFixed(2));
}

function benchDrones(count: number, repeats: number) {
  const random = new SeededRandom(count);
  const drones = layout(count, random);
  const { truth, toEvent } = crowdFor(drones);
  const fleet = new SimulatedDroneFleet(drones, plane, { worldToEventM: toEvent, seed: count });
  const seen = fleet.observe(truth);
  const fused = fuseEventFrame(seen.frames, []);
  const densityFrames = withDensityMaps(seen.frames);
  const fusedDensity = fuseEventFrame(densityFrames, []);
  const footprints = fused.ownership.regions.reduce((s, r) => s + r.footprintAreaM2, 0);
  const { zones } = eventZonesFromGeo(zonesOver(drones, random), plane);
  return {
    drones: count,
    people: seen.trueCount,
    coveredM2: Math.round(fused.coveredAreaM2),
    overlapShare: Number(((footprints - fused.coveredAreaM2) / fused.coveredAreaM2).toFixed(3)),
    fusedErrorPct: Number((100 * (fused.count / seen.trueCount - 1)).toFixed(2)),
    densityErrorPct: Number((100 * (fusedDensity.count / seen.trueCount - 1)).toFixed(2)),
    naiveExcessPct: Number((100 * (fused.naiveCount / seen.trueCount - 1)).toFixed(1)),
    pointsStepMs: timeMs(repeats, () => fuseEventFrame(seen.frames, [])),
    densityStepMs: timeMs(Math.max(3, Math.floor(repeats / 4)), () => fuseEventFrame(densityFrames, [])),
    zones20StepMs: timeMs(repeats, () => fuseEventFrame(seen.frames, zones)),
  };
}

/**
 * The alternative to ownership: project every drone's points to the ground and merge points of different
 * drones closer than `radiusM` (greedy, nearest first within the radius), counting each pair once.
 */
function pointFusionCount(frames: DroneFrame[], radiusM: number): number {
  const xs: number[] = [];
  const ys: number[] = [];
  const owner: number[] = [];
  frames.forEach((frame, d) => {
    const p = frame.pointsPx!;
    for (let i = 0; i + 1 < p.length; i += 2) {
      const [e, n] = applyHomography(frame.imageToGround, [p[i]!, p[i + 1]!]);
      xs.push(e);
      ys.push(n);
      owner.push(d);
    }
  });
  const grid = new NeighbourGrid(Math.max(radiusM, 0.1));
  grid.rebuild(xs, ys, xs.length);
  const merged = new Uint8Array(xs.length);
  let count = 0;
  for (let i = 0; i < xs.length; i++) {
    if (merged[i]) continue;
    count++;
    let best = -1;
    let bestD = radiusM;
    grid.forEachNear(xs[i]!, ys[i]!, (j) => {
      if (j === i || merged[j] || owner[j] === owner[i]) return;
      const d = Math.hypot(xs[j]! - xs[i]!, ys[j]! - ys[i]!);
      if (d <= bestD) {
        best = j;
        bestD = d;
      }
    });
    if (best >= 0) merged[best] = 1;
  }
  return count;
}

function benchPositionError(seeds: number, densityPerM2: number) {
  const pair: SimulatedDrone[] = [-1, 1].map((side, i) => ({
    droneId: `d${i + 1}`,
    positionM: [(side * STEP_EAST_M) / 2, 0],
    altitudeM: 40,
    hfovDeg: 73.74,
    widthPx: 1920,
    heightPx: 1080,
  }));
  const { truth, toEvent } = crowdFor(pair, densityPerM2, 8);
  const rows = [];
  for (const errorM of [0, 1, 2, 3, 5]) {
    const ownership: number[] = [];
    const along: number[] = [];
    const byRadius: Record<string, number[]> = { '0.5': [], '1': [], '2': [], '3': [] };
    for (let seed = 1; seed <= seeds; seed++) {
      const random = new SeededRandom(seed * 31 + errorM);
      const drones = pair.map((d) => {
        const angle = random.uniform(0, 2 * Math.PI);
        return { ...d, positionErrorM: [errorM * Math.cos(angle), errorM * Math.sin(angle)] as PointXY };
      });
      const seen = new SimulatedDroneFleet(drones, plane, { worldToEventM: toEvent, seed }).observe(truth);
      ownership.push(Math.abs(fuseEventFrame(seen.frames, []).count / seen.trueCount - 1));
      for (const r of Object.keys(byRadius)) {
        byRadius[r]!.push(Math.abs(pointFusionCount(seen.frames, Number(r)) / seen.trueCount - 1));
      }
      // Worst direction: the second drone's telemetry moves it away from the first along the baseline.
      const worst = [pair[0]!, { ...pair[1]!, positionErrorM: [errorM, 0] as PointXY }];
      const seenWorst = new SimulatedDroneFleet(worst, plane, { worldToEventM: toEvent, seed }).observe(truth);
      along.push(Math.abs(fuseEventFrame(seenWorst.frames, []).count / seenWorst.trueCount - 1));
    }
    const mean = (v: number[]) => Number(((100 * v.reduce((s, x) => s + x, 0)) / v.length).toFixed(2));
    rows.push({
      errorM,
      ownershipMeanAbsPct: mean(ownership),
      ownershipAlongBaselinePct: mean(along),
      pointFusionMeanAbsPct: Object.fromEntries(Object.entries(byRadius).map(([r, v]) => [`r${r}m`, mean(v)])),
    });
  }
  return { people: new SimulatedDroneFleet(pair, plane, { worldToEventM: toEvent }).observe(truth).trueCount, rows };
}

/** Two drones with telemetry yaw or altitude errors (both drones, opposite signs: the worst case). */
function benchPoseError() {
  const pair: SimulatedDrone[] = [-1, 1].map((side, i) => ({
    droneId: `d${i + 1}`,
    positionM: [(side * STEP_EAST_M) / 2, 0],
    altitudeM: 40,
    hfovDeg: 73.74,
    widthPx: 1920,
    heightPx: 1080,
  }));
  const { truth, toEvent } = crowdFor(pair, 0.7, 8);
  const errorOf = (drones: SimulatedDrone[]) => {
    const seen = new SimulatedDroneFleet(drones, plane, { worldToEventM: toEvent }).observe(truth);
    return Number((100 * (fuseEventFrame(seen.frames, []).count / seen.trueCount - 1)).toFixed(2));
  };
  const yaw = [0, 1, 2, 5].map((deg) => ({
    yawErrorDeg: deg,
    errorPct: errorOf(pair.map((d, i) => ({ ...d, yawErrorDeg: i === 0 ? deg : -deg }))),
  }));
  const altitude = [0, 5, 10].map((pct) => ({
    altitudeErrorPct: pct,
    errorPct: errorOf(pair.map((d, i) => ({ ...d, altitudeErrorM: ((i === 0 ? 1 : -1) * pct * d.altitudeM) / 100 }))),
  }));
  return { yaw, altitude };
}

function main(): void {
  const counts = (process.env.RAQIB_BENCH_DRONES ?? '2,3,4,6,8,10').split(',').map(Number);
  const repeats = Number(process.env.RAQIB_BENCH_REPEATS ?? 20);
  const rows = [];
  console.log(
    'drones  people  covered m²  overlap  fused err  density err  naive  CPU/step: points  density  +20 zones',
  );
  for (const count of counts) {
    if (!(Number.isInteger(count) && count >= 1 && count <= 20)) {
      throw new Error(`RAQIB_BENCH_DRONES: "${count}" is not a drone count from 1 to 20`);
    }
    const row = benchDrones(count, repeats);
    rows.push(row);
    console.log(
      `${String(row.drones).padStart(6)}  ${String(row.people).padStart(6)}  ${String(row.coveredM2).padStart(10)}  ` +
        `${(100 * row.overlapShare).toFixed(0).padStart(6)}%  ${row.fusedErrorPct.toFixed(2).padStart(8)}%  ` +
        `${row.densityErrorPct.toFixed(2).padStart(10)}%  ${row.naiveExcessPct.toFixed(0).padStart(4)}%  ` +
        `${row.pointsStepMs.toFixed(2).padStart(13)} ms  ${row.densityStepMs.toFixed(2).padStart(5)} ms  ` +
        `${row.zones20StepMs.toFixed(2).padStart(6)} ms`,
    );
  }
  const positionError = [0.7, 2.5].map((densityPerM2) => {
    const position = benchPositionError(4, densityPerM2);
    console.log(
      `\ntwo drones, ${position.people} people at ${densityPerM2}/m², telemetry position error in a random direction (4 seeds):`,
    );
    console.log('error  ownership |err|  ownership worst dir  point fusion |err| r=0.5/1/2/3 m');
    printPositionRows(position.rows);
    return { densityPerM2, ...position };
  });
  const poseError = benchPoseError();
  console.log('\ntwo drones at 0.7/m², telemetry yaw error (+e on one drone, -e on the other): total error');
  console.log(poseError.yaw.map((r) => `${r.yawErrorDeg}°: ${r.errorPct}%`).join('   '));
  console.log('altitude error (+e% on one drone, -e% on the other): total error');
  console.log(poseError.altitude.map((r) => `${r.altitudeErrorPct}%: ${r.errorPct}%`).join('   '));
  console.log(JSON.stringify({ bench: 'fusion', rows, positionError, poseError }));
}

function printPositionRows(rows: ReturnType<typeof benchPositionError>['rows']): void {
  for (const row of rows) {
    const pf = Object.values(row.pointFusionMeanAbsPct)
      .map((v) => `${v.toFixed(1)}%`)
      .join(' / ');
    console.log(
      `${String(row.errorM).padStart(3)} m  ${row.ownershipMeanAbsPct.toFixed(2).padStart(13)}%  ` +
        `${row.ownershipAlongBaselinePct.toFixed(2).padStart(18)}%  ${pf}`,
    );
  }
}

main();
