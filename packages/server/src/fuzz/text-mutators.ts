import type { FuzzRandom } from './fuzz-random.js';
import { textDecoder, textEncoder, type Expectation, type Mutant, type Mutator } from './mutator.js';

/** Values that break naive number handling: zeros, signs, overflow, underflow, NaN, Infinity, hex, blanks. */
export const EXTREME_NUMBERS: readonly string[] = [
  '0',
  '-0',
  '-1',
  '1e308',
  '-1e308',
  '1e400',
  '5e-324',
  'NaN',
  'Infinity',
  '-Infinity',
  '9007199254740993',
  '2147483648',
  '4294967296',
  '2000000000',
  '-2000000000',
  '1e9',
  '0x10',
  '1,5',
  '',
  ' ',
  '1e',
  '999999999999999999999999',
  '0.000000001',
];

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g;

function lines(bytes: Uint8Array): string[] {
  return textDecoder.decode(bytes).split('\n');
}

function join(parts: readonly string[], detail: string, expect?: Expectation): Mutant {
  return { bytes: textEncoder.encode(parts.join('\n')), detail, ...(expect ? { expect } : {}) };
}

/** Indices of the lines holding data (not blank), from `first`. */
function dataLines(parts: readonly string[], first: number): number[] {
  const out: number[] = [];
  for (let i = first; i < parts.length; i++) if (parts[i]!.trim() !== '') out.push(i);
  return out;
}

function replaceNumber(text: string, random: FuzzRandom): { text: string; detail: string } | null {
  const matches = [...text.matchAll(NUMBER)];
  if (matches.length === 0) return null;
  const match = random.pick(matches);
  const value = random.pick(EXTREME_NUMBERS);
  const at = match.index;
  return {
    text: text.slice(0, at) + value + text.slice(at + match[0].length),
    detail: `'${match[0]}' -> '${value}' at char ${at}`,
  };
}

/** Line and number edits for any text format (CSV, YAML, SRT, JSON). */
export const TEXT_MUTATORS: readonly Mutator[] = [
  {
    name: 'delete-lines',
    apply(bytes, random) {
      const parts = lines(bytes);
      if (parts.length < 2) return null;
      const at = random.int(parts.length);
      const n = random.between(1, 3);
      parts.splice(at, n);
      return join(parts, `${n} line(s) at line ${at + 1}`);
    },
  },
  {
    name: 'duplicate-line',
    apply(bytes, random) {
      const parts = lines(bytes);
      const from = random.int(parts.length);
      const to = random.int(parts.length);
      parts.splice(to, 0, parts[from]!);
      return join(parts, `line ${from + 1} copied before line ${to + 1}`);
    },
  },
  {
    name: 'swap-lines',
    apply(bytes, random) {
      const parts = lines(bytes);
      if (parts.length < 2) return null;
      const a = random.int(parts.length);
      const b = random.int(parts.length);
      [parts[a], parts[b]] = [parts[b]!, parts[a]!];
      return join(parts, `lines ${a + 1} and ${b + 1}`);
    },
  },
  {
    name: 'extreme-number',
    apply(bytes, random) {
      const replaced = replaceNumber(textDecoder.decode(bytes), random);
      return replaced && { bytes: textEncoder.encode(replaced.text), detail: replaced.detail };
    },
  },
  {
    name: 'extreme-numbers',
    apply(bytes, random) {
      let text = textDecoder.decode(bytes);
      const n = random.between(2, 12);
      for (let k = 0; k < n; k++) text = replaceNumber(text, random)?.text ?? text;
      return { bytes: textEncoder.encode(text), detail: `${n} numbers` };
    },
  },
  {
    name: 'delete-field',
    apply(bytes, random) {
      const parts = lines(bytes);
      const candidates = parts.flatMap((line, i) => (/[,:]/.test(line) ? [i] : []));
      if (candidates.length === 0) return null;
      const i = random.pick(candidates);
      const separator = parts[i]!.includes(',') ? ',' : ':';
      const fields = parts[i]!.split(separator);
      const k = random.int(fields.length);
      fields.splice(k, 1);
      parts[i] = fields.join(separator);
      return join(parts, `field ${k + 1} of line ${i + 1}`);
    },
  },
  {
    name: 'long-line',
    apply(bytes, random) {
      const parts = lines(bytes);
      const at = random.int(parts.length + 1);
      const unit = random.pick(['9', 'a,', '1,2,3,', ' ', '\u00e9', '[', '{"a":']);
      parts.splice(at, 0, unit.repeat(Math.ceil(200_000 / unit.length)));
      return join(parts, `'${unit}' x ${Math.ceil(200_000 / unit.length)} at line ${at + 1}`);
    },
  },
  {
    name: 'invalid-utf8',
    apply(bytes, random) {
      const at = random.int(bytes.length + 1);
      const junk = random.pick([[0xff], [0xc3], [0xed, 0xa0, 0x80], [0x00], [0xef, 0xbb, 0xbf]]);
      const out = new Uint8Array(bytes.length + junk.length);
      out.set(bytes.subarray(0, at), 0);
      out.set(junk, at);
      out.set(bytes.subarray(at), at + junk.length);
      return { bytes: out, detail: `${junk.map((b) => b.toString(16)).join(' ')} at byte ${at}` };
    },
  },
  {
    name: 'crlf-bom',
    apply(bytes) {
      const text = textDecoder.decode(bytes).replace(/\r?\n/g, '\r\n');
      return { bytes: textEncoder.encode('\uFEFF' + text), detail: 'CRLF line ends and a BOM', expect: 'same-result' };
    },
  },
];

/**
 * Edits for row-per-line CSV files (`frame,...`), with the answer each should give: rows reordered
 * must not change the figures; the whole file repeated must not double the count without a word.
 */
export function csvMutators(options: {
  frameStep: boolean;
  withId: boolean;
  outOfFrame?: { widthPx: number };
}): Mutator[] {
  const mutators: Mutator[] = [
    {
      name: 'shuffle-rows',
      apply(bytes, random) {
        const parts = lines(bytes);
        const rows = dataLines(parts, /^\s*[a-z]/i.test(parts[0] ?? '') ? 1 : 0);
        const shuffled = rows.map((i) => parts[i]!);
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = random.int(i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        rows.forEach((i, k) => (parts[i] = shuffled[k]!));
        return join(parts, `${rows.length} rows`, 'same-result');
      },
    },
    {
      name: 'duplicate-file',
      apply(bytes) {
        const parts = lines(bytes);
        const body = /^\s*[a-z]/i.test(parts[0] ?? '') ? parts.slice(1) : parts;
        return join([...parts, ...body], 'every row twice', 'not-doubled');
      },
    },
    {
      name: 'frame-gap',
      apply(bytes, random) {
        const parts = lines(bytes);
        const rows = dataLines(parts, 1);
        if (rows.length === 0) return null;
        const fields = parts[random.pick(rows)]!.split(',');
        const frame = random.pick(['2000000000', '100000', '2147483647', '9007199254740991']);
        fields[0] = frame;
        parts.push(fields.join(','));
        return join(parts, `a row at frame ${frame}`, 'must-warn');
      },
    },
  ];
  mutators.push({
    // A dense crowd: hundreds to thousands of extra people in the first frames (runaway work in
    // trackers and matchers shows up as a HANG).
    name: 'dense-rows',
    apply(bytes, random) {
      const parts = lines(bytes);
      const frames = new Set(parts.flatMap((line) => (/^\s*\d+\s*,/.test(line) ? [Number(line.split(',')[0])] : [])));
      const first = [...frames].sort((a, b) => a - b).slice(0, 30);
      const perFrame = random.pick([300, 1000, 3000]);
      const rows: string[] = [];
      for (const frame of first) {
        for (let k = 0; k < perFrame; k++) {
          const x = ((k * 37) % 1900) + 0.5 * frame;
          const y = ((k * 53) % 1060) + 0.25 * frame;
          rows.push(options.withId ? `${frame},${100_000 + k},${x},${y}` : `${frame},${x},${y}`);
        }
      }
      return join([...parts, ...rows], `${perFrame} extra rows in each of ${first.length} frames`);
    },
  });
  if (options.frameStep) {
    mutators.push({
      name: 'frame-step',
      apply(bytes, random) {
        const step = random.pick([2, 5, 10]);
        const parts = lines(bytes).map((line) =>
          /^\s*\d+\s*,/.test(line) ? line.replace(/^\s*(\d+)/, (_, n: string) => String(Number(n) * step)) : line,
        );
        return join(parts, `frame numbers x ${step}`, 'must-warn');
      },
    });
  }
  const outOfFrame = options.outOfFrame;
  if (outOfFrame) {
    mutators.push({
      name: 'out-of-frame',
      apply(bytes) {
        const parts = lines(bytes).map((line) => {
          const fields = line.split(',');
          if (fields.length < 3 || !/^\d+$/.test(fields[0]!.trim())) return line;
          fields[1] = String(Number(fields[1]) + 3 * outOfFrame.widthPx);
          return fields.join(',');
        });
        return join(parts, `every x + ${3 * outOfFrame.widthPx} px`, 'must-warn');
      },
    });
  }
  return mutators;
}
