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

/** Cell size of the density map made from points when a source has no model density (points input). */
const POINTS_CELL_PX = 8;

/**
 * Per-zone readings for every frame: the whole frame (zone id `frame`) and each area zone - count
 * from the density integrated over the polygon, area in m², persons per m², Fruin and Still levels,
 * and, when the flow stage ran before, the zone's motion (speed, direction, counterflow, pressure).
 */
export class ZoneStage implements Stage {
  readonly name = 'zones';
  private readonly meters: AreaZoneMeter[];

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
    for (const meter of this.meters) {
      try {
        const reading = meter.read(frame);
        if (analysis.flow) Object.assign(reading, this.flowFields(analysis, meter, frame, density));
        analysis.zones.push(reading);
      } catch (error) {
        // A geo zone cannot be placed on a frame without ground reference (e.g. a telemetry gap): skip it.
        if (!isRaqibError(error)) throw error;
        this.onWarning(`zone ${meter.zone.id} at ${analysis.timeS.toFixed(2)} s: ${error.message}`);
      }
    }
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
