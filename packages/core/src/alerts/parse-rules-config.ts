import type { ZodIssue } from 'zod';
import { RaqibError } from '../raqib-error.js';
import { ALERT_ZONE_KINDS, type AlertZoneKind } from './alert-zone.js';
import {
  ladderProblems,
  mergeRule,
  rulesLayers,
  zoneReferenceProblems,
  type KnownZones,
  type RulesProblem,
} from './resolve-zone-rules.js';
import { RULE_IDS } from './rule-catalog.js';
import { rulesConfigSchema, type RulesConfig } from './rules-config-schema.js';

const MAX_PROBLEMS = 20;

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let node = input;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** `zones.gate-3.density.warning.raise`; list items as `[i]`; the top level as `(top level)`. */
export function rulesPathText(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`)).join('');
}

function issueProblems(issue: ZodIssue, input: unknown): RulesProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...issue.path, key], message: issue.message }));
  }
  return [{ path: issue.path, message: `${issue.message}, got ${describeValue(valueAt(input, issue.path))}` }];
}

/** Options of {@link validateRulesConfig} and {@link parseRulesConfig}. */
export interface RulesValidationOptions {
  /**
   * The zones of the analysis: every `zones.<id>` and `upstreamZoneId` must name one of them.
   * Without it zone ids are not checked (the rules file alone does not know the zones).
   */
  zones?: KnownZones;
}

/**
 * Validates parsed rules-file content (from YAML or JSON) and checks every ladder it can produce:
 * the schema first (types, ranges, unknown keys), then the ladders of every zone kind and zone, and
 * with `options.zones` that every zone id it names exists.
 *
 * @param input the parsed document (`null`/`undefined` for an empty file means "all defaults")
 * @returns the config, or the problems found
 */
export function validateRulesConfig(
  input: unknown,
  options: RulesValidationOptions = {},
): { ok: true; config: RulesConfig } | { ok: false; problems: RulesProblem[] } {
  const parsed = rulesConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.flatMap((issue) => issueProblems(issue, input)) };
  }
  const config = parsed.data as RulesConfig;
  const problems = [
    ...(options.zones ? zoneReferenceProblems(config, options.zones) : []),
    ...ladderConsistencyProblems(config),
  ];
  return problems.length === 0 ? { ok: true, config } : { ok: false, problems };
}

/**
 * Formats rules problems one per line as `source: path: problem` (or `source:line:col: path: problem`
 * when `locate` finds the place), plus a hint; at most 20 lines.
 */
export function formatRulesProblems(
  problems: readonly RulesProblem[],
  source: string,
  locate?: (path: readonly (string | number)[], at?: 'key') => string | undefined,
): string {
  const lines = problems.slice(0, MAX_PROBLEMS).map((problem) => {
    const where = locate?.(problem.path, problem.at);
    return `${source}${where ? `:${where}` : ''}: ${rulesPathText(problem.path)}: ${problem.message}`;
  });
  if (problems.length > MAX_PROBLEMS) lines.push(`${source}: ... and ${problems.length - MAX_PROBLEMS} more`);
  lines.push('Fix the rules file (or remove the value to keep the default); see docs/alerts.md.');
  return lines.join('\n');
}

/**
 * Validates parsed rules-file content; throws RaqibError('RULES_INVALID') listing each problem on its
 * own line, e.g. `rules.yaml: zones.gate-3.density.warning.raise: expected a number >= 0, got "high"`.
 *
 * @param input the parsed document (`null`/`undefined` for an empty file means "all defaults")
 * @param source the file name to put in messages
 * @param options `zones`: the zone ids the file may name (see {@link RulesValidationOptions})
 * @example const rules = parseRulesConfig(YAML.parse(text), 'rules.yaml');
 */
export function parseRulesConfig(input: unknown, source = 'rules', options: RulesValidationOptions = {}): RulesConfig {
  const result = validateRulesConfig(input, options);
  if (result.ok) return result.config;
  throw new RaqibError('RULES_INVALID', formatRulesProblems(result.problems, source));
}

/**
 * Every ladder problem for every zone kind, and for every zone entry (under its kind, or all kinds).
 * A problem that appears under several kinds is reported once, naming the kinds.
 */
function ladderConsistencyProblems(config: RulesConfig): RulesProblem[] {
  const found = new Map<
    string,
    { path: RulesProblem['path']; message: string; kinds: AlertZoneKind[]; zoneNote: boolean }
  >();
  const check = (kind: AlertZoneKind, zoneId?: string) => {
    const layers = rulesLayers(config, kind, zoneId);
    for (const ruleId of RULE_IDS) {
      const merged = mergeRule(ruleId, kind, layers);
      // A rule that is off for this kind cannot misbehave there.
      if (!merged.enabled) continue;
      for (const problem of ladderProblems(ruleId, merged.levels)) {
        const key = `${JSON.stringify(problem.path)} ${problem.message}`;
        const entry = found.get(key) ?? { path: problem.path, message: problem.message, kinds: [], zoneNote: false };
        if (!entry.kinds.includes(kind)) entry.kinds.push(kind);
        const inZone = zoneId !== undefined && problem.path[0] === 'zones' && problem.path[1] === zoneId;
        if (inZone && !config.zones?.[zoneId]?.kind) entry.zoneNote = true;
        found.set(key, entry);
      }
    }
  };
  for (const kind of ALERT_ZONE_KINDS) check(kind);
  for (const [zoneId, entry] of Object.entries(config.zones ?? {})) {
    for (const kind of entry.kind ? [entry.kind] : ALERT_ZONE_KINDS) check(kind, zoneId);
  }
  return [...found.values()].map(({ path, message, kinds, zoneNote }) => {
    let note = '';
    if (zoneNote) note = ` (with the ${kinds.join(', ')} defaults; set kind)`;
    else if (path[0] === 'defaults') note = ` (in ${kinds.join(', ')} zones)`;
    return { path, message: message + note };
  });
}
