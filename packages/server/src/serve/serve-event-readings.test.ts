import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventReadingsMessage } from './event-aggregator.js';
import { DEMO_EVENT_ID, DEMO_STREAM_ID } from './demo-crowd.js';
import { parseServerConfig } from './read-server-config.js';
import { startServer } from './start-server.js';

const dir = mkdtempSync(join(tmpdir(), 'raqib-serve-event-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('raqib serve: the event-wide picture', () => {
  it("publishes the demo event's readings on events/<id>/readings once its drone has a telemetry position", async () => {
    const config = parseServerConfig(
      `server:\n  port: 0\ningest:\n  enabled: false\nstorage:\n  dataDir: ${join(dir, 'data')}\n`,
      'raqib.yaml',
    );
    const running = await startServer(config, { demo: true, dashboardDir: dir, onWarning: () => undefined });
    const analyses: { capturedAtMs: number; points: number[] }[] = [];
    const steps: EventReadingsMessage[] = [];
    running.bus.subscribe(`streams/${DEMO_STREAM_ID}/analysis`, (m) =>
      analyses.push(m.data as { capturedAtMs: number; points: number[] }),
    );
    running.bus.subscribe(`events/${DEMO_EVENT_ID}/readings`, (m) => steps.push(m.data as EventReadingsMessage));
    const push = () =>
      running.live.telemetry.push(
        DEMO_STREAM_ID,
        [{ timeMs: Date.now(), pose: { lat: 21.4225, lng: 39.8262 } }],
        'http',
      );
    let timer: NodeJS.Timeout | undefined;
    try {
      // Without a position the drone cannot be placed on the event map: no event readings.
      const before = Date.now() + 10_000;
      while (analyses.length < 2 && Date.now() < before) await new Promise((done) => setTimeout(done, 100));
      expect(analyses.length).toBeGreaterThanOrEqual(2);
      expect(steps).toHaveLength(0);
      push();
      timer = setInterval(push, 500);
      const deadline = Date.now() + 15_000;
      while (steps.length < 3 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 100));
      expect(steps.length).toBeGreaterThanOrEqual(3);
      for (const step of steps) {
        expect(step.streamId).toBe(`event:${DEMO_EVENT_ID}`);
        expect(step.drones.map((d) => d.droneId)).toEqual([DEMO_STREAM_ID]);
        // One drone: nothing to de-duplicate, the event total is the drone's frame nearest the step.
        const nearest = analyses.reduce((a, b) =>
          Math.abs(b.capturedAtMs - step.atMs) < Math.abs(a.capturedAtMs - step.atMs) ? b : a,
        );
        expect(step.count).toBe(nearest.points.length / 2);
        expect(step.naiveCount).toBe(step.count);
        expect(step.coveredAreaM2).toBeGreaterThan(0);
      }
    } finally {
      clearInterval(timer);
      await running.close();
    }
  }, 30_000);
});
