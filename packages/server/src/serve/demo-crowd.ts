import {
  CROWD_SCENARIOS,
  Detections,
  scenarioFrameSize,
  scenarioZonesGeoJson,
  simulateScenario,
  type CrowdScenario,
  type RgbImage,
  type TruthFrame,
} from '@raqib/core';
import type { LiveInputFactory } from '../live/live-input.js';
import type { FrameContext, Stage } from '../pipeline/stage.js';

/** The demo's ids in the Store (created once, kept across restarts). */
export const DEMO_EVENT_ID = 'demo';
export const DEMO_STREAM_ID = 'demo-drone';

export interface DemoCrowdOptions {
  /** Built-in scenario; default `bottleneck` (an alert after ~35 s, danger after ~60 s). */
  scenario?: string;
  /** Frames per second the synthetic drone delivers (and the simulation's output rate). */
  fps?: number;
  /** Ground sampling distance of the synthetic camera. */
  gsdMPerPx?: number;
  /** First simulation seed; each replay of the scenario takes the next one. */
  seed?: number;
}

/**
 * The synthetic drone of `raqib serve --demo`: the social-force simulator run in real time, seen from
 * straight above. It needs nothing outside the repo: the live input delivers a blank frame of the
 * scenario's size at `fps` (so the stream is supervised like any drone), and {@link stage} puts the
 * simulated head positions of the latest step into the frame as detections (as a points file does
 * for `raqib analyze --points`), instead of running the model on pixels. The scenario loops.
 */
export class DemoCrowd {
  readonly scenario: CrowdScenario;
  readonly fps: number;
  readonly gsdMPerPx: number;
  readonly widthPx: number;
  readonly heightPx: number;
  private latest: TruthFrame | null = null;
  private seed: number;

  constructor(options: DemoCrowdOptions = {}) {
    const name = options.scenario ?? 'bottleneck';
    const scenario = CROWD_SCENARIOS[name];
    if (!scenario) throw new Error(`unknown demo scenario '${name}'`);
    this.scenario = scenario;
    this.fps = options.fps ?? 5;
    this.gsdMPerPx = options.gsdMPerPx ?? 0.05;
    this.seed = options.seed ?? 1;
    const size = scenarioFrameSize(scenario, this.gsdMPerPx);
    this.widthPx = size.widthPx;
    this.heightPx = size.heightPx;
  }

  /** The scenario's zones as a zones document (image space), for the Store. */
  zonesDocument(): unknown {
    return scenarioZonesGeoJson(this.scenario, this.gsdMPerPx);
  }

  /** A rules document with the scenario's zone facts (kinds, upstream zones); defaults otherwise. */
  rulesDocument(): unknown {
    const zones = Object.fromEntries(
      this.scenario.zones.map((zone) => [
        zone.id,
        { kind: zone.kind, ...(zone.upstreamZoneId ? { upstreamZoneId: zone.upstreamZoneId } : {}) },
      ]),
    );
    return { version: 1, zones };
  }

  /** A live input: one simulation step per frame, in real time; the scenario restarts when it ends. */
  input(): LiveInputFactory {
    return (handlers) => {
      const image: RgbImage = {
        width: this.widthPx,
        height: this.heightPx,
        rgb: new Uint8Array(this.widthPx * this.heightPx * 3),
      };
      let frames = simulateScenario(this.scenario, { seed: this.seed, fps: this.fps });
      let ended = false;
      const tick = () => {
        let next = frames.next();
        if (next.done) {
          this.seed++;
          frames = simulateScenario(this.scenario, { seed: this.seed, fps: this.fps });
          next = frames.next();
        }
        if (!next.done) this.latest = next.value;
        handlers.onFrame(image);
      };
      const timer = setInterval(tick, 1000 / this.fps);
      return {
        stop: () => {
          if (ended) return;
          ended = true;
          clearInterval(timer);
          handlers.onEnd({ completed: false, reason: 'demo drone stopped' });
        },
      };
    };
  }

  /** The pipeline stage that puts the latest simulated heads (in pixels) into the frame as detections. */
  stage(): Stage {
    return {
      name: 'demo-crowd',
      process: (context: FrameContext) => {
        const frame = this.latest;
        if (!frame) return;
        const xy = new Float32Array(frame.count * 2);
        for (let i = 0; i < frame.count; i++) {
          xy[2 * i] = frame.x[i]! / this.gsdMPerPx;
          xy[2 * i + 1] = frame.y[i]! / this.gsdMPerPx;
        }
        const detections = Detections.fromPoints(xy, new Float32Array(frame.count).fill(1));
        context.analysis.detections = detections;
        context.analysis.count = frame.count;
      },
    };
  }
}
