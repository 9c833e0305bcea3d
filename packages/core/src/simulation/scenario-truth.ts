import type { AlertSeverity, ZoneReading } from '../frame-analysis.js';
import { defaultRuleSettings } from '../alerts/default-rules.js';
import type { CrowdScenario, ScenarioZone } from './crowd-scenario.js';
import type { TruthFrame } from './crowd-simulation.js';
import { polygonArea } from '../movement/planar-geometry.js';
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
  /** Zones as a `--zones` GeoJSON file in image space (x, y relative 0-1 of the frame). */
  zones: { type: 'FeatureCollection'; features: ZoneFeature[] };
  /** Ground facts of the zones: areas in m², line lengths in m, the upstream zone of gates. */
  zoneFacts: Record<string, { kind: string; areaM2?: number; lengthM?: number; upstreamZoneId?: string }>;
  criteria: DangerCriterion[];
  onsets: TruthOnset[];
  /** Scripted events (e.g. the dispersal trigger), seconds. */
  events: { type: string; timeS: number }[];
  /** Earliest onset or scripted event; null when the truth never reached a danger level. */
  dangerOnsetS: number | null;
  /** Highest (centred 4 s median) values per zone over the run. */
  peaks: Record<string, Partial<Record<TruthCriterion, number>>>;
}

/** A zone as a GeoJSON feature in image space. */
export interface ZoneFeature {
  type: 'Feature';
  id: string;
  properties: { id: string; kind: string; space: 'image'; lengthM?: number };
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

/** Half-width of the centred moving median of the truth metrics, seconds. */
const TRUTH_HALF_WINDOW_S = 2;

/** Raw truth metrics of one zone at one frame (zone metrics, and count for gates). */
type ZoneValues = Partial<Record<TruthCriterion | 'count', number>>;

/**
 * Measures the exact simulated positions frame by frame and records when each danger criterion
 * first held. Metrics are a centred 4 s moving median (offline, no lag): a blip of a noisy measure
 * (counts, shares) is not an onset, and a trend or a step is dated where it crosses, without delay.
 */
export class ScenarioTruthRecorder {
  private readonly scenario: CrowdScenario;
  private readonly meter: ZoneMeter;
  private readonly criteria: DangerCriterion[];
  private readonly onsets = new Map<number, number>();
  private readonly peaks: Record<string, Partial<Record<TruthCriterion, number>>> = {};
  /** Frames not evaluated yet (their window reaches into the future), and the samples around them. */
  private readonly buffer: { timeS: number; zones: Map<string, ZoneValues> }[] = [];
  private next = 0;
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
    const zones = new Map<string, ZoneValues>();
    for (const reading of readings) {
      const values: ZoneValues = { count: reading.count };
      for (const [criterion, field] of Object.entries(METRIC) as [TruthCriterion, keyof ZoneReading][]) {
        const value = reading[field];
        if (typeof value === 'number') values[criterion] = value;
      }
      zones.set(reading.zoneId, values);
    }
    this.buffer.push({ timeS: frame.timeS, zones });
    this.evaluateUpTo(frame.timeS - TRUTH_HALF_WINDOW_S);
    return readings;
  }

  /** Evaluates the buffered frames centred at or before `timeS`, then drops samples no window needs. */
  private evaluateUpTo(timeS: number): void {
    while (this.next < this.buffer.length && this.buffer[this.next]!.timeS <= timeS + 1e-9) {
      this.evaluate(this.buffer[this.next]!.timeS);
      this.next++;
    }
    let drop = 0;
    const oldest = this.buffer[this.next]?.timeS ?? this.lastTimeS;
    while (drop < this.next && this.buffer[drop]!.timeS < oldest - TRUTH_HALF_WINDOW_S - 1e-9) drop++;
    if (drop > 0) {
      this.buffer.splice(0, drop);
      this.next -= drop;
    }
  }

  private evaluate(centreS: number): void {
    const windows = new Map<string, Partial<Record<keyof ZoneValues, number[]>>>();
    let frames = 0;
    for (const sample of this.buffer) {
      if (Math.abs(sample.timeS - centreS) > TRUTH_HALF_WINDOW_S + 1e-9) continue;
      frames++;
      for (const [zoneId, values] of sample.zones) {
        const window = windows.get(zoneId) ?? {};
        for (const [name, value] of Object.entries(values) as [keyof ZoneValues, number][]) {
          (window[name] ??= []).push(value);
        }
        windows.set(zoneId, window);
      }
    }
    const means = new Map<string, Partial<Record<string, number>>>();
    for (const [zoneId, window] of windows) {
      const mean: Partial<Record<string, number>> = {};
      // A metric measured in fewer than half of the window's frames is not known there.
      for (const [name, values] of Object.entries(window)) if (2 * values.length >= frames) mean[name] = median(values);
      mean.densityPerM2 = mean.density;
      mean.localOrZoneDensityPerM2 = Math.max(mean.density ?? 0, mean.localDensity ?? 0);
      means.set(zoneId, mean);
      const peaks = (this.peaks[zoneId] ??= {});
      for (const criterion of Object.keys(METRIC) as TruthCriterion[]) {
        const value = mean[criterion];
        if (value !== undefined) peaks[criterion] = Math.max(peaks[criterion] ?? -Infinity, value);
      }
    }
    this.criteria.forEach((criterion, index) => {
      if (this.onsets.has(index)) return;
      const values = means.get(criterion.zoneId);
      const value = values?.[criterion.criterion];
      if (value === undefined || value < criterion.threshold) return;
      if (criterion.gate && (values?.[criterion.gate.metric] ?? -Infinity) < criterion.gate.min) return;
      this.onsets.set(index, centreS);
    });
  }

  /** The truth of the run so far. */
  result(options: ScenarioImage & { seed: number }): ScenarioTruth {
    this.evaluateUpTo(Infinity);
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
      zones: scenarioZonesGeoJson(this.scenario, options.gsdMPerPx),
      zoneFacts: Object.fromEntries(this.scenario.zones.map((zone) => [zone.id, zoneFacts(zone)])),
      criteria: this.criteria,
      onsets,
      events,
      dangerOnsetS: starts.length > 0 ? Math.min(...starts) : null,
      peaks: this.peaks,
    };
  }
}

/** The scenario's zones as a `--zones` GeoJSON FeatureCollection in image space (0-1). */
export function scenarioZonesGeoJson(
  scenario: CrowdScenario,
  gsdMPerPx: number,
): { type: 'FeatureCollection'; features: ZoneFeature[] } {
  const { widthPx, heightPx } = scenarioFrameSize(scenario, gsdMPerPx);
  const relative = ([x, y]: readonly [number, number]) => [x / gsdMPerPx / widthPx, y / gsdMPerPx / heightPx];
  const features = scenario.zones.map((zone): ZoneFeature => {
    const properties: ZoneFeature['properties'] = { id: zone.id, kind: zone.kind, space: 'image' };
    if (zone.line) {
      const [a, b] = zone.line;
      properties.lengthM = Math.hypot(b[0] - a[0], b[1] - a[1]);
      const coordinates = [relative(a), relative(b)];
      return { type: 'Feature', id: zone.id, properties, geometry: { type: 'LineString', coordinates } };
    }
    const ring = (zone.polygon ?? []).map(relative);
    if (ring.length > 0) ring.push(ring[0]!);
    return { type: 'Feature', id: zone.id, properties, geometry: { type: 'Polygon', coordinates: [ring] } };
  });
  return { type: 'FeatureCollection', features };
}

function zoneFacts(zone: ScenarioZone): ScenarioTruth['zoneFacts'][string] {
  const facts: ScenarioTruth['zoneFacts'][string] = { kind: zone.kind };
  if (zone.polygon) facts.areaM2 = polygonArea(zone.polygon);
  if (zone.line) facts.lengthM = Math.hypot(zone.line[1][0] - zone.line[0][0], zone.line[1][1] - zone.line[0][1]);
  if (zone.upstreamZoneId) facts.upstreamZoneId = zone.upstreamZoneId;
  return facts;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
