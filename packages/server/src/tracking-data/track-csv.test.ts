import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRaqibError } from '@raqib/core';
import { describe, expect, it } from 'vitest';
import { parsePointCsv } from './point-csv.js';
import { formatTrackCsv, parseTrackCsv, readTrackCsv } from './track-csv.js';

describe('parseTrackCsv', () => {
  it('reads rows in any order into frames sorted by number (DroneCrowd files are sorted by track)', () => {
    const csv = parseTrackCsv('frame,track_id,x,y\n1,7,10,20\n0,7,9,19\n0,8,50.5,60\n', 'gt.csv');
    expect(csv.frames.map((f) => f.frame)).toEqual([0, 1]);
    expect(Array.from(csv.frames[0]!.ids)).toEqual([7, 8]);
    expect(Array.from(csv.frames[0]!.xy)).toEqual([9, 19, 50.5, 60]);
    expect(csv.issues).toEqual([]);
  });

  it('maps columns by header name and reads headerless files positionally', () => {
    const named = parseTrackCsv('x,y,id,frame,extra\n1,2,3,4,z\n', 'a.csv');
    expect(named.frames[0]).toMatchObject({ frame: 4 });
    expect(Array.from(named.frames[0]!.ids)).toEqual([3]);
    const bare = parseTrackCsv('\uFEFF4,3,1,2\r\n', 'b.csv');
    expect(Array.from(bare.frames[0]!.xy)).toEqual([1, 2]);
  });

  it('skips malformed rows with their line numbers and keeps the rest', () => {
    const text = [
      'frame,track_id,x,y', // 1
      '0,1,10,10', // 2
      '0,2,abc,10', // 3: bad x
      '', // 4: blank
      '1,1', // 5: too few fields
      '-1,1,3,3', // 6: negative frame
      '1.5,1,3,3', // 7: fractional frame
      '1,x,3,3', // 8: bad id
      '0,1,11,11', // 9: duplicate id in frame 0
      '# comment', // 10
      '1,1,12,12', // 11
    ].join('\n');
    const csv = parseTrackCsv(text, 'gt.csv');
    expect(csv.rows).toBe(2);
    expect(csv.issues.map((i) => i.line)).toEqual([3, 5, 6, 7, 8, 9]);
    expect(csv.issues.every((i) => i.kind === 'skipped')).toBe(true);
    expect(csv.issues[0]!.message).toContain('abc');
  });

  it('drops rows repeating earlier rows exactly (a file joined to itself) with one notice', () => {
    const once = '0,1,10,10\n0,2,20,20\n1,1,11,10\n';
    const single = parseTrackCsv(once, 'once.csv');
    const joined = parseTrackCsv(once + once, 'twice.csv');
    expect(joined.frames).toEqual(single.frames);
    expect(joined.rows).toBe(3);
    expect(joined.duplicateRows).toBe(3);
    expect(joined.issues).toEqual([
      {
        line: 4,
        kind: 'notice',
        message: expect.stringMatching(/^3 row\(s\) repeat an earlier row exactly .*first at line 4/),
      },
    ]);
    expect(single.issues).toEqual([]);
  });

  it('fails clearly, naming the file and the first problem, when nothing is usable', () => {
    expect(() => parseTrackCsv('', 'empty.csv')).toThrow(/empty\.csv: no usable .* \(the file is empty\)/);
    try {
      parseTrackCsv('frame,track_id,x,y\n0,1,a,b\n', 'bad.csv');
      expect.unreachable();
    } catch (error) {
      expect(isRaqibError(error, 'INPUT_INVALID')).toBe(true);
      expect((error as Error).message).toContain('line 2');
    }
    expect(() => parseTrackCsv('frame,id,x\n0,1,2\n', 'h.csv')).toThrow(/h\.csv:1: header has no 'y' column/);
  });

  it('round-trips through formatTrackCsv and reads files, reporting a missing file clearly', async () => {
    const original = parseTrackCsv('0,1,10.25,20\n0,2,5,6\n3,1,11,21\n', 'x.csv').frames;
    const again = parseTrackCsv(formatTrackCsv(original), 'y.csv').frames;
    expect(again).toEqual(original);
    const dir = mkdtempSync(join(tmpdir(), 'raqib-tracks-'));
    writeFileSync(join(dir, 't.csv'), formatTrackCsv(original));
    expect((await readTrackCsv(join(dir, 't.csv'))).rows).toBe(3);
    await expect(readTrackCsv(join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'INPUT_NOT_FOUND' });
  });
});

describe('parsePointCsv', () => {
  it('reads frame,x,y[,score], declares empty frames and notes out-of-order frames', () => {
    const csv = parsePointCsv('0,1,2,0.9\n2\n1,3,4\n1,5,6,0.5\n', 'p.csv');
    expect(csv.hasScore).toBe(true);
    expect(csv.frames.map((f) => f.frame)).toEqual([0, 1, 2]);
    expect(csv.frames[2]!.xy.length).toBe(0);
    expect(Array.from(csv.frames[1]!.score)).toEqual([1, 0.5]);
    expect(csv.issues).toMatchObject([{ line: 3, kind: 'notice' }]);
  });

  it('defaults scores to 1 without a score column, clamps out-of-range scores and skips bad rows', () => {
    expect(Array.from(parsePointCsv('frame,x,y\n0,1,2\n', 'p.csv').frames[0]!.score)).toEqual([1]);
    const csv = parsePointCsv('frame,x,y,score\n0,1,2,1.7\n0,nan,2,0.5\n0,3,4,high\n', 'p.csv');
    expect(Array.from(csv.frames[0]!.score)).toEqual([1]);
    expect(csv.issues.map((i) => [i.line, i.kind])).toEqual([
      [2, 'notice'],
      [3, 'skipped'],
      [4, 'skipped'],
    ]);
  });
});
