import type { ZoneReading } from '../frame-analysis.js';
import type { AlertZone } from './alert-zone.js';
import type { ResolvedRule } from './resolve-zone-rules.js';
import type { RuleParams } from './rule-catalog.js';

/** What a rule sees of one frame. */
export interface RuleMetricInput {
  timeS: number;
  zone: AlertZone;
  reading: ZoneReading;
  /** The reading of `zone.upstreamZoneId` in the same frame, if any. */
  upstream?: ZoneReading;
}

/** A rule's raw value for one frame and whether its precondition (gate) holds. */
export interface RuleMetricOutput {
  value: number | undefined;
  gateOpen: boolean;
}

/** Computes one rule's value frame by frame; may keep history (growth rate, speed baseline). */
export type RuleMetric = (input: RuleMetricInput) => RuleMetricOutput;

/**
 * Moving median over a window of stream time: robust to single-frame outliers, exact on a held
 * value, and independent of the frame rate. Frames without a value count: the median is only given
 * when at least half of the window's frames had a value (a metric seen in a stray frame is not
 * known). A window of 0 passes values through.
 */
export class WindowMedian {
  private readonly times: number[] = [];
  private readonly values: (number | undefined)[] = [];

  constructor(private readonly windowS: number) {}

  /** Adds a frame at `timeS` (value or none) and returns the median of the last `windowS` seconds. */
  update(timeS: number, value: number | undefined): number | undefined {
    if (this.windowS <= 0) return value;
    this.times.push(timeS);
    this.values.push(value);
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= timeS - this.windowS) drop++;
    if (drop > 0) {
      this.times.splice(0, drop);
      this.values.splice(0, drop);
    }
    if (value === undefined) return undefined;
    const known = this.values.filter((v): v is number => v !== undefined);
    if (2 * known.length < this.values.length) return undefined;
    const sorted = known.sort((a, b) => a - b);
    const middle = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  }

  /** Forgets the past (after a gap in the data). */
  reset(): void {
    this.times.length = 0;
    this.values.length = 0;
  }
}

/**
 * Least-squares slope of values over a sliding window of stream time (units per second).
 * Undefined until the samples span half the window.
 */
export class WindowSlope {
  private readonly times: number[] = [];
  private readonly values: number[] = [];

  constructor(private readonly windowS: number) {}

  update(timeS: number, value: number): number | undefined {
    this.times.push(timeS);
    this.values.push(value);
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! < timeS - this.windowS) drop++;
    if (drop > 0) {
      this.times.splice(0, drop);
      this.values.splice(0, drop);
    }
    const n = this.times.length;
    const first = this.times[0];
    if (n < 3 || first === undefined || timeS - first < this.windowS / 2) return undefined;
    let meanT = 0;
    let meanV = 0;
    for (let i = 0; i < n; i++) {
      meanT += this.times[i]! - first;
      meanV += this.values[i]!;
    }
    meanT /= n;
    meanV /= n;
    let covariance = 0;
    let variance = 0;
    for (let i = 0; i < n; i++) {
      const dt = this.times[i]! - first - meanT;
      covariance += dt * (this.values[i]! - meanV);
      variance += dt * dt;
    }
    return variance > 0 ? covariance / variance : undefined;
  }
}

/** A gate closes only 10% below the level that opens it, so a value hovering at the level does not flicker it. */
const GATE_HYSTERESIS = 0.1;

/**
 * A precondition with hysteresis: opens when the value reaches `min`, closes when it falls below
 * `min x (1 - 10%)`; an unknown value closes it. `min <= 0` (or none) is always open.
 */
export class GateLatch {
  private open = false;

  constructor(private readonly min: number | undefined) {}

  update(value: number | undefined): boolean {
    if (this.min === undefined || this.min <= 0) return true;
    if (value === undefined) this.open = false;
    else if (value >= this.min) this.open = true;
    else if (value < this.min * (1 - GATE_HYSTERESIS)) this.open = false;
    return this.open;
  }
}

function densityGate(density: number | undefined, minDensityPerM2: number | undefined): boolean {
  if (minDensityPerM2 === undefined || minDensityPerM2 <= 0) return true;
  return density !== undefined && density >= minDensityPerM2;
}

function localOrZoneDensity(reading: ZoneReading): number | undefined {
  const zone = reading.densityPerM2;
  const local = reading.peakLocalDensityPerM2;
  if (zone === undefined) return local;
  return local === undefined ? zone : Math.max(zone, local);
}

function growthMetric(params: RuleParams): RuleMetric {
  const slope = new WindowSlope(params.windowS ?? 60);
  return ({ timeS, reading }) => {
    const density = reading.densityPerM2;
    if (density === undefined) return { value: undefined, gateOpen: true };
    const perS = slope.update(timeS, density);
    return {
      value: perS === undefined ? undefined : perS * 60,
      gateOpen: densityGate(density, params.minDensityPerM2),
    };
  };
}

/**
 * Speed against the zone's own baseline: a slow exponential average of the mean speed, learnt only
 * while the zone is uncongested (density below the gate, or speed near the baseline).
 */
function speedDropMetric(params: RuleParams): RuleMetric {
  const baselineS = params.baselineS ?? 120;
  const slope = new WindowSlope(params.windowS ?? 30);
  let baseline: number | undefined;
  let firstS: number | undefined;
  let lastS = 0;
  return ({ timeS, reading }) => {
    const speed = reading.meanSpeedMPerS;
    const density = reading.densityPerM2;
    const perS = density === undefined ? undefined : slope.update(timeS, density);
    if (speed === undefined) return { value: undefined, gateOpen: true };
    firstS ??= timeS;
    const ratio = baseline !== undefined && baseline > 0 ? speed / baseline : undefined;
    const congested = densityGate(density, params.minDensityPerM2) && density !== undefined;
    if (baseline === undefined) {
      baseline = speed;
    } else if (!congested || (ratio !== undefined && ratio >= 0.7)) {
      baseline += (1 - Math.exp(-(timeS - lastS) / baselineS)) * (speed - baseline);
    }
    lastS = timeS;
    const trusted = timeS - firstS >= (params.minHistoryS ?? 60) && baseline >= (params.minBaselineSpeedMPerS ?? 0.3);
    const rising = perS !== undefined && perS * 60 >= (params.minGrowthPerM2PerMin ?? 0);
    return {
      value: ratio,
      gateOpen: trusted && rising && densityGate(density, params.minDensityPerM2),
    };
  };
}

/**
 * Creates the value function of a rule (fresh state). Gate inputs (density, count) get the same
 * moving median as the value, so a threshold-hugging density does not flicker the gate.
 */
export function createRuleMetric(rule: ResolvedRule): RuleMetric {
  const params = rule.params;
  const gateMedian = new WindowMedian(rule.smoothingS);
  const smoothGate = (timeS: number, value: number | undefined) => gateMedian.update(timeS, value);
  const latch = new GateLatch(
    rule.id === 'outflowCollapse'
      ? (params.upstreamDensityPerM2 ?? 4)
      : rule.id === 'dispersal'
        ? params.minCount
        : params.minDensityPerM2,
  );
  switch (rule.id) {
    case 'density':
      return ({ reading }) => ({ value: reading.densityPerM2, gateOpen: true });
    case 'localDensity':
      return ({ reading }) => ({ value: reading.peakLocalDensityPerM2, gateOpen: true });
    case 'occupancy':
      return ({ reading, zone }) => ({
        value: zone.capacity !== undefined && zone.capacity > 0 ? reading.count / zone.capacity : undefined,
        gateOpen: true,
      });
    case 'growth':
      return growthMetric(params);
    case 'lineFlow':
      return ({ reading }) => ({ value: reading.flowPerMPerMin, gateOpen: true });
    case 'outflowCollapse':
      return ({ timeS, reading, upstream }) => {
        const upstreamDensity = smoothGate(timeS, upstream?.densityPerM2 ?? reading.densityPerM2);
        return { value: reading.flowPerMPerMin, gateOpen: latch.update(upstreamDensity) };
      };
    case 'speedDrop':
      return speedDropMetric(params);
    case 'counterflow':
      return ({ timeS, reading }) => ({
        value: reading.counterflowShare,
        gateOpen: latch.update(smoothGate(timeS, reading.densityPerM2)),
      });
    case 'pressure':
      return ({ timeS, reading }) => ({
        value: reading.pressurePerS2,
        gateOpen: latch.update(smoothGate(timeS, localOrZoneDensity(reading))),
      });
    case 'dispersal':
      return ({ timeS, reading }) => ({
        value: reading.divergencePerS,
        gateOpen: latch.update(smoothGate(timeS, reading.count)),
      });
    case 'restricted':
      return ({ reading }) => ({ value: reading.count, gateOpen: true });
  }
}
