import { isRaqibError } from '@raqib/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePointCsv, type PointCsv } from './point-csv.js';

// Property: whatever the text, parsePointCsv returns a valid result or throws INPUT_INVALID naming the
// file and the line (or saying the file is empty): never another exception.

const SOURCE = 'fuzz/points.csv';

/** Field values that real and broken files hold: numbers, extremes, junk. */
const field = fc.oneof(
  fc.integer({ min: -5, max: 300 }).map(String),
  fc.double({ min: -1e4, max: 1e4, noNaN: true }).map(String),
  fc.constantFrom(
    '',
    ' ',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e308',
    '1e400',
    '-0',
    '0x1f',
    '2000000000',
    'frame',
    'x',
    'y',
    'score',
    'é',
    '"1"',
  ),
  fc.string({ maxLength: 6 }),
);
const csvLike = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc.array(field, { maxLength: 6 }).map((fields) => fields.join(',')),
        fc.constantFrom('', '# c', '\r'),
      ),
      {
        maxLength: 40,
      },
    ),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([lines, end]) => lines.join(end));

function checkValid(csv: PointCsv, lineCount: number): void {
  let previous = -1;
  let points = 0;
  for (const frame of csv.frames) {
    expect(Number.isInteger(frame.frame) && frame.frame > previous).toBe(true);
    previous = frame.frame;
    expect(frame.xy.length).toBe(2 * frame.score.length);
    for (const v of frame.xy) expect(Number.isFinite(v)).toBe(true);
    for (const s of frame.score) expect(s >= 0 && s <= 1).toBe(true);
    points += frame.score.length;
  }
  expect(csv.rows).toBeGreaterThanOrEqual(points);
  expect(csv.issueCount).toBeGreaterThanOrEqual(csv.issues.length);
  for (const issue of csv.issues) expect(issue.line >= 1 && issue.line <= lineCount).toBe(true);
}

function parseOrCleanError(text: string): PointCsv | null {
  try {
    const csv = parsePointCsv(text, SOURCE);
    checkValid(csv, text.split('\n').length);
    return csv;
  } catch (error) {
    if (!isRaqibError(error, 'INPUT_INVALID')) throw error;
    expect(error.message.startsWith(SOURCE)).toBe(true);
    expect(error.message).toMatch(/:\d+: |line \d+|the file is empty/);
    return null;
  }
}

describe('parsePointCsv properties', () => {
  it('any text: a valid result or INPUT_INVALID naming the file and line', () => {
    fc.assert(
      fc.property(fc.oneof(csvLike, fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
        parseOrCleanError(text);
      }),
      { numRuns: 400, seed: 10 },
    );
  });

  it('well-formed rows in any order, with or without a header, read back exactly (grouped by frame)', () => {
    const row = fc.record({
      frame: fc.integer({ min: 0, max: 50 }),
      x: fc.double({ min: -100, max: 2000, noNaN: true }).map((v) => v + 0),
      y: fc.double({ min: -100, max: 2000, noNaN: true }).map((v) => v + 0),
      score: fc.double({ min: 0, max: 1, noNaN: true }).map((v) => v + 0),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 60 }), fc.boolean(), (rows, header) => {
        const text =
          (header ? 'frame,x,y,score\n' : '') + rows.map((r) => `${r.frame},${r.x},${r.y},${r.score}`).join('\n');
        const csv = parseOrCleanError(text)!;
        expect(csv.issues.filter((i) => i.kind === 'skipped')).toEqual([]);
        expect(csv.rows).toBe(rows.length);
        for (const frame of csv.frames) {
          const expected = rows.filter((r) => r.frame === frame.frame);
          // Float32 storage: compare at single precision.
          expect(Array.from(frame.xy)).toEqual(expected.flatMap((r) => [Math.fround(r.x), Math.fround(r.y)]));
          expect(Array.from(frame.score)).toEqual(expected.map((r) => Math.fround(r.score)));
        }
        expect(csv.frames.map((f) => f.frame)).toEqual([...new Set(rows.map((r) => r.frame))].sort((a, b) => a - b));
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
