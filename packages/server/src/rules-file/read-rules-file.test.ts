import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRaqibError, resolveZoneRules } from '@raqib/core';
import { parseRulesText, readRulesFile } from './read-rules-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'raqib-rules-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('readRulesFile', () => {
  it('reads a YAML rules file and applies it', async () => {
    const path = join(dir, 'rules.yaml');
    await writeFile(
      path,
      [
        '# Event rules',
        'version: 1',
        'kinds:',
        '  walkway:',
        '    density: { danger: { raise: 3.8, clear: 3.4 } }',
        'zones:',
        '  gate-3:',
        '    kind: gate',
        '    upstreamZoneId: plaza',
        '    outflowCollapse:',
        '      upstreamDensityPerM2: 3.5',
        '',
      ].join('\n'),
    );
    const rules = await readRulesFile(path);
    const gate = resolveZoneRules(rules, { id: 'gate-3' });
    expect(gate.zone).toEqual({ id: 'gate-3', kind: 'gate', upstreamZoneId: 'plaza' });
    expect(gate.rules.find((rule) => rule.id === 'outflowCollapse')!.params.upstreamDensityPerM2).toBe(3.5);
    const walkway = resolveZoneRules(rules, { id: 'path', kind: 'walkway' });
    expect(walkway.rules.find((rule) => rule.id === 'density')!.levels[2]).toMatchObject({
      severity: 'danger',
      raise: 3.8,
    });
  });

  it('accepts an empty file and JSON', () => {
    expect(parseRulesText('', 'empty.yaml')).toEqual({});
    expect(parseRulesText('{"defaults": {"density": {"smoothingS": 1}}}', 'rules.json')).toEqual({
      defaults: { density: { smoothingS: 1 } },
    });
  });

  it('rejects invalid values naming the file, the line, the path and the problem', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(
      path,
      ['zones:', '  gate-3:', '    density:', '      warning: { raise: high }', '    densty: {}', ''].join('\n'),
    );
    const error = await rejection(readRulesFile(path));
    expect(isRaqibError(error, 'RULES_INVALID')).toBe(true);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(`${path}:4:25: zones.gate-3.density.warning.raise: expected a number >= 0, got "high"`);
    expect(lines[1]).toMatch(
      new RegExp(`^${path}:5:13: zones\\.gate-3\\.densty: unknown key \\(expected one of: kind,`),
    );
    expect(lines.at(-1)).toContain('docs/alerts.md');
  });

  it('rejects inconsistent ladders and broken YAML', () => {
    expect(() => parseRulesText('defaults:\n  density:\n    warning: { clear: 9 }\n', 'r.yaml')).toThrow(
      'r.yaml:3:14: defaults.density.warning: clear (9) must be below raise (3.5)',
    );
    expect(() => parseRulesText('zones:\n  a: [1, 2\n', 'broken.yaml')).toThrow(
      /^broken\.yaml:\d+:\d+: not valid YAML: /,
    );
    expect(() => parseRulesText('zones: {}\nzones: {}\n', 'twice.yaml')).toThrow(/twice\.yaml:2:1: not valid YAML/);
  });

  it('reports a missing file as not found', async () => {
    const error = await rejection(readRulesFile(join(dir, 'nope.yaml')));
    expect(isRaqibError(error, 'INPUT_NOT_FOUND')).toBe(true);
    expect(error.message).toContain('nope.yaml: no such rules file');
  });
});
