import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_POINTS_GAP_S, openPointsFileSource, type PointsFileSourceOptions } from './points-file-source.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-points-source-'));
const size = { widthPx: 200, heightPx: 100 };

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Rows `frame,x,y` for `frames` frame numbers, three distinct points each, inside a 200x100 frame. */
function rows(frames: readonly number[]): string {
  return frames.map((f) => `${f},${10 + (f % 50)},20\n${f},60,${30 + (f % 40)}\n${f},150.5,80\n`).join('');
}

async function read(path: string, options: Partial<PointsFileSourceOptions> = {}) {
  const opened = await openPointsFileSource(path, { fps: 5, ...size, ...options });
  const frames = [];
  for await (const frame of opened.source.frames()) {
    frames.push({ ptsMs: frame.meta.ptsMs, count: frame.detections?.length ?? 0 });
  }
  return { frames, quality: opened.source.dataQuality(), source: opened.source };
}

describe('PointsFileSource: what was wrong in the data', () => {
  it('refuses a frame-number gap longer than the limit, naming both rows, without filling it', async () => {
    const path = file('gap.csv', 'frame,x,y\n0,10,10\n2000000000,10,10\n');
    const started = Date.now();
    await expect(read(path)).rejects.toThrow(
      new RegExp(
        `gap\\.csv:3: frame 2000000000 follows frame 0 \\(line 2\\): a gap of 400000000 s at --fps 5, longer than the ${MAX_POINTS_GAP_S} s limit`,
      ),
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('accepts the same file when --end keeps the analysed part before the gap', async () => {
    const path = file('gap-end.csv', 'frame,x,y\n0,10,10\n1,12,10\n2000000000,10,10\n');
    const { frames } = await read(path, { endS: 1 });
    expect(frames.map((f) => f.count)).toEqual([1, 1, 0, 0, 0, 0]); // frames 0..5: up to 1 s at 5 fps
  });

  it('infers a frame step of 5 instead of filling four empty frames between rows, and says which --fps fits', async () => {
    const numbers = [0, 5, 10, 15, 20, 30]; // 25 is missing: a real gap of one step stays an empty frame
    const { frames, quality, source } = await read(file('step.csv', `frame,x,y\n${rows(numbers)}`));
    expect(source.frameStep).toBe(5);
    expect(frames.map((f) => f.ptsMs)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000]);
    expect(frames.map((f) => f.count)).toEqual([3, 3, 3, 3, 3, 0, 3]);
    expect(quality.counts).toMatchObject({ frameStep: 5, frames: 7 });
    expect(quality.overLimit).toBe(false);
    expect(quality.warnings).toEqual([
      expect.stringMatching(
        /step\.csv: frame numbers step by 5, not 1: .* 1 frames per second at --fps 5 .* pass --fps 25$/,
      ),
    ]);
  });

  it('keeps --start on the file step', async () => {
    const { frames } = await read(file('step-start.csv', `frame,x,y\n${rows([3, 8, 13, 18])}`), { startS: 1.9 });
    expect(frames.map((f) => f.ptsMs)).toEqual([2600, 3600]); // frames 13 and 18
  });

  it('drops points outside --frame-size, counting them with the first line', async () => {
    const text = `frame,x,y\n${rows([0, 1, 2, 3])}3,250,50\n${rows([4])}4,-1,50\n${rows([5, 6, 7, 8, 9])}`;
    const { frames, quality } = await read(file('outside.csv', text));
    expect(frames.map((f) => f.count)).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    expect(quality.counts).toMatchObject({ pointsOutOfFrame: 2, outOfFrameShare: 0.0625 });
    expect(quality.overLimit).toBe(true); // 2 of 32 points: the frame size is probably wrong
    expect(quality.warnings[0]).toMatch(
      /outside\.csv: 2 point\(s\) \(6\.3%\) lie outside --frame-size 200x100 \(first at line 14\): dropped; over the 5\.0% limit, so --frame-size is probably wrong \(the points reach x 250, y 80\)/,
    );
  });

  it('counts a file joined to itself once, and says so', async () => {
    const once = `frame,x,y\n${rows([0, 1, 2, 3])}`;
    const single = await read(file('once.csv', once));
    const joined = await read(file('twice.csv', once + rows([0, 1, 2, 3])));
    expect(joined.frames).toEqual(single.frames);
    expect(joined.quality.counts).toMatchObject({ duplicateRows: 12, reappearedFrames: 4 });
    expect(single.quality.counts).toMatchObject({ duplicateRows: 0, reappearedFrames: 0 });
    expect(joined.quality.warnings).toEqual([
      expect.stringMatching(
        /twice\.csv: 12 row\(s\) repeat an earlier row of the same frame exactly \(first at line 14\): dropped/,
      ),
      expect.stringMatching(
        /twice\.csv: 4 time\(s\) a frame's rows appear again after other frames \(first at line 14\)/,
      ),
    ]);
    expect(single.quality.warnings).toEqual([]);
  });
});
