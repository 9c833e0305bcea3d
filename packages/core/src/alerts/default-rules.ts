import type { AlertSeverity } from '../frame-analysis.js';
import type { AlertZoneKind } from './alert-zone.js';
import type { RuleId, RuleParams } from './rule-catalog.js';

/** One step of a rule's ladder: raise at `raise` held for `sustainS`, clear at `clear` held for `clearSustainS`. */
export interface LevelSettings {
  /** Threshold that raises the level (reached or passed, in the rule's direction). */
  raise: number;
  /** Threshold that clears it; lower than `raise` for `above` rules, higher for `below` rules (hysteresis). */
  clear: number;
  /** Seconds of stream time the raise condition must hold without a break. */
  sustainS: number;
  /** Seconds of stream time the clear condition must hold without a break. */
  clearSustainS: number;
}

/** A rule's complete settings for one zone. */
export interface RuleSettings {
  enabled: boolean;
  /** Window of the moving median applied to the value before thresholds, seconds (0 = none). */
  smoothingS: number;
  /** The ladder; a missing severity is not used by this rule. */
  levels: Partial<Record<AlertSeverity, LevelSettings>>;
  params: RuleParams;
}

/** Default seconds a raise condition must hold, by severity: graver levels act faster. */
export const DEFAULT_SUSTAIN_S: Readonly<Record<AlertSeverity, number>> = {
  info: 15,
  warning: 10,
  danger: 5,
  critical: 3,
};

/** Default seconds a clear condition must hold. */
export const DEFAULT_CLEAR_SUSTAIN_S = 10;

function level(severity: AlertSeverity, raise: number, clear: number): LevelSettings {
  return { raise, clear, sustainS: DEFAULT_SUSTAIN_S[severity], clearSustainS: DEFAULT_CLEAR_SUSTAIN_S };
}

type Ladder = Partial<Record<AlertSeverity, LevelSettings>>;

/** Standing areas and queues: the CROWD-SAFETY.md ladder (G. Keith Still's standing density classes). */
const standingDensity: Ladder = {
  info: level('info', 2.0, 1.8),
  warning: level('warning', 3.5, 3.2),
  danger: level('danger', 5.0, 4.6),
  critical: level('critical', 6.0, 5.5),
};

/**
 * Moving crowds (walkways, gates): Fruin walkway levels E (1.08) and F (2.17) for info and warning,
 * Still's ~4 persons/m² critical density of moving crowds (flow collapses) for danger.
 */
const movingDensity: Ladder = {
  info: level('info', 1.08, 0.95),
  warning: level('warning', 2.17, 1.95),
  danger: level('danger', 4.0, 3.6),
  critical: level('critical', 5.0, 4.5),
};

function rule(enabled: boolean, smoothingS: number, levels: Ladder, params: RuleParams = {}): RuleSettings {
  return { enabled, smoothingS, levels, params };
}

/**
 * The built-in settings of every rule for a zone kind (before any rules file). Numbers come from the
 * default alert ladder of docs CROWD-SAFETY.md; see docs/alerts.md for the table and the reasons.
 */
export function defaultRuleSettings(kind: AlertZoneKind): Record<RuleId, RuleSettings> {
  const crowd = kind !== 'restricted';
  const moving = kind === 'walkway' || kind === 'gate';
  return {
    density: rule(crowd, 2, moving ? movingDensity : standingDensity),
    localDensity: rule(crowd, 2, { critical: level('critical', 6.0, 5.5) }),
    occupancy: rule(crowd, 2, {
      info: level('info', 0.8, 0.75),
      warning: level('warning', 0.9, 0.85),
      danger: level('danger', 1.0, 0.95),
    }),
    growth: rule(
      crowd,
      0,
      { info: level('info', 0.5, 0.25), warning: level('warning', 1.0, 0.5) },
      {
        windowS: 60,
        minDensityPerM2: 1.0,
      },
    ),
    lineFlow: rule(crowd, 5, { info: level('info', 66, 60), warning: level('warning', 82, 75) }),
    outflowCollapse: rule(kind === 'gate', 5, { danger: level('danger', 48, 60) }, { upstreamDensityPerM2: 4.0 }),
    speedDrop: rule(
      moving,
      3,
      { warning: level('warning', 0.5, 0.7) },
      {
        baselineS: 120,
        minHistoryS: 60,
        minBaselineSpeedMPerS: 0.3,
        minDensityPerM2: 1.0,
        minGrowthPerM2PerMin: 0.1,
        windowS: 30,
      },
    ),
    counterflow: rule(crowd, 2, { danger: level('danger', 0.2, 0.15) }, { minDensityPerM2: 1.08 }),
    pressure: rule(crowd, 2, { critical: level('critical', 0.02, 0.015) }, { minDensityPerM2: 5.0 }),
    dispersal: rule(
      crowd,
      1,
      { critical: { raise: 0.15, clear: 0.08, sustainS: 2, clearSustainS: 10 } },
      { minCount: 10 },
    ),
    restricted: rule(kind === 'restricted', 1, {
      warning: { raise: 1, clear: 0.5, sustainS: 5, clearSustainS: 10 },
      danger: { raise: 10, clear: 8, sustainS: 5, clearSustainS: 10 },
    }),
  };
}
