import {
  LocalTangentPlane,
  RaqibError,
  eventZonesFromGeo,
  type AlertEvent,
  type EventFusionStep,
  type EventZone,
  type RulesConfig,
} from '@raqib/core';
import { loadZonesFile } from '../../analysis/analysis-config-files.js';
import { fuseRecordings, loadDroneRecordings, loadEventDronesFile, type DroneRecording } from '../../fusion/index.js';
import { readRulesFile } from '../../rules-file/index.js';
import { defineCommand } from '../command-spec.js';

export const fuseCommand = defineCommand({
  name: 'fuse',
  summary: 'One picture of an event seen by several drones: de-duplicated totals, geo zone readings, event alerts',
  usage: '--drones FILE [options]',
  options: {
    drones: {
      type: 'string',
      description: "Event drones file (YAML/JSON: each drone's points CSV, .SRT telemetry, frame size, fps)",
      valueName: 'FILE',
    },
    zones: {
      type: 'string',
      description: 'GeoJSON zones; lon/lat area zones get one event-wide reading',
      valueName: 'FILE',
    },
    fps: { type: 'number', description: 'Fusion steps per second of event time', default: 2, valueName: 'N' },
    'max-skew': {
      type: 'number',
      description: "Use a drone's frame only within this many seconds of the step",
      default: 0.5,
      valueName: 'S',
    },
    alerts: { type: 'boolean', description: 'Run the alert rules once for the event on the zone readings' },
    rules: { type: 'string', description: 'Alert rules file (YAML or JSON) for --alerts', valueName: 'FILE' },
    format: {
      type: 'string',
      description: 'What to print on stdout',
      choices: ['table', 'json'],
      default: 'table',
    },
  },
  examples: [
    'raqib fuse --drones event.yaml',
    'raqib fuse --drones event.yaml --zones zones.geojson --alerts --format json',
  ],
  async run({ options, io }) {
    if (options.drones === undefined) {
      throw new RaqibError('USAGE', '--drones FILE is required: the event drones file (see docs/scale.md)');
    }
    const fps = positive('--fps', options.fps);
    const maxSkewS = options['max-skew'];
    if (!(maxSkewS >= 0 && maxSkewS <= 60)) {
      throw new RaqibError('USAGE', `--max-skew must be 0-60 seconds, got ${maxSkewS}`);
    }
    const warn = (text: string) => io.stderr.write(`raqib fuse: warning: ${text}\n`);
    const file = await loadEventDronesFile(options.drones);
    const { recordings, notes } = await loadDroneRecordings(file.drones);
    notes.forEach(warn);
    const plane = new LocalTangentPlane(file.origin ?? firstPosition(recordings, options.drones));
    let zones: EventZone[] = [];
    if (options.zones !== undefined) {
      const fromFile = eventZonesFromGeo(await loadZonesFile(options.zones), plane);
      zones = fromFile.zones;
      for (const s of fromFile.skipped) warn(`${options.zones}: zone '${s.id}' has no event-wide reading: ${s.reason}`);
    }
    let rules: RulesConfig | 'defaults' | undefined;
    if (options.rules !== undefined) rules = await readRulesFile(options.rules);
    else if (options.alerts) rules = 'defaults';
    const { steps, finalAlerts } = fuseRecordings(recordings, {
      plane,
      zones,
      stepsPerS: fps,
      maxSkewS,
      ...(rules ? { rules } : {}),
    });
    const alerts = [...steps.flatMap((s) => s.alerts), ...finalAlerts];
    if (options.format === 'json') {
      io.stdout.write(
        `${JSON.stringify({ origin: plane.origin, steps: steps.map((s) => stepRecord(s.step)), alerts })}\n`,
      );
    } else {
      writeTable(
        io.stdout,
        steps.map((s) => s.step),
        alerts,
      );
    }
    return 0;
  },
});

function positive(option: string, value: number): number {
  if (!(value > 0)) throw new RaqibError('USAGE', `${option} must be > 0, got ${value}`);
  return value;
}

function firstPosition(recordings: readonly DroneRecording[], dronesPath: string): [number, number] {
  for (const r of recordings) {
    for (const f of r.frames) {
      const pose = r.track.poseAt(f.ptsMs);
      if (pose?.lng !== undefined && pose.lat !== undefined) return [pose.lng, pose.lat];
    }
  }
  throw new RaqibError(
    'GEOREFERENCE_MISSING',
    `${dronesPath}: no drone's telemetry has a position: give origin: [lng, lat] and telemetry with positions`,
  );
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

function stepRecord(step: EventFusionStep) {
  return {
    timeS: round(step.timeS, 3),
    count: round(step.count, 2),
    naiveCount: round(step.naiveCount, 2),
    coveredAreaM2: round(step.coveredAreaM2, 1),
    drones: step.drones.map((d) => ({
      droneId: d.droneId,
      timeS: round(d.timeS, 3),
      viewCount: round(d.viewCount, 2),
      ownedCount: round(d.ownedCount, 2),
      ownedAreaM2: round(d.ownedAreaM2, 1),
    })),
    staleDroneIds: step.staleDroneIds,
    zones: step.zones.map((z) =>
      Object.fromEntries(Object.entries(z).map(([k, v]) => [k, typeof v === 'number' ? round(v, 4) : v])),
    ),
  };
}

function writeTable(
  out: NodeJS.WritableStream,
  steps: readonly EventFusionStep[],
  alerts: readonly AlertEvent[],
): void {
  out.write('  time s    total    naive  covered m²  drones  stale\n');
  for (const s of steps) {
    out.write(
      `${s.timeS.toFixed(2).padStart(8)} ${s.count.toFixed(0).padStart(8)} ${s.naiveCount.toFixed(0).padStart(8)} ` +
        `${s.coveredAreaM2.toFixed(0).padStart(11)} ${String(s.drones.length).padStart(7)}  ${s.staleDroneIds.join(',') || '-'}\n`,
    );
  }
  const last = steps[steps.length - 1];
  if (last && last.zones.length > 0) {
    out.write(`\nzones at ${last.timeS.toFixed(2)} s:\n`);
    for (const z of last.zones) {
      const density = z.densityPerM2 === undefined ? '-' : `${z.densityPerM2.toFixed(2)}/m²`;
      out.write(
        `  ${z.zoneId.padEnd(20)} ${z.count.toFixed(0).padStart(7)} people  ${density.padStart(9)}  ` +
          `covered ${(100 * z.coveredFraction).toFixed(0)}%\n`,
      );
    }
  }
  if (alerts.length > 0) {
    out.write('\nevent alerts:\n');
    for (const a of alerts) {
      out.write(
        `  ${a.timeS.toFixed(2).padStart(8)} s  ${a.type.padEnd(9)} ${a.severity.padEnd(8)} ${a.rule} ${a.zoneId} (${round(a.value, 2)})\n`,
      );
    }
  }
}
