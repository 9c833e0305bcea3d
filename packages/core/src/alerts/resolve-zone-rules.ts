import type { AlertSeverity } from '../frame-analysis.js';
import { RaqibError } from '../raqib-error.js';
import { ALERT_SEVERITIES, type AlertZone, type AlertZoneKind } from './alert-zone.js';
import {
  defaultRuleSettings,
  DEFAULT_CLEAR_SUSTAIN_S,
  DEFAULT_SUSTAIN_S,
  type LevelSettings,
} from './default-rules.js';
import { RULE_CATALOG, RULE_IDS, type RuleId, type RuleParams } from './rule-catalog.js';
import type { RuleOverrides, RulesConfig } from './rules-config-schema.js';

/** One enabled level of a resolved ladder. */
export interface ResolvedLevel extends LevelSettings {
  severity: AlertSeverity;
}

/** A rule ready to evaluate for one zone: enabled, with its ladder lowest severity first. */
export interface ResolvedRule {
  id: RuleId;
  direction: 'above' | 'below';
  unit: string;
  smoothingS: number;
  levels: ResolvedLevel[];
  params: RuleParams;
}

/** The enabled rules of one zone after all layers of settings. */
export interface ResolvedZoneRules {
  zone: AlertZone;
  rules: ResolvedRule[];
}

/** One layer of overrides and where it is in the rules file (`defaults`, `kinds.gate`, `zones.gate-3`). */
export interface RulesLayer {
  path: string[];
  overrides: RuleOverrides | undefined;
}

/** A problem in a rules file: where (keys from the top of the file) and what. */
export interface RulesProblem {
  path: (string | number)[];
  message: string;
  /** `key`: the problem is the last key of the path itself (an unknown zone id), not its value. */
  at?: 'key';
}

/** The zones a rules file may name, and where they come from (for messages). */
export interface KnownZones {
  /** Every zone id of the analysis, `frame` (the whole frame) included. */
  ids: readonly string[];
  /** Where they are defined, completing "no zone "x" ...": `in zones.geojson`, `without --zones`. */
  where: string;
}

/**
 * Zone ids in a rules file that name no zone of the analysis: a `zones.<id>` entry (whose settings
 * would silently never apply - a misspelt gate loses its alerts) and an `upstreamZoneId`.
 */
export function zoneReferenceProblems(config: RulesConfig, zones: KnownZones): RulesProblem[] {
  const known = new Set(zones.ids);
  const list = zones.ids.length > 12 ? `${zones.ids.slice(0, 12).join(', ')}, ...` : zones.ids.join(', ');
  const missing = (id: string) => `no zone "${id}" ${zones.where} (known zones: ${list})`;
  const problems: RulesProblem[] = [];
  for (const [zoneId, entry] of Object.entries(config.zones ?? {})) {
    if (!known.has(zoneId)) {
      problems.push({
        path: ['zones', zoneId],
        message: `${missing(zoneId)}; fix the id or remove the entry`,
        at: 'key',
      });
    }
    const upstream = entry.upstreamZoneId;
    if (upstream !== undefined && !known.has(upstream)) {
      problems.push({
        path: ['zones', zoneId, 'upstreamZoneId'],
        message: `${missing(upstream)}; name the area zone people come from`,
      });
    }
  }
  return problems;
}

/** The layers that apply to a zone of `kind` (and id `zoneId`), least specific first. */
export function rulesLayers(config: RulesConfig, kind: AlertZoneKind, zoneId?: string): RulesLayer[] {
  const layers: RulesLayer[] = [
    { path: ['defaults'], overrides: config.defaults },
    { path: ['kinds', kind], overrides: config.kinds?.[kind] },
  ];
  if (zoneId !== undefined) layers.push({ path: ['zones', zoneId], overrides: config.zones?.[zoneId] });
  return layers;
}

/** A merged level that may still lack fields, with the path of the most specific layer that set it. */
export interface MergedLevel {
  severity: AlertSeverity;
  enabled: boolean;
  settings: Partial<LevelSettings>;
  /** Path of the level in the most specific layer that touched it; undefined when built in. */
  sourcePath: string[] | undefined;
}

/** Merges one rule over the layers, keeping track of which layer set each level (for error messages). */
export function mergeRule(
  ruleId: RuleId,
  kind: AlertZoneKind,
  layers: readonly RulesLayer[],
): { enabled: boolean; smoothingS: number; params: RuleParams; levels: MergedLevel[] } {
  const base = defaultRuleSettings(kind)[ruleId];
  let enabled = base.enabled;
  let smoothingS = base.smoothingS;
  const params: RuleParams = { ...base.params };
  const levels: MergedLevel[] = ALERT_SEVERITIES.map((severity) => {
    const builtIn = base.levels[severity];
    return { severity, enabled: builtIn !== undefined, settings: { ...builtIn }, sourcePath: undefined };
  });
  for (const layer of layers) {
    const override = layer.overrides?.[ruleId];
    if (!override) continue;
    if (override.enabled !== undefined) enabled = override.enabled;
    if (override.smoothingS !== undefined) smoothingS = override.smoothingS;
    for (const name of RULE_CATALOG[ruleId].params) {
      const value = override[name];
      if (value !== undefined) params[name] = value;
    }
    for (const level of levels) {
      const levelOverride = override[level.severity];
      if (!levelOverride) continue;
      level.sourcePath = [...layer.path, ruleId, level.severity];
      const { enabled: levelEnabled, ...fields } = levelOverride;
      level.enabled = levelEnabled ?? true;
      for (const [key, value] of Object.entries(fields)) {
        if (value !== undefined) level.settings[key as keyof LevelSettings] = value;
      }
    }
  }
  for (const level of levels) {
    level.settings.sustainS ??= DEFAULT_SUSTAIN_S[level.severity];
    level.settings.clearSustainS ??= DEFAULT_CLEAR_SUSTAIN_S;
  }
  return { enabled, smoothingS, params, levels };
}

/**
 * Problems of a merged ladder: a level without raise or clear, a clear threshold on the wrong side of
 * its raise threshold, or a graver level with a milder threshold. Paths point at the most specific
 * layer that set the level (built-in levels have the path `(built-in)`).
 */
export function ladderProblems(ruleId: RuleId, levels: readonly MergedLevel[]): RulesProblem[] {
  const problems: RulesProblem[] = [];
  const above = RULE_CATALOG[ruleId].direction === 'above';
  let previous: MergedLevel | undefined;
  for (const level of levels) {
    if (!level.enabled) continue;
    const path = level.sourcePath ?? ['(built-in)', ruleId, level.severity];
    const { raise, clear } = level.settings;
    if (raise === undefined || clear === undefined) {
      const missing = [raise === undefined ? 'raise' : '', clear === undefined ? 'clear' : ''].filter(Boolean);
      problems.push({
        path,
        message: `the ${ruleId} rule has no default ${level.severity} level; set ${missing.join(' and ')}`,
      });
      continue;
    }
    if (above ? clear >= raise : clear <= raise) {
      problems.push({
        path,
        message:
          `clear (${clear}) must be ${above ? 'below' : 'above'} raise (${raise}) for hysteresis; ` +
          `${ruleId} alerts when the value ${above ? 'rises to' : 'falls to'} the threshold`,
      });
    }
    const previousRaise = previous?.settings.raise;
    if (previous && previousRaise !== undefined && (above ? raise < previousRaise : raise > previousRaise)) {
      problems.push({
        path: level.sourcePath ?? previous.sourcePath ?? path,
        message:
          `${level.severity} raise (${raise}) is ${above ? 'below' : 'above'} the ${previous.severity} raise ` +
          `(${previousRaise}); a graver level needs a threshold at least as ${above ? 'high' : 'low'}`,
      });
    }
    previous = level;
  }
  return problems;
}

/** The zone as configured: the rules file's `zones.<id>` kind, capacity and upstream zone win. */
export function effectiveZone(config: RulesConfig, zone: Partial<AlertZone> & { id: string }): AlertZone {
  const entry = config.zones?.[zone.id];
  const result: AlertZone = { id: zone.id, kind: entry?.kind ?? zone.kind ?? config.defaultKind ?? 'standing' };
  const capacity = entry?.capacity ?? zone.capacity;
  if (capacity !== undefined) result.capacity = capacity;
  const upstreamZoneId = entry?.upstreamZoneId ?? zone.upstreamZoneId;
  if (upstreamZoneId !== undefined) result.upstreamZoneId = upstreamZoneId;
  return result;
}

/**
 * The enabled rules of a zone: built-in defaults of its kind, then the rules file's `defaults`,
 * `kinds.<kind>` and `zones.<id>`. Throws RULES_INVALID when a ladder is inconsistent (a config that
 * passed {@link parseRulesConfig} never does).
 */
export function resolveZoneRules(config: RulesConfig, zone: Partial<AlertZone> & { id: string }): ResolvedZoneRules {
  const effective = effectiveZone(config, zone);
  const layers = rulesLayers(config, effective.kind, effective.id);
  const rules: ResolvedRule[] = [];
  for (const id of RULE_IDS) {
    const merged = mergeRule(id, effective.kind, layers);
    const problems = ladderProblems(id, merged.levels);
    if (problems.length > 0) {
      const text = problems.map((problem) => `${problem.path.join('.')}: ${problem.message}`).join('; ');
      throw new RaqibError('RULES_INVALID', `rules for zone ${effective.id}: ${text}`);
    }
    const levels: ResolvedLevel[] = [];
    for (const level of merged.levels) {
      if (!level.enabled) continue;
      levels.push({ severity: level.severity, ...(level.settings as LevelSettings) });
    }
    if (!merged.enabled || levels.length === 0) continue;
    if (id === 'occupancy' && effective.capacity === undefined) continue;
    const info = RULE_CATALOG[id];
    rules.push({
      id,
      direction: info.direction,
      unit: info.unit,
      smoothingS: merged.smoothingS,
      levels,
      params: merged.params,
    });
  }
  return { zone: effective, rules };
}
