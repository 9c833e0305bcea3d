import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Detections,
  RaqibError,
  emptyDensityMap,
  type DensityEstimate,
  type DensityEstimator,
  type RgbImage,
} from '@raqib/core';
import type { FrameSource, SourceEnd, SourceFrame } from '../ingest/frame-source.js';
import { AnalysisJsonlSink } from '../sinks/jsonl-file-sink.js';
import { SummaryFileSink } from '../sinks/summary-file-sink.js';
import { ZonesCsvSink } from '../sinks/zones-csv-sink.js';
import { analyzeStream } from './analyze-stream.js';
import { DensityStage } from './density-stage.js';
import type { Stage } from './stage.js';

/** A source of `frames` grey frames at `fps`, failing after `failAfter` frames when set. */
class FakeSource implements FrameSource {
  readonly description = 'fake.mp4';
  private delivered = 0;
  constructor(
    private readonly frameCount: number,
    private readonly fps: number,
    private readonly failAfter?: number,
  ) {}
  async *frames(): AsyncGenerator<SourceFrame> {
    const image: RgbImage = { width: 64, height: 32, rgb: new Uint8Array(64 * 32 * 3) };
    for (let seq = 0; seq < this.frameCount; seq++) {
      if (seq === this.failAfter) throw new RaqibError('SOURCE_FAILED', 'fake.mp4: corrupt packet');
      image.rgb.fill(seq);
      this.delivered++;
      yield { meta: { streamId: 's', seq, ptsMs: (seq * 1000) / this.fps, width: 64, height: 32 }, image };
    }
  }
  end(): SourceEnd {
    return { completed: this.delivered === this.frameCount, framesRead: this.delivered, lastPtsMs: null };
  }
}

/** Counts = the grey level of the frame, spread evenly over an 8x4 grid of 8-px cells. */
class GreyLevelEstimator implements DensityEstimator {
  async estimate(image: RgbImage): Promise<DensityEstimate> {
    const density = emptyDensityMap(8, 4, 8);
    const count = image.rgb[0]!;
    density.values.fill(count / 32);
    return { density, count, points: Detections.empty(), inferenceMs: 2, tiles: 1 };
  }
  async close(): Promise<void> {}
}

const frameZoneStage: Stage = {
  name: 'frame-zone',
  process({ analysis }) {
    analysis.zones.push({
      zoneId: 'frame',
      kind: 'frame',
      count: analysis.count,
      areaM2: 100,
      densityPerM2: analysis.count / 100,
    });
  },
};

describe('analyzeStream', () => {
  it('runs stages in order and writes every frame to every sink, then the summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raqib-pipeline-'));
    const sinks = [
      new AnalysisJsonlSink(join(dir, 'analysis.jsonl')),
      new ZonesCsvSink(join(dir, 'zones.csv')),
      new SummaryFileSink(join(dir, 'summary.json')),
    ];
    const summary = await analyzeStream(
      new FakeSource(5, 2),
      [new DensityStage(new GreyLevelEstimator()), frameZoneStage],
      sinks,
      { frameIntervalS: 0.5 },
    );
    const lines = readFileSync(join(dir, 'analysis.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.timeS, l.count])).toEqual([
      [0, 0],
      [0.5, 1],
      [1, 2],
      [1.5, 3],
      [2, 4],
    ]);
    expect(lines[4].zones[0]).toMatchObject({ zoneId: 'frame', count: 4, densityPerM2: 0.04 });
    const csv = readFileSync(join(dir, 'zones.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(6);
    expect(csv[0]!.startsWith('time_s,seq,zone_id,kind,count')).toBe(true);
    expect(summary).toMatchObject({ frames: 5, durationS: 2.5, peakCount: { value: 4, timeS: 2 } });
    expect(summary.zones[0]).toMatchObject({
      zoneId: 'frame',
      meanCount: 2,
      peakDensityPerM2: { value: 0.04, timeS: 2 },
    });
    expect(summary.meanInferenceMsPerFrame).toBe(2);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).frames).toBe(5);
  });

  it('keeps what was written valid and says why when the source fails part-way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raqib-pipeline-'));
    const sinks = [new AnalysisJsonlSink(join(dir, 'analysis.jsonl')), new SummaryFileSink(join(dir, 'summary.json'))];
    await expect(
      analyzeStream(new FakeSource(10, 2, 3), [new DensityStage(new GreyLevelEstimator())], sinks, {
        frameIntervalS: 0.5,
      }),
    ).rejects.toThrow(/corrupt packet/);
    const lines = readFileSync(join(dir, 'analysis.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual([0, 1, 2]);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.frames).toBe(3);
    expect(summary.source).toEqual({ completed: false, reason: 'stopped after 1.000 s: fake.mp4: corrupt packet' });
  });
});
