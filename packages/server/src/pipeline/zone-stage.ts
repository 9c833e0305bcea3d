import {
  AreaZoneMeter,
  isAreaZone,
  isRaqibError,
  toZoneReadingFlow,
  zoneFlowMetrics,
  type DensityMap,
  type FrameAnalysis,
  type Zone,
  type ZoneReading,
} from '@raqib/core';
import { flowFrameInfo } from './flow-stage.js';
import { pointsDensityMap } from './points-density-map.js';
import type { FrameContext, Stage } from './stage.js';
import { TrackZoneMotion } from './track-zone-motion.js';

/** Cell size of the density map made from points when a source has no model density (points input). */
const POINTS_CELL_PX = 8;
/** Out-of-view / back-in-view lines per zone before the rest are left out. */
const MAX_VIEW_MESSAGES = 5;

interface OutOfView {
  frames: number;
  firstTimeS: number;
  hidden: boolean;
  messages: number;
}

function notInViewReason(zone: Zone): string {
  return zone.space === 'geo'
    ? 'its lon/lat outline lies outside the frame (check its coordinates and the telemetry or calibration); it gets no readings while out of view'
    : 'its outline lies outside the frame; it gets no readings while out of view';
}

/**
 * Per-zone readings for every frame: the whole frame (zone id `frame`) and each area zone - count
 * from the density integrated over the polygon, area in m², persons per m², Fruin and Still levels,
 * and the zone's motion (speed, direction, counterflow, pressure, divergence) from the flow stage when it
 * ran before, else from the tracks of the track stage.
 */
export class ZoneStage implements Stage {
  readonly name = 'zones';
  private readonly meters: AreaZoneMeter[];
  private readonly trackMotion = new TrackZoneMotion();
  private readonly outOfView = new Map<string, OutOfView>();

  constructor(
    zones: readonly Zone[],
    private readonly onWarning: (message: string) => void = () => {},
  ) {
    this.meters = [AreaZoneMeter.forFrame('frame'), ...zones.filter(isAreaZone).map((zone) => new AreaZoneMeter(zone))];
  }

  process(context: FrameContext): void {
    const { analysis } = context;
    const density: DensityMap =
      analysis.density ??
      pointsDensityMap(analysis.detections.centers(), analysis.frame.width, analysis.frame.height, POINTS_CELL_PX);
    const frame = {
      widthPx: analysis.frame.width,
      heightPx: analysis.frame.height,
      density,
      ...(context.ground ? { ground: context.ground } : {}),
    };
    const tracks = analysis.flow ? undefined : analysis.tracks;
    if (tracks) this.trackMotion.beginFrame(tracks, context.ground, analysis.timeS);
    for (const meter of this.meters) {
      try {
        const reading = meter.read(frame);
        // A zone wholly outside the frame (a geo zone the camera does not look at) is "not visible":
        // no reading, so neither zones.csv nor the alert rules see a count of 0 that was never measured.
        if (!this.inView(meter, frame, analysis.timeS)) continue;
        if (analysis.flow) Object.assign(reading, this.flowFields(analysis, meter, frame, density));
        else if (tracks) Object.assign(reading, this.trackFields(meter, frame, reading));
        analysis.zones.push(reading);
      } catch (error) {
        // A geo zone cannot be placed on a frame without ground reference (e.g. a telemetry gap): skip it.
        if (!isRaqibError(error)) throw error;
        this.onWarning(`zone ${meter.zone.id} at ${analysis.timeS.toFixed(2)} s: ${error.message}`);
      }
    }
  }

  /**
   * Zones that were out of view: `zonesNotInView` in the summary, one entry per zone with the frames
   * it was out of view and when that first happened.
   */
  finish(): Record<string, unknown> {
    if (this.outOfView.size === 0) return {};
    return {
      zonesNotInView: [...this.outOfView.entries()].map(([zoneId, state]) => ({
        zoneId,
        frames: state.frames,
        firstTimeS: state.firstTimeS,
      })),
    };
  }

  /** Tracks whether an area zone is in view; says so (one line) when it leaves or comes back. */
  private inView(meter: AreaZoneMeter, frame: Parameters<AreaZoneMeter['read']>[0], timeS: number): boolean {
    if (meter.readingKind === 'frame') return true;
    const id = meter.zone.id;
    const visible = meter.ringsPx(frame).length > 0;
    const state = this.outOfView.get(id);
    if (visible) {
      if (state?.hidden) {
        state.hidden = false;
        this.tell(state, `zone ${id} is in view again at ${timeS.toFixed(2)} s`);
      }
      return true;
    }
    if (!state) {
      const created: OutOfView = { frames: 1, firstTimeS: timeS, hidden: true, messages: 0 };
      this.outOfView.set(id, created);
      this.tell(created, `zone ${id} is not in view at ${timeS.toFixed(2)} s: ${notInViewReason(meter.zone)}`);
    } else {
      state.frames++;
      if (!state.hidden) {
        state.hidden = true;
        this.tell(state, `zone ${id} is out of view again at ${timeS.toFixed(2)} s`);
      }
    }
    return false;
  }

  private tell(state: OutOfView, message: string): void {
    if (state.messages > MAX_VIEW_MESSAGES) return;
    state.messages++;
    this.onWarning(state.messages > MAX_VIEW_MESSAGES ? `${message} (later changes not shown)` : message);
  }

  /** Motion from tracks; the density map's peak local density is kept when the reading has one. */
  private trackFields(
    meter: AreaZoneMeter,
    frame: Parameters<AreaZoneMeter['read']>[0],
    reading: ZoneReading,
  ): Partial<ZoneReading> {
    const ring =
      meter.readingKind === 'frame'
        ? ([
            [0, 0],
            [frame.widthPx, 0],
            [frame.widthPx, frame.heightPx],
            [0, frame.heightPx],
          ] as const)
        : meter.ringsPx(frame)[0];
    const fields = ring ? this.trackMotion.fields(meter.zone.id, ring) : {};
    if (reading.peakLocalDensityPerM2 !== undefined) delete fields.peakLocalDensityPerM2;
    return fields;
  }

  private flowFields(
    analysis: FrameAnalysis,
    meter: AreaZoneMeter,
    frame: Parameters<AreaZoneMeter['read']>[0],
    density: DensityMap,
  ): Partial<ZoneReading> {
    const info = flowFrameInfo(analysis);
    if (!analysis.flow || !info) return {};
    const polygon = meter.readingKind === 'frame' ? null : meter.ringsPx(frame)[0];
    if (polygon === undefined || (polygon !== null && polygon.length < 3)) return {};
    const gsdMPerPx = analysis.frame.gsdMPerPx;
    const metrics = zoneFlowMetrics(analysis.flow, polygon, {
      dtS: info.intervalS,
      density,
      ...(gsdMPerPx === undefined ? {} : { gsdMPerPx }),
    });
    return toZoneReadingFlow(metrics);
  }
}
