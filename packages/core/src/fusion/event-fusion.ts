import type { AlertFrame } from '../alerts/alert-engine.js';
import type { DroneFrame } from './drone-frame.js';
import type { EventZone } from './event-zone.js';
import { fuseEventFrame, type EventFrame, type FusionOptions } from './fuse-event-frame.js';

/** Options of an {@link EventFusion}. */
export interface EventFusionOptions extends FusionOptions {
  /** Geo zones read event-wide ({@link eventZonesFromGeo}). */
  zones?: readonly EventZone[];
  /**
   * A drone's frame is used only when its capture time is within this many seconds of the fusion time;
   * otherwise the drone is left out (its ground counts as uncovered) and listed in `staleDroneIds`.
   * Each drone counts the people on its own ground at its own capture time, so a steady flow across an
   * ownership boundary is not miscounted by skew; what a skew does add is the change of the late drone's
   * share over the skew (a crowd front arriving, a surge, a dispersal). Default 0.5.
   */
  maxSkewS?: number;
  /** Frames kept per drone to choose from. Default 16. */
  historyFrames?: number;
}

/** One fusion step: the event frame at the fusion time and which drones were usable. */
export interface EventFusionStep extends EventFrame {
  /** Drones with frames, but none within `maxSkewS` of the fusion time. */
  staleDroneIds: string[];
  /** Largest |capture time - fusion time| among the frames used, seconds. */
  skewS: number;
}

/**
 * The event-wide picture over time: drones' frames arrive in any order and at their own rates; each
 * `fuse(timeS)` takes, per drone, the frame nearest to `timeS` (within `maxSkewS`) and fuses them
 * ({@link fuseEventFrame}). `alertFrame(step)` turns a step into the input of one event-level
 * {@link AlertEngine}, so a geo zone's alerts are raised once for the event, not once per drone.
 *
 * @example
 * const fusion = new EventFusion({ zones: eventZonesFromGeo(zones, plane).zones });
 * const engine = new AlertEngine({ streamId: 'event' });
 * for (const frame of droneFrames) fusion.add(frame);
 * const step = fusion.fuse(t);
 * const events = engine.evaluate(fusion.alertFrame(step));
 */
export class EventFusion {
  private readonly options: FusionOptions;
  private readonly zones: readonly EventZone[];
  private readonly maxSkewS: number;
  private readonly historyFrames: number;
  private readonly frames = new Map<string, DroneFrame[]>();

  constructor(options: EventFusionOptions = {}) {
    const { zones = [], maxSkewS = 0.5, historyFrames = 16, ...fusion } = options;
    this.options = fusion;
    this.zones = zones;
    this.maxSkewS = maxSkewS;
    this.historyFrames = Math.max(1, Math.floor(historyFrames));
  }

  /** Adds a drone's frame (kept in capture-time order; the oldest beyond `historyFrames` are dropped). */
  add(frame: DroneFrame): void {
    const list = this.frames.get(frame.droneId) ?? [];
    let at = list.length;
    while (at > 0 && list[at - 1]!.timeS > frame.timeS) at--;
    if (at > 0 && list[at - 1]!.timeS === frame.timeS) list[at - 1] = frame;
    else list.splice(at, 0, frame);
    if (list.length > this.historyFrames) list.splice(0, list.length - this.historyFrames);
    this.frames.set(frame.droneId, list);
  }

  /** Drops a drone (it left the event); its ground becomes uncovered. */
  remove(droneId: string): void {
    this.frames.delete(droneId);
  }

  /** The event at `timeS` from each drone's nearest frame within `maxSkewS`. */
  fuse(timeS: number): EventFusionStep {
    const chosen: DroneFrame[] = [];
    const staleDroneIds: string[] = [];
    let skewS = 0;
    for (const [droneId, list] of this.frames) {
      let best: DroneFrame | undefined;
      for (const frame of list) {
        if (!best || Math.abs(frame.timeS - timeS) < Math.abs(best.timeS - timeS)) best = frame;
      }
      if (best && Math.abs(best.timeS - timeS) <= this.maxSkewS) {
        chosen.push(best);
        skewS = Math.max(skewS, Math.abs(best.timeS - timeS));
      } else {
        staleDroneIds.push(droneId);
      }
    }
    const frame = fuseEventFrame(chosen, this.zones, this.options);
    return { ...frame, timeS, staleDroneIds, skewS };
  }

  /** The event-level input of an {@link AlertEngine}: one reading per geo zone, with the zones' facts. */
  alertFrame(step: EventFrame): AlertFrame {
    return eventAlertFrame(step, this.zones);
  }
}

/**
 * An event frame as the alert engine's input: the zones' event-wide readings and their kinds and
 * capacities. Run one engine for the event (e.g. `streamId: 'event'`) on these frames.
 */
export function eventAlertFrame(frame: EventFrame, zones: readonly EventZone[]): AlertFrame {
  return {
    timeS: frame.timeS,
    readings: frame.zones,
    zones: zones.map((zone) => ({
      id: zone.id,
      kind: zone.kind,
      ...(zone.capacity !== undefined ? { capacity: zone.capacity } : {}),
    })),
  };
}
