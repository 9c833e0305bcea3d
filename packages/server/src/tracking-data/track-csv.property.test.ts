import { isRaqibError, type TrackFrame } from '@raqib/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTrackCsv, parseTrackCsv, type TrackCsv } from './track-csv.js';

// Property: whatever the text, parseTrackCsv returns valid tracks or throws INPUT_INVALID naming the
// file and the line (or saying the file is empty): never another exception.

const SOURCE = 'fuzz/tracks.csv';

const field = fc.oneof(
  fc.integer({ min: -5, max: 300 }).map(String),
  fc.double({ min: -1e4, max: 1e4, noNaN: true }).map(String),
  fc.constantFrom(
    '',
    'NaN',
    'Infinity',
    '1e308',
    '-1e39',
    '3.5e38',
    '2147483648',
    '-2147483648',
    '1.5',
    'track_id',
    'frame',
    'x',
    'y',
  ),
  fc.string({ maxLength: 6 }),
);
const csvLike = fc
  .tuple(
    fc.array(
      fc.oneof(
        fc.array(field, { maxLength: 6 }).map((f) => f.join(',')),
        fc.constantFrom('', '# c'),
      ),
      { maxLength: 40 },
    ),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([lines, end]) => lines.join(end));

function checkValid(csv: TrackCsv, lineCount: number): void {
  let previous = -1;
  let points = 0;
  for (const frame of csv.frames) {
    expect(Number.isInteger(frame.frame) && frame.frame > previous).toBe(true);
    previous = frame.frame;
    expect(frame.xy.length).toBe(2 * frame.ids.length);
    expect(new Set(frame.ids).size).toBe(frame.ids.length);
    for (const v of frame.xy) expect(Number.isFinite(v), `coordinate ${v} in frame ${frame.frame}`).toBe(true);
    points += frame.ids.length;
  }
  expect(csv.rows).toBe(points);
  for (const issue of csv.issues) expect(issue.line >= 1 && issue.line <= lineCount).toBe(true);
}

function parseOrCleanError(text: string): TrackCsv | null {
  try {
    const csv = parseTrackCsv(text, SOURCE);
    checkValid(csv, text.split('\n').length);
    return csv;
  } catch (error) {
    if (!isRaqibError(error, 'INPUT_INVALID')) throw error;
    expect(error.message.startsWith(SOURCE)).toBe(true);
    expect(error.message).toMatch(/:\d+: |line \d+|the file is empty/);
    return null;
  }
}

describe('parseTrackCsv properties', () => {
  it('any text: valid tracks or INPUT_INVALID naming the file and line', () => {
    fc.assert(
      fc.property(fc.oneof(csvLike, fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
        parseOrCleanError(text);
      }),
      { numRuns: 400, seed: 20 },
    );
  });

  it('coordinates beyond single precision are skipped with their line, not stored as Infinity', () => {
    const csv = parseTrackCsv('frame,track_id,x,y\n0,1,1e308,5\n0,2,3,4\n', SOURCE);
    expect(csv.rows).toBe(1);
    expect(csv.issues).toMatchObject([{ line: 2, kind: 'skipped' }]);
  });

  it('formatTrackCsv output reads back as the same tracks, whatever the row order', () => {
    const frames = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 12 }).chain((numbers) =>
      fc.tuple(
        ...numbers
          .sort((a, b) => a - b)
          .map((frame) =>
            fc
              .uniqueArray(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 6 })
              .chain((ids) =>
                fc
                  .array(fc.integer({ min: -50_000, max: 500_000 }), {
                    minLength: 2 * ids.length,
                    maxLength: 2 * ids.length,
                  })
                  .map((centiPx): TrackFrame => ({
                    frame,
                    ids: Int32Array.from(ids),
                    xy: Float32Array.from(centiPx, (v) => v / 4),
                  })),
              ),
          ),
      ),
    );
    fc.assert(
      fc.property(frames, fc.boolean(), (original, reverse) => {
        const lines = formatTrackCsv(original).trimEnd().split('\n');
        const body = reverse ? lines.slice(1).reverse() : lines.slice(1);
        const csv = parseOrCleanError([lines[0], ...body].join('\n'))!;
        const sortById = (f: TrackFrame) => {
          const order = Array.from(f.ids.keys()).sort((a, b) => f.ids[a]! - f.ids[b]!);
          return {
            frame: f.frame,
            ids: order.map((i) => f.ids[i]),
            xy: order.flatMap((i) => [f.xy[2 * i], f.xy[2 * i + 1]]),
          };
        };
        expect(csv.frames.map(sortById)).toEqual(original.map(sortById));
      }),
      { numRuns: 200, seed: 21 },
    );
  });
});
