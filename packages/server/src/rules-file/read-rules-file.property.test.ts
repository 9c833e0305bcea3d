import { isRaqibError } from '@raqib/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseRulesText } from './read-rules-file.js';

// Property: any text gives a rules configuration or RULES_INVALID whose every line names the file
// (with line:column where the YAML has one): never another exception, never a hang.

const FILE = 'fuzz/rules.yaml';

const value = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -1, max: 20, noNaN: true }) },
  fc.constantFrom(0, 1e308, -1e308, 'high', null, true, [], {}),
);
const level = fc.record(
  { raise: value, clear: value, sustainS: value, clearSustainS: value, enabled: fc.constantFrom(true, false, 'yes') },
  { requiredKeys: [] },
);
const rule = fc.record(
  {
    enabled: fc.boolean(),
    smoothingS: value,
    info: level,
    warning: level,
    danger: level,
    critical: level,
    windowS: value,
    minCount: value,
  },
  { requiredKeys: [] },
);
const overrides = fc.dictionary(
  fc.constantFrom('density', 'occupancy', 'growth', 'lineFlow', 'speedDrop', 'counterflow', 'pressure', 'densty'),
  rule,
  { maxKeys: 3 },
);
const zone = fc.record(
  {
    kind: fc.constantFrom('walkway', 'standing', 'queue', 'gate', 'restricted', 'plaza'),
    capacity: value,
    upstreamZoneId: fc.constantFrom('approach', '', 'nowhere'),
    density: rule,
  },
  { requiredKeys: [] },
);
const rulesDocument = fc.record(
  {
    version: fc.constantFrom(1, 2, '1'),
    defaultKind: fc.constantFrom('standing', 'queue', 'hall'),
    defaults: overrides,
    kinds: fc.dictionary(fc.constantFrom('walkway', 'queue', 'gate', 'lobby'), overrides, { maxKeys: 2 }),
    zones: fc.dictionary(fc.constantFrom('approach', 'exit', 'gate-1', ''), zone, { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);

/** YAML "billion laughs" of `levels` levels: must be refused without expanding it. */
function aliasBomb(levels: number): string {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let k = 1; k <= levels; k++)
    lines.push(
      `a${k}: &a${k} [${Array(9)
        .fill(`*a${k - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n') + '\n';
}

function parseOrCleanError(text: string): boolean {
  try {
    const config = parseRulesText(text, FILE);
    expect(typeof config).toBe('object');
    return true;
  } catch (error) {
    if (!isRaqibError(error, 'RULES_INVALID')) throw error;
    const lines = error.message.split('\n');
    expect(lines[0]!.startsWith(`${FILE}:`)).toBe(true);
    for (const line of lines.slice(0, -1)) expect(line.startsWith(`${FILE}:`)).toBe(true);
    return false;
  }
}

describe('parseRulesText properties', () => {
  it('any text: a rules configuration or RULES_INVALID naming the file on every line', () => {
    let parsed = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 6, arbitrary: rulesDocument.map((doc) => stringify(doc)) },
          rulesDocument.map((doc) => JSON.stringify(doc)),
          fc.jsonValue().map((doc) => stringify(doc)),
          fc.string({ unit: 'binary', maxLength: 80 }),
        ),
        (text) => {
          if (parseOrCleanError(text)) parsed++;
        },
      ),
      { numRuns: 200, seed: 50 },
    );
    expect(parsed).toBeGreaterThan(5);
  });

  it('a YAML alias bomb is refused quickly as RULES_INVALID', () => {
    for (const levels of [4, 9]) {
      const started = performance.now();
      expect(() => parseRulesText(aliasBomb(levels), FILE)).toThrow(expect.objectContaining({ code: 'RULES_INVALID' }));
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});
