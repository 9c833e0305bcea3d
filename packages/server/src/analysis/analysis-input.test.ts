import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPointsAnalysisInput } from './analysis-input.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-analysis-input-'));

describe('openPointsAnalysisInput', () => {
  it('gives one note per kind of notice, not one per row', async () => {
    const rows = ['frame,x,y,score'];
    for (let k = 10; k < 160; k++) rows.push(`${k},10,10,1.5`);
    rows.push('3,20,20,0.5'); // a new frame out of frame order, once
    const path = join(dir, 'scores.csv');
    writeFileSync(path, rows.join('\n') + '\n');
    const input = await openPointsAnalysisInput(path, { fps: 5, frameSize: '100x100' });
    expect(input.notes).toEqual([
      `${path}:2: score 1.5 is outside 0..1; clamped (and 149 more line(s) like it)`,
      `${path}:152: frame 3 comes after frame 159: rows are out of frame order (grouped by frame)`,
    ]);
  });

  it('reports the analysed span of a file whose frame numbers step by 5', async () => {
    const path = join(dir, 'step.csv');
    writeFileSync(path, 'frame,x,y\n0,1,1\n5,1,1\n10,1,1\n');
    const input = await openPointsAnalysisInput(path, { fps: 5, frameSize: '100x100' });
    expect(input.durationS).toBe(3);
    expect(input.frameIntervalS).toBe(1);
  });

  it('gives one skipped line per kind of bad row, with the first line and how many more', async () => {
    const rows = ['frame,x,y'];
    for (let k = 0; k < 50; k++) rows.push(`${k},abc${k},10`, `${k},12,12`);
    rows.push('x,1,1');
    const path = join(dir, 'bad-rows.csv');
    writeFileSync(path, rows.join('\n') + '\n');
    const input = await openPointsAnalysisInput(path, { fps: 5, frameSize: '100x100' });
    expect(input.skipped.map((error) => error.message)).toEqual([
      `${path}:2: position 'abc0,10' is not a pair of finite numbers (and 49 more line(s) like it)`,
      `${path}:102: frame 'x' is not a non-negative integer`,
    ]);
  });
});
