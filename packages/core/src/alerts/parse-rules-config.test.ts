import { describe, expect, it } from 'vitest';
import { isRaqibError } from '../raqib-error.js';
import { parseRulesConfig, validateRulesConfig } from './parse-rules-config.js';
import { resolveZoneRules } from './resolve-zone-rules.js';

function errorOf(input: unknown): string {
  try {
    parseRulesConfig(input, 'rules.yaml');
  } catch (error) {
    expect(isRaqibError(error, 'RULES_INVALID')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the rules to be rejected');
}

describe('parseRulesConfig', () => {
  it('accepts an empty file and a file of overrides', () => {
    expect(parseRulesConfig(null)).toEqual({});
    const config = parseRulesConfig({
      version: 1,
      defaults: { density: { smoothingS: 4 } },
      kinds: { walkway: { density: { danger: { raise: 4.5, clear: 4 } } } },
      zones: {
        'gate-3': {
          kind: 'gate',
          capacity: 800,
          upstreamZoneId: 'plaza',
          lineFlow: { warning: { raise: 70, clear: 65 } },
        },
      },
    });
    const gate = resolveZoneRules(config, { id: 'gate-3', kind: 'walkway' });
    expect(gate.zone).toEqual({ id: 'gate-3', kind: 'gate', capacity: 800, upstreamZoneId: 'plaza' });
    const lineFlow = gate.rules.find((rule) => rule.id === 'lineFlow')!;
    expect(lineFlow.levels.map((level) => [level.severity, level.raise])).toEqual([
      ['info', 66],
      ['warning', 70],
    ]);
    expect(gate.rules.find((rule) => rule.id === 'occupancy')).toBeDefined();
    const walkway = resolveZoneRules(config, { id: 'path', kind: 'walkway' });
    const density = walkway.rules.find((rule) => rule.id === 'density')!;
    expect(density.smoothingS).toBe(4);
    expect(density.levels.find((level) => level.severity === 'danger')).toMatchObject({ raise: 4.5, clear: 4 });
    expect(walkway.rules.find((rule) => rule.id === 'occupancy')).toBeUndefined();
  });

  it('names the file, the path, the expectation and the value', () => {
    const message = errorOf({ zones: { 'gate-3': { density: { warning: { raise: 'high' } } } } });
    expect(message).toContain('rules.yaml: zones.gate-3.density.warning.raise: expected a number >= 0, got "high"');
    expect(errorOf({ defaults: { density: { info: { sustainS: -1 } } } })).toContain(
      'rules.yaml: defaults.density.info.sustainS: expected a number >= 0, got -1',
    );
    expect(errorOf({ zones: { a: { kind: 'stage' } } })).toContain(
      'rules.yaml: zones.a.kind: expected one of walkway, standing, queue, gate, restricted, got "stage"',
    );
    expect(errorOf({ zones: { a: { density: { enabled: 'yes' } } } })).toContain(
      'zones.a.density.enabled: expected true or false, got "yes"',
    );
    expect(errorOf({ zones: [] })).toContain(
      'rules.yaml: zones: expected a mapping of zone id to settings, got a list',
    );
  });

  it('rejects unknown keys, listing the allowed ones', () => {
    const message = errorOf({ zones: { 'gate-3': { densty: {} } }, defualts: {} });
    expect(message).toContain('rules.yaml: zones.gate-3.densty: unknown key (expected one of: kind, capacity,');
    expect(message).toContain('rules.yaml: defualts: unknown key (expected one of: version, defaultKind,');
    // Parameters belong to their rule only.
    expect(errorOf({ defaults: { density: { windowS: 30 } } })).toContain('defaults.density.windowS: unknown key');
  });

  it('checks the ladders after merging the layers', () => {
    expect(errorOf({ kinds: { standing: { density: { warning: { clear: 4 } } } } })).toContain(
      'rules.yaml: kinds.standing.density.warning: clear (4) must be below raise (3.5) for hysteresis',
    );
    expect(errorOf({ defaults: { speedDrop: { warning: { raise: 0.8 } } } })).toContain(
      'defaults.speedDrop.warning: clear (0.7) must be above raise (0.8)',
    );
    expect(errorOf({ zones: { z: { kind: 'queue', density: { danger: { raise: 3, clear: 2.5 } } } } })).toContain(
      'rules.yaml: zones.z.density.danger: danger raise (3) is below the warning raise (3.5)',
    );
    expect(errorOf({ zones: { z: { density: { critical: { raise: 4.5, clear: 4.2 } } } } })).toContain(
      'zones.z.density.critical: critical raise (4.5) is below the danger raise (5); a graver level needs a ' +
        'threshold at least as high (with the standing, queue defaults; set kind)',
    );
    expect(errorOf({ defaults: { pressure: { danger: { raise: 0.01 } } } })).toContain(
      'defaults.pressure.danger: the pressure rule has no default danger level; set clear',
    );
  });

  it('lists every problem, one per line', () => {
    const result = validateRulesConfig({ zones: { a: { capacity: -5, density: { info: { raise: 'x' } } } } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.path.join('.'))).toEqual([
      'zones.a.capacity',
      'zones.a.density.info.raise',
    ]);
    const lines = errorOf({ zones: { a: { capacity: -5, density: { info: { raise: 'x' } } } } }).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain('docs/alerts.md');
  });

  it('lets a level or a rule be switched off', () => {
    const config = parseRulesConfig({
      kinds: { standing: { density: { info: { enabled: false } }, growth: { enabled: false } } },
    });
    const rules = resolveZoneRules(config, { id: 'p', kind: 'standing' }).rules;
    expect(rules.find((rule) => rule.id === 'density')!.levels.map((level) => level.severity)).toEqual([
      'warning',
      'danger',
      'critical',
    ]);
    expect(rules.find((rule) => rule.id === 'growth')).toBeUndefined();
  });
});

describe('validateRulesConfig with the zones of the analysis', () => {
  const zones = { ids: ['frame', 'plaza', 'gate-3'], where: 'in zones.geojson' };
  it.each([
    {
      name: 'a misspelt zone id',
      input: { zones: { gate3: { capacity: 5 } } },
      problems: [
        {
          path: ['zones', 'gate3'],
          at: 'key',
          message:
            'no zone "gate3" in zones.geojson (known zones: frame, plaza, gate-3); fix the id or remove the entry',
        },
      ],
    },
    {
      name: 'an upstream zone that does not exist',
      input: { zones: { 'gate-3': { kind: 'gate', upstreamZoneId: 'plazza' } } },
      problems: [
        {
          path: ['zones', 'gate-3', 'upstreamZoneId'],
          message:
            'no zone "plazza" in zones.geojson (known zones: frame, plaza, gate-3); name the area zone people come from',
        },
      ],
    },
    {
      name: 'known ids',
      input: { zones: { plaza: { capacity: 50 }, 'gate-3': { upstreamZoneId: 'plaza' } } },
      problems: [],
    },
  ])('$name', ({ input, problems }) => {
    const result = validateRulesConfig(input, { zones });
    expect(result.ok ? [] : result.problems).toEqual(problems);
    // Without the zone list the file alone cannot tell, and passes.
    expect(validateRulesConfig(input).ok).toBe(true);
  });
});
