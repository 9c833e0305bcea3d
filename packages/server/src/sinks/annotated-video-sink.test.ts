import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Detections, type FrameAnalysis, type RgbImage } from '@raqib/core';
import { AnnotatedVideoSink } from './annotated-video-sink.js';

function frame(seq: number, width: number, height: number): { analysis: FrameAnalysis; image: RgbImage } {
  const rgb = new Uint8Array(width * height * 3).fill(90 + seq * 20);
  return {
    analysis: {
      frame: { streamId: 's', seq, ptsMs: seq * 1000, capturedAtMs: 0, width, height },
      timeS: seq,
      count: 0,
      detections: Detections.empty(),
      zones: [],
    } as FrameAnalysis,
    image: { width, height, rgb },
  };
}

describe('AnnotatedVideoSink', () => {
  it('keeps every frame of a folder that mixes sizes (letterboxed to the first size) and odd sizes', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'raqib-annotated-')), 'annotated.mp4');
    const sink = new AnnotatedVideoSink(path, 1);
    const sizes: [number, number][] = [
      [65, 49],
      [65, 49],
      [120, 40],
      [31, 77],
      [65, 49],
    ];
    for (const [i, [width, height]] of sizes.entries()) {
      const { analysis, image } = frame(i, width, height);
      await sink.write(analysis, image);
    }
    await sink.close();
    const probe = execFileSync(
      'ffprobe',
      ['-v', 'error', '-count_frames', '-show_entries', 'stream=width,height,nb_read_frames', '-of', 'csv=p=0', path],
      { encoding: 'utf8' },
    ).trim();
    expect(probe).toBe('66,50,5');
  });
});
