import type { ZodIssue } from 'zod';
import { RaqibError } from '../raqib-error.js';
import { ALERT_ZONE_KINDS, type AlertZoneKind } from './alert-zone.js';
import { ladderProblems, mergeRule, rulesLayers } from './resolve-zone-rules.js';
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

function pathText(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`)).join('');
}

function issueLines(issue: ZodIssue, input: unknown): string[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${pathText([...issue.path, key])}: ${issue.message}`);
  }
  if (issue.code === 'invalid_union') {
    return [`${pathText(issue.path)}: unexpected ${describeValue(valueAt(input, issue.path))}`];
  }
  return [`${pathText(issue.path)}: ${issue.message}, got ${describeValue(valueAt(input, issue.path))}`];
}

/**
 * Validates parsed rules-file content (from YAML or JSON) and checks every ladder it can produce.
 * Throws RaqibError('RULES_INVALID') listing each problem on its own line as `source: path: problem`,
 * e.g. `rules.yaml: zones.gate-3.density.warning.raise: expected a number >= 0, got "high"`.
 *
 * @param input the parsed document (`null`/`undefined` for an empty file means "all defaults")
 * @param source the file name to put in messages
 */
export function parseRulesConfig(input: unknown, source = 'rules'): RulesConfig {
  const parsed = rulesConfigSchema.safeParse(input ?? {});
  let problems: string[];
  if (!parsed.success) {
    problems = parsed.error.issues.flatMap((issue) => issueLines(issue, input));
  } else {
    problems = ladderConsistencyProblems(parsed.data as RulesConfig);
  }
  if (problems.length === 0) return parsed.data as RulesConfig;
  const shown = problems.slice(0, MAX_PROBLEMS).map((problem) => `${source}: ${problem}`);
  if (problems.length > MAX_PROBLEMS) shown.push(`${source}: ... and ${problems.length - MAX_PROBLEMS} more`);
  throw new RaqibError(
    'RULES_INVALID',
    `${shown.join('\n')}\nFix the rules file (or remove the value to keep the default); see docs/alerts.md.`,
  );
}

/** Every ladder problem for every zone kind, and for every zone entry (under its kind, or all kinds). */
function ladderConsistencyProblems(config: RulesConfig): string[] {
  const problems = new Set<string>();
  const check = (kind: AlertZoneKind, zoneId?: string) => {
    const layers = rulesLayers(config, kind, zoneId);
    for (const ruleId of RULE_IDS) {
      const merged = mergeRule(ruleId, kind, layers);
      for (const problem of ladderProblems(ruleId, merged.levels)) {
        const inZone = zoneId !== undefined && problem.startsWith(`zones.${zoneId}.`);
        const kindNote = inZone && !config.zones?.[zoneId]?.kind ? ` (with the ${kind} defaults; set kind)` : '';
        problems.add(problem + kindNote);
      }
    }
  };
  for (const kind of ALERT_ZONE_KINDS) check(kind);
  for (const [zoneId, entry] of Object.entries(config.zones ?? {})) {
    for (const kind of entry.kind ? [entry.kind] : ALERT_ZONE_KINDS) check(kind, zoneId);
  }
  return [...problems];
}
