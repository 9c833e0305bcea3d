import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Detections, parseRulesConfig, parseZones, type FrameAnalysis, type RgbImage } from '@raqib/core';
import type { LiveInputEnd } from '../live/live-input.js';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { DEMO_STREAM_ID, DemoCrowd } from './demo-crowd.js';
import { ensureDemoStream } from './ensure-demo-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

describe('DemoCrowd (the synthetic drone of serve --demo)', () => {
  it('creates the demo event, stream, zones and rules once; they validate like the API files', async () => {
    const store = SqliteStore.open({ path: join(dir, 'raqib.db') });
    try {
      const crowd = new DemoCrowd();
      await ensureDemoStream(store, crowd);
      await store.setRules(DEMO_STREAM_ID, { version: 1, defaultKind: 'queue' }, 'user:alice');
      await ensureDemoStream(store, crowd); // a restart: nothing created twice, the operator's rules kept
      expect((await store.listStreams()).map((s) => s.id)).toEqual([DEMO_STREAM_ID]);
      expect((await store.getRules(DEMO_STREAM_ID))?.document).toEqual({ version: 1, defaultKind: 'queue' });
      const zones = parseZones(JSON.stringify((await store.getZones(DEMO_STREAM_ID))!.document), 'demo zones');
      expect(zones.map((zone) => zone.id).sort()).toEqual(['approach', 'exit']);
      const rules = crowd.rulesDocument();
      expect(() => parseRulesConfig(rules, 'demo rules')).not.toThrow();
      expect(rules).toMatchObject({ zones: { exit: { kind: 'gate', upstreamZoneId: 'approach' } } });
    } finally {
      await store.close();
    }
  });

  it('delivers frames in real time and puts the simulated heads into them, inside the frame', () => {
    vi.useFakeTimers();
    const crowd = new DemoCrowd({ fps: 5 });
    const frames: RgbImage[] = [];
    const ends: LiveInputEnd[] = [];
    const input = crowd.input()({ onFrame: (image) => frames.push(image), onEnd: (end) => ends.push(end) });
    vi.advanceTimersByTime(30_000);
    expect(frames.length).toBe(150);
    expect(frames[0]).toMatchObject({ width: 360, height: 240 });
    const analysis: FrameAnalysis = {
      frame: { streamId: 'demo', seq: 0, ptsMs: 0, width: 360, height: 240 },
      timeS: 0,
      count: 0,
      detections: Detections.empty(),
      zones: [],
    };
    void crowd.stage().process({ analysis, inferenceMs: 0 });
    // The bottleneck fills up: ~30 people after 30 s (see `raqib simulate --scenario bottleneck`).
    expect(analysis.count).toBeGreaterThan(15);
    expect(analysis.detections.length).toBe(analysis.count);
    const centers = analysis.detections.centers();
    for (let i = 0; i < centers.length; i += 2) {
      expect(centers[i]).toBeGreaterThanOrEqual(0);
      expect(centers[i]).toBeLessThanOrEqual(360);
      expect(centers[i + 1]).toBeGreaterThanOrEqual(0);
      expect(centers[i + 1]).toBeLessThanOrEqual(240);
    }
    input.stop();
    input.stop();
    vi.advanceTimersByTime(5_000);
    expect(frames.length).toBe(150);
    expect(ends).toEqual([{ completed: false, reason: 'demo drone stopped' }]);
  });
});
