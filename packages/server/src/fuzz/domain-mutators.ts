import type { FuzzRandom } from './fuzz-random.js';
import { textDecoder, textEncoder, type Mutant, type Mutator } from './mutator.js';

/** Replaces the `index`-th match of `pattern` (with a `g` flag) through `edit`. */
function editNth(text: string, pattern: RegExp, index: number, edit: (match: RegExpExecArray) => string): string {
  let k = 0;
  return text.replace(pattern, (...args: unknown[]) => {
    const match = args.slice(0, -2) as unknown as RegExpExecArray;
    return k++ === index ? edit(match) : (args[0] as string);
  });
}

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].length;
}

function srtEdit(
  name: string,
  pattern: RegExp,
  change: (value: number, random: FuzzRandom) => { value: string; detail: string },
): Mutator {
  return {
    name,
    apply(bytes, random): Mutant | null {
      const text = textDecoder.decode(bytes);
      const n = count(text, pattern);
      if (n === 0) return null;
      // Not the first record: a glitch in the middle of a flight, as in the field.
      const index = n > 2 ? random.between(1, n - 2) : random.int(n);
      let detail = '';
      const out = editNth(text, pattern, index, (match) => {
        const edited = change(Number(match[2]), random);
        detail = `record ${index + 1}: ${edited.detail}`;
        return `${match[1]}${edited.value}`;
      });
      return { bytes: textEncoder.encode(out), detail, expect: 'must-warn' };
    },
  };
}

/** DJI .SRT telemetry faults seen in the field: GPS glitches, altitude jumps, broken timing. */
export const SRT_MUTATORS: readonly Mutator[] = [
  srtEdit('srt-altitude-jump', /(\[rel_alt:\s*)(-?[\d.]+)/g, (value, random) => {
    const jump = random.pick([20, 2000, -value - 5]);
    return { value: (value + jump).toFixed(3), detail: `rel_alt ${value} -> ${(value + jump).toFixed(3)}` };
  }),
  srtEdit('srt-gps-glitch', /(\[latitude:\s*)(-?[\d.]+)/g, (value, random) => {
    const jump = random.pick([0.1, -0.5, 1]);
    return { value: (value + jump).toFixed(6), detail: `latitude ${value} -> ${(value + jump).toFixed(6)}` };
  }),
  {
    name: 'srt-timing',
    apply(bytes, random) {
      const text = textDecoder.decode(bytes);
      const pattern = /\d\d:\d\d:\d\d,\d\d\d --> \d\d:\d\d:\d\d,\d\d\d/g;
      const n = count(text, pattern);
      if (n === 0) return null;
      const index = random.int(n);
      const replacement = random.pick([
        '99:59:59,999 --> 99:59:59,999',
        '00:00:01,000 --> 00:00:00,000',
        '00:00:00,000 --> 00:00:00,000',
        '00:00:00,000 --> 99:00:00,000',
        '-1:00:00,000 --> 00:00:00,000',
      ]);
      const out = editNth(text, pattern, index, () => replacement);
      return { bytes: textEncoder.encode(out), detail: `record ${index + 1}: ${replacement}` };
    },
  },
];

/** A rules file naming a zone that does not exist (a typo): must be refused, not ignored. */
export const RULES_UNKNOWN_ZONE: Mutator = {
  name: 'rules-unknown-zone',
  apply(bytes) {
    const text = textDecoder.decode(bytes);
    const match = /^zones:\s*\n(\s+)([A-Za-z0-9_.:-]+):/m.exec(text);
    if (!match) return null;
    const id = match[2]!;
    const typo = id.length > 2 ? id.slice(0, -2) + id.slice(-1) + id.slice(-2, -1) : `${id}x`;
    const out = text.replace(`${match[1]}${id}:`, `${match[1]}${typo}:`);
    return { bytes: textEncoder.encode(out), detail: `zones.${id} -> zones.${typo}`, expect: 'must-fail' };
  },
};
