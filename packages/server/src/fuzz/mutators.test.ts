import { describe, expect, it } from 'vitest';
import { BYTE_MUTATORS } from './byte-mutators.js';
import { RULES_UNKNOWN_ZONE, SRT_MUTATORS } from './domain-mutators.js';
import { FuzzRandom } from './fuzz-random.js';
import { textDecoder, textEncoder, type Mutator } from './mutator.js';
import { ALIAS_BOMB, structureMutators } from './structure-mutators.js';
import { csvMutators, TEXT_MUTATORS } from './text-mutators.js';

const CSV = textEncoder.encode('frame,x,y\n0,1,2\n0,3,4\n1,5,6\n2,7,8\n');
const ALL: Mutator[] = [
  ...BYTE_MUTATORS,
  ...TEXT_MUTATORS,
  ...csvMutators({ frameStep: true, withId: false, outOfFrame: { widthPx: 100 } }),
  ...structureMutators('json'),
];

describe('fuzz mutators', () => {
  it('are deterministic in their seed and change the input', () => {
    for (const mutator of ALL) {
      const a = mutator.apply(CSV, new FuzzRandom(7));
      const b = mutator.apply(CSV, new FuzzRandom(7));
      expect(a === null, mutator.name).toBe(b === null);
      if (!a || !b) continue;
      // Buffer comparison: some mutants are megabytes, too big for a deep equality.
      expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes)), mutator.name).toBe(true);
      expect([a.detail, a.expect]).toEqual([b.detail, b.expect]);
      if (mutator.name !== 'crlf-bom') expect(Buffer.from(a.bytes).equals(Buffer.from(CSV)), mutator.name).toBe(false);
    }
  });

  it('shuffle-rows keeps every row and the header, and promises the same result', () => {
    const shuffle = csvMutators({ frameStep: false, withId: false }).find((m) => m.name === 'shuffle-rows')!;
    const mutant = shuffle.apply(CSV, new FuzzRandom(3))!;
    const lines = textDecoder.decode(mutant.bytes).split('\n');
    expect(lines[0]).toBe('frame,x,y');
    expect([...lines].sort()).toEqual(textDecoder.decode(CSV).split('\n').sort());
    expect(mutant.expect).toBe('same-result');
  });

  it('frame-step multiplies the frame numbers and asks for a warning', () => {
    const step = csvMutators({ frameStep: true, withId: false }).find((m) => m.name === 'frame-step')!;
    const mutant = step.apply(CSV, new FuzzRandom(1))!;
    const frames = textDecoder
      .decode(mutant.bytes)
      .split('\n')
      .slice(1, -1)
      .map((line) => Number(line.split(',')[0]));
    const factor = frames[2]!;
    expect([2, 5, 10]).toContain(factor);
    expect(frames).toEqual([0, 0, factor, 2 * factor]);
    expect(mutant.expect).toBe('must-warn');
  });

  it('domain faults: a misspelt zone in rules, an SRT altitude jump, an alias bomb', () => {
    const rules = textEncoder.encode('version: 1\nzones:\n  approach:\n    kind: queue\n');
    const typo = RULES_UNKNOWN_ZONE.apply(rules, new FuzzRandom(1))!;
    expect(textDecoder.decode(typo.bytes)).toContain('  approahc:');
    expect(typo.expect).toBe('must-fail');
    const srt = textEncoder.encode(
      '1\n00:00:00,000 --> 00:00:00,200\n[latitude: 24.5] [longitude: 46.6] [rel_alt: 50.000 abs_alt: 60]\n',
    );
    const jump = SRT_MUTATORS.find((m) => m.name === 'srt-altitude-jump')!.apply(srt, new FuzzRandom(2))!;
    expect(textDecoder.decode(jump.bytes)).not.toContain('rel_alt: 50.000 ');
    expect(jump.expect).toBe('must-warn');
    expect(textDecoder.decode(ALIAS_BOMB.apply(rules, new FuzzRandom(1))!.bytes)).toMatch(/&a\d+ \[\*a\d+/);
  });
});
