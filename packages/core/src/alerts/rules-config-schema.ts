import { z } from 'zod';
import { ALERT_ZONE_KINDS, type AlertZoneKind } from './alert-zone.js';
import { RULE_CATALOG, RULE_IDS, type RuleId, type RuleParamName, type RuleParams } from './rule-catalog.js';

/** A strict mapping whose unknown keys are reported with the keys that are allowed. */
function strictObject<T extends z.ZodRawShape>(shape: T) {
  return z
    .object(shape, { invalid_type_error: 'expected a mapping (key: value pairs)' })
    .strict(`unknown key (expected one of: ${Object.keys(shape).join(', ')})`);
}

function numberAtLeast(minimum: number, description: string) {
  const message = `expected a number >= ${minimum}`;
  return z
    .number({ invalid_type_error: message })
    .finite(message)
    .min(minimum, message)
    .describe(description)
    .optional();
}

function positiveNumber(description: string) {
  const message = 'expected a number > 0';
  return z.number({ invalid_type_error: message }).finite(message).positive(message).describe(description).optional();
}

const enabledSchema = z
  .boolean({ invalid_type_error: 'expected true or false' })
  .describe('false turns this off')
  .optional();

/** One level of a rule's ladder in a rules file; every field optional (the default fills it). */
export const levelOverrideSchema = strictObject({
  raise: numberAtLeast(0, "threshold that raises the level, in the rule's unit"),
  clear: numberAtLeast(0, "threshold that clears the level (hysteresis), in the rule's unit"),
  sustainS: numberAtLeast(0, 'seconds the raise condition must hold'),
  clearSustainS: numberAtLeast(0, 'seconds the clear condition must hold'),
  enabled: enabledSchema,
});

const paramSchemas: Record<RuleParamName, z.ZodTypeAny> = {
  windowS: positiveNumber('window of the density slope, seconds'),
  minDensityPerM2: numberAtLeast(0, 'zone density needed for the rule to apply, persons/m²'),
  upstreamDensityPerM2: numberAtLeast(0, 'upstream density needed for an outflow collapse, persons/m²'),
  baselineS: positiveNumber('time constant of the speed baseline, seconds'),
  minHistoryS: numberAtLeast(0, 'stream time before the speed baseline is trusted, seconds'),
  minBaselineSpeedMPerS: numberAtLeast(0, 'baseline speed below which a speed drop is ignored, m/s'),
  minGrowthPerM2PerMin: numberAtLeast(0, 'density growth needed for a speed drop to count, persons/m² per minute'),
  minCount: numberAtLeast(0, 'people needed in the zone for the rule to apply'),
};

function ruleOverrideSchema(ruleId: RuleId) {
  const info = RULE_CATALOG[ruleId];
  const shape: z.ZodRawShape = {
    enabled: enabledSchema,
    smoothingS: numberAtLeast(0, 'window of the moving median of the value, seconds (0 = none)'),
    info: levelOverrideSchema.optional().describe('the info level'),
    warning: levelOverrideSchema.optional().describe('the warning level'),
    danger: levelOverrideSchema.optional().describe('the danger level'),
    critical: levelOverrideSchema.optional().describe('the critical level'),
  };
  for (const param of info.params) shape[param] = paramSchemas[param];
  return strictObject(shape).optional().describe(`${ruleId}: ${info.summary} (${info.unit})`);
}

const ruleShape = Object.fromEntries(RULE_IDS.map((id) => [id, ruleOverrideSchema(id)])) as Record<
  RuleId,
  ReturnType<typeof ruleOverrideSchema>
>;

/** Overrides of some rules, as in `defaults:`, `kinds.<kind>:` and `zones.<id>:`. */
export const ruleOverridesSchema = strictObject(ruleShape);

const zoneKindSchema = z
  .enum(ALERT_ZONE_KINDS, {
    errorMap: () => ({ message: `expected one of ${ALERT_ZONE_KINDS.join(', ')}` }),
  })
  .describe('what the zone is used for; selects the defaults');

/** Settings of one zone: facts (kind, capacity, upstream zone) and rule overrides. */
export const zoneRulesEntrySchema = strictObject({
  kind: zoneKindSchema.optional(),
  capacity: numberAtLeast(0, 'most people the zone may hold; enables the occupancy rule'),
  upstreamZoneId: z
    .string({ invalid_type_error: 'expected a zone id' })
    .min(1, 'expected a zone id')
    .describe('zone whose density is upstream of this gate (outflowCollapse)')
    .optional(),
  ...ruleShape,
});

/**
 * A rules file (YAML or JSON). Settings apply in the order built-in defaults of the zone kind,
 * `defaults`, `kinds.<kind>`, `zones.<id>`; each layer only overrides the values it names.
 */
export const rulesConfigSchema = strictObject({
  version: z
    .literal(1, { errorMap: () => ({ message: 'expected 1 (the only rules file version)' }) })
    .describe('rules file format version')
    .optional(),
  defaultKind: zoneKindSchema.optional().describe('kind of zones that no zone list names (default standing)'),
  defaults: ruleOverridesSchema.optional().describe('overrides for every zone'),
  kinds: strictObject(
    Object.fromEntries(
      ALERT_ZONE_KINDS.map((kind) => [kind, ruleOverridesSchema.optional().describe(`overrides for ${kind} zones`)]),
    ) as Record<(typeof ALERT_ZONE_KINDS)[number], z.ZodOptional<typeof ruleOverridesSchema>>,
  )
    .optional()
    .describe('overrides per zone kind'),
  zones: z
    .record(z.string().min(1), zoneRulesEntrySchema, {
      invalid_type_error: 'expected a mapping of zone id to settings',
    })
    .optional()
    .describe('settings per zone id'),
});

/** Overrides of one level of a ladder (a missing field keeps the default). */
export interface LevelOverride {
  raise?: number;
  clear?: number;
  sustainS?: number;
  clearSustainS?: number;
  enabled?: boolean;
}

/** Overrides of one rule; parameters beyond the rule's own list are rejected by the schema. */
export interface RuleOverride extends RuleParams {
  enabled?: boolean;
  smoothingS?: number;
  info?: LevelOverride;
  warning?: LevelOverride;
  danger?: LevelOverride;
  critical?: LevelOverride;
}

/** Overrides of some rules, by rule id. */
export type RuleOverrides = Partial<Record<RuleId, RuleOverride>>;

/** Settings of one zone in a rules file. */
export interface ZoneRulesEntry extends RuleOverrides {
  kind?: AlertZoneKind;
  capacity?: number;
  upstreamZoneId?: string;
}

/** A validated rules file (the shape {@link rulesConfigSchema} accepts). */
export interface RulesConfig {
  version?: 1;
  defaultKind?: AlertZoneKind;
  defaults?: RuleOverrides;
  kinds?: Partial<Record<AlertZoneKind, RuleOverrides>>;
  zones?: Record<string, ZoneRulesEntry>;
}
