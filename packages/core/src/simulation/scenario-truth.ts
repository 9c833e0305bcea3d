import type { AlertSeverity, ZoneReading } from '../frame-analysis.js';
import { defaultRuleSettings } from '../alerts/default-rules.js';
import type { CrowdScenario, ScenarioZone } from './crowd-scenario.js';
import type { TruthFrame } from './crowd-simulation.js';
import { polygonArea } from './planar-geometry.js';
import { ZoneMeter } from './zone-meter.js';

/** Metrics whose danger levels define the ground-truth onset. */
export type TruthCriterion = 'density' | 'localDensity' | 'pressure' | 'counterflow' | 'dispersal';

/** A danger condition on one zone, from the default ladder of the zone's kind. */
export interface DangerCriterion {
  zoneId: string;
  criterion: TruthCriterion;
  level: AlertSeverity;
  /** The metric must reach this (persons/m², s^-2, share or 1/s). */
  threshold: number;
  /** And this precondition must hold (as in the rule). */
  gate?: { metric: 'densityPerM2' | 'localOrZoneDensityPerM2' | 'count'; min: number };
}

/** The first time a danger condition held in the simulated truth. */
export interface TruthOnset extends DangerCriterion {
  timeS: number;
}

/** Options of the image the scenario is rendered to. */
export interface ScenarioImage {
  gsdMPerPx: number;
  fps: number;
}

/** What `truth.json` holds: the scenario, the image geometry, the zones and the danger onsets. */
export interface ScenarioTruth {
  scenario: string;
  summary: string;
  benign: boolean;
  seed: number;
  durationS: number;
  fps: number;
  gsdMPerPx: number;
  frameWidthPx: number;
  frameHeightPx: number;
  frames: number;
  /** Zones as GeoJSON in image space (x, y relative 0-1 of the frame). */
  zones: { type: 'FeatureCollection'; features: ZoneFeature[] };
  criteria: DangerCriterion[];
  onsets: TruthOnset[];
  /** Scripted events (e.g. the dispersal trigger), seconds. */
  events: { type: string; timeS: number }[];
  /** Earliest onset or scripted event; null when the truth never reached a danger level. */
  dangerOnsetS: number | null;
  /** Highest (2 s mean) values per zone over the run. */
  peaks: Record<string, Partial<Record<TruthCriterion, number>>>;
}

/** A zone as a GeoJSON feature in image space. */
export interface ZoneFeature {
  type: 'Feature';
  id: string;
  properties: { id: string; kind: string; space: 'image'; areaM2?: number; lengthM?: number; upstreamZoneId?: string };
  geometry: { type: 'Polygon'; coordinates: number[][][] } | { type: 'LineString'; coordinates: number[][] };
}

/** Frame size in pixels for a scenario world at a ground sampling distance. */
export function scenarioFrameSize(scenario: CrowdScenario, gsdMPerPx: number): { widthPx: number; heightPx: number } {
  return {
    widthPx: Math.round(scenario.world.widthM / gsdMPerPx),
    heightPx: Math.round(scenario.world.heightM / gsdMPerPx),
  };
}

const METRIC: Record<TruthCriterion, keyof ZoneReading> = {
  density: 'densityPerM2',
  localDensity: 'peakLocalDensityPerM2',
  pressure: 'pressurePerS2',
  counterflow: 'counterflowShare',
  dispersal: 'divergencePerS',
};

/** The danger criteria of a scenario's zones, from the built-in ladder of each zone kind. */
export function dangerCriteria(zones: readonly ScenarioZone[]): DangerCriterion[] {
  const criteria: DangerCriterion[] = [];
  for (const zone of zones) {
    if (!zone.polygon) continue;
    const defaults = defaultRuleSettings(zone.kind);
    for (const criterion of Object.keys(METRIC) as TruthCriterion[]) {
      const settings = defaults[criterion];
      if (!settings.enabled) continue;
      const level = (['danger', 'critical'] as const).find((severity) => settings.levels[severity] !== undefined);
      if (!level) continue;
      const entry: DangerCriterion = { zoneId: zone.id, criterion, level, threshold: settings.levels[level]!.raise };
      const { minDensityPerM2, minCount } = settings.params;
      if (criterion === 'counterflow' && minDensityPerM2) entry.gate = { metric: 'densityPerM2', min: minDensityPerM2 };
      if (criterion === 'pressure' && minDensityPerM2) {
        entry.gate = { metric: 'localOrZoneDensityPerM2', min: minDensityPerM2 };
      }
      if (criterion === 'dispersal' && minCount) entry.gate = { metric: 'count', min: minCount };
      criteria.push(entry);
    }
  }
  return criteria;
}


/** Mean of a value over the last `windowS` seconds. */
class TrailingMean {
  private readonly samples: { timeS: number; value: number }[] = [];
  private sum = 0;
  constructor(private readonly windowS: number) {}
  update(timeS: number, value: number): number {
    this.samples.push({ timeS, value });
    this.sum += value;
    while (this.samples.length > 0 && this.samples[0]!.timeS <= timeS - this.windowS) this.sum -= this.samples.shift()!.value;
    return this.sum / this.samples.length;
  }
}

/**
 * Measures the exact simulated positions frame by frame and records when each danger criterion
 * first held (metrics as a 2 s trailing mean, so a single-frame blip is not an onset).
 */
export class ScenarioTruthRecorder {
  private readonly scenario: CrowdScenario;
  private readonly meter: ZoneMeter;
  private readonly criteria: DangerCriterion[];
  private readonly means = new Map<string, TrailingMean>();
  private readonly onsets = new Map<number, number>();
  private readonly peaks: Record<string, Partial<Record<TruthCriterion, number>>> = {};
  private frames = 0;
  private lastTimeS = 0;

  constructor(scenario: CrowdScenario) {
    this.scenario = scenario;
    this.meter = new ZoneMeter(scenario.zones);
    this.criteria = dangerCriteria(scenario.zones);
  }

  /** Adds one truth frame; returns the exact readings of the frame. */
  add(frame: TruthFrame): ZoneReading[] {
    const readings = this.meter.measure(frame);
    this.frames++;
    this.lastTimeS = frame.timeS;
    const mean = (zoneId: string, name: string, value: number | undefined): number | undefined => {
      if (value === undefined) return undefined;
      const key = `${zoneId}|${name}`;
      let average = this.means.get(key);
      if (!average) this.means.set(key, (average = new TrailingMean(2)));
      return average.update(frame.timeS, value);
    };
    const smoothed = new Map<string, Partial<Record<string, number>>>();
    for (const reading of readings) {
      const values: Partial<Record<string, number>> = {};
      for (const [criterion, field] of Object.entries(METRIC)) {
        values[criterion] = mean(reading.zoneId, criterion, reading[field] as number | undefined);
        const value = values[criterion];
        if (value !== undefined) {
          const peaks = (this.peaks[reading.zoneId] ??= {});
          peaks[criterion as TruthCriterion] = Math.max(peaks[criterion as TruthCriterion] ?? -Infinity, value);
        }
      }
      values.densityPerM2 = values.density;
      const local = values.localDensity;
      values.localOrZoneDensityPerM2 = Math.max(values.density ?? 0, local ?? 0);
      values.count = mean(reading.zoneId, 'count', reading.count);
      smoothed.set(reading.zoneId, values);
    }
    this.criteria.forEach((criterion, index) => {
      if (this.onsets.has(index)) return;
      const values = smoothed.get(criterion.zoneId);
      const value = values?.[criterion.criterion];
      if (value === undefined || value < criterion.threshold) return;
      if (criterion.gate && (values?.[criterion.gate.metric] ?? -Infinity) < criterion.gate.min) return;
      this.onsets.set(index, frame.timeS);
    });
    return readings;
  }

  /** The truth of the run so far. */
  result(options: ScenarioImage & { seed: number }): ScenarioTruth {
    const { widthPx, heightPx } = scenarioFrameSize(this.scenario, options.gsdMPerPx);
    const onsets: TruthOnset[] = [];
    this.criteria.forEach((criterion, index) => {
      const timeS = this.onsets.get(index);
      if (timeS !== undefined) onsets.push({ ...criterion, timeS });
    });
    onsets.sort((a, b) => a.timeS - b.timeS);
    const events = (this.scenario.events ?? [])
      .filter((event) => event.timeS <= this.lastTimeS)
      .map((event) => ({ type: event.type, timeS: event.timeS }));
    const starts = [...onsets.map((onset) => onset.timeS), ...events.map((event) => event.timeS)];
    return {
      scenario: this.scenario.name,
      summary: this.scenario.summary,
      benign: this.scenario.benign,
      seed: options.seed,
      durationS: this.lastTimeS,
      fps: options.fps,
      gsdMPerPx: options.gsdMPerPx,
      frameWidthPx: widthPx,
      frameHeightPx: heightPx,
      frames: this.frames,
      zones: { type: 'FeatureCollection', features: this.scenario.zones.map((zone) => zoneFeature(zone, widthPx, heightPx, options.gsdMPerPx)) },
      criteria: this.criteria,
      onsets,
      events,
      dangerOnsetS: starts.length > 0 ? Math.min(...starts) : null,
      peaks: this.peaks,
    };
  }
}

function zoneFeature(zone: ScenarioZone, widthPx: number, heightPx: number, gsdMPerPx: number): ZoneFeature {
  const relative = ([x, y]: readonly [number, number]) => [x / gsdMPerPx / widthPx, y / gsdMPerPx / heightPx];
  const properties: ZoneFeature['properties'] = { id: zone.id, kind: zone.kind, space: 'image' };
  if (zone.upstreamZoneId) properties.upstreamZoneId = zone.upstreamZoneId;
  if (zone.line) {
    const [a, b] = zone.line;
    properties.lengthM = Math.hypot(b[0] - a[0], b[1] - a[1]);
    return { type: 'Feature', id: zone.id, properties, geometry: { type: 'LineString', coordinates: [relative(a), relative(b)] } };
  }
  const ring = (zone.polygon ?? []).map(relative);
  if (ring.length > 0) ring.push(ring[0]!);
  properties.areaM2 = polygonArea(zone.polygon ?? []);
  return { type: 'Feature', id: zone.id, properties, geometry: { type: 'Polygon', coordinates: [ring] } };
}
