import { Detections, parseRulesConfig, parseZones, simulateScenario, type AlertEvent } from '@raqib/core';
import type { FrameSource, SourceFrame } from '../../ingest/frame-source.js';
import { analyzeStream } from '../../pipeline/analyze-stream.js';
import { AlertStage } from '../../pipeline/alert-stage.js';
import { GeoStage } from '../../pipeline/geo-stage.js';
import { TrackStage } from '../../pipeline/track-stage.js';
import { ZoneStage } from '../../pipeline/zone-stage.js';
import { DemoCrowd } from '../../serve/demo-crowd.js';
import { StoreRecorder } from '../../storage/store-recorder.js';
import type { Store } from '../../storage/store.js';

export interface RecordedDemoEvent {
  eventId: string;
  streamId: string;
  /** Wall time of the first frame. */
  startMs: number;
  alerts: AlertEvent[];
}

/**
 * Records a real analysis in `store`, as `raqib serve --demo` does live but faster than real time:
 * the demo's social-force bottleneck crowd (heads as detections) through the server's pipeline
 * stages (geo with the demo's GSD, tracking, zones, alert rules) into a StoreRecorder, with frames
 * stamped from `startMs`. Creates the event, the stream, its zones and rules first.
 */
export async function recordDemoEvent(
  store: Store,
  options: {
    eventId?: string;
    streamId?: string;
    startMs: number;
    seconds: number;
    fps?: number;
    /** The event and stream exist already (a second flight of the same drone): record only. */
    existing?: boolean;
  },
): Promise<RecordedDemoEvent> {
  const eventId = options.eventId ?? 'match';
  const streamId = options.streamId ?? 'drone1';
  const fps = options.fps ?? 2;
  const crowd = new DemoCrowd({ fps });
  if (!options.existing) {
    await store.createEvent({ id: eventId, name: 'Cup final (test)' }, 'user:admin');
    await store.createStream({ id: streamId, eventId, name: 'Drone 1 (north gate)' }, 'user:admin');
    await store.setZones(streamId, crowd.zonesDocument(), 'user:admin');
    await store.setRules(streamId, crowd.rulesDocument(), 'user:admin');
  }
  const zones = parseZones(JSON.stringify(crowd.zonesDocument()), 'demo zones');
  const rules = parseRulesConfig(crowd.rulesDocument(), 'demo rules');
  const recorder = new StoreRecorder(store, streamId, options.startMs);
  const alerts: AlertEvent[] = [];
  const stages = [
    new GeoStage({ overrides: { gsdMPerPx: crowd.gsdMPerPx } }),
    new TrackStage(zones),
    new ZoneStage(zones),
    new AlertStage({
      rules,
      zones,
      streamId,
      listeners: [
        async (event: AlertEvent) => {
          alerts.push(event);
          await recorder.recordAlert(event);
        },
      ],
    }),
  ];
  await analyzeStream(simulatedSource(crowd, streamId, options.startMs, options.seconds, fps), stages, [recorder], {
    frameIntervalS: 1 / fps,
  });
  return { eventId, streamId, startMs: options.startMs, alerts };
}

function simulatedSource(
  crowd: DemoCrowd,
  streamId: string,
  startMs: number,
  seconds: number,
  fps: number,
): FrameSource {
  let read = 0;
  let lastPtsMs: number | null = null;
  return {
    description: `simulated ${crowd.scenario.name} crowd`,
    async *frames(): AsyncGenerator<SourceFrame> {
      for (const truth of simulateScenario(crowd.scenario, { seed: 1, fps })) {
        if (truth.timeS > seconds) break;
        const xy = new Float32Array(truth.count * 2);
        for (let i = 0; i < truth.count; i++) {
          xy[2 * i] = truth.x[i]! / crowd.gsdMPerPx;
          xy[2 * i + 1] = truth.y[i]! / crowd.gsdMPerPx;
        }
        const ptsMs = Math.round(truth.timeS * 1000);
        read++;
        lastPtsMs = ptsMs;
        yield {
          meta: {
            streamId,
            seq: truth.frame,
            ptsMs,
            capturedAtMs: startMs + ptsMs,
            width: crowd.widthPx,
            height: crowd.heightPx,
          },
          detections: Detections.fromPoints(xy, new Float32Array(truth.count).fill(1)),
        };
      }
    },
    end: () => ({ completed: true, framesRead: read, lastPtsMs }),
  };
}
