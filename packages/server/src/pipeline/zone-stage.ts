import { AreaZoneMeter, isAreaZone, isRaqibError, type DensityMap, type Zone } from '@raqib/core';
import { pointsDensityMap } from './points-density-map.js';
import type { FrameContext, Stage } from './stage.js';

/** Cell size of the density map made from points when a source has no model density (points input). */
const POINTS_CELL_PX = 8;

/**
 * Per-zone readings for every frame: the whole frame (zone id `frame`) and each area zone - count
 * from the density integrated over the polygon, area in m², persons per m², Fruin and Still levels.
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
        analysis.zones.push(meter.read(frame));
      } catch (error) {
        // A geo zone cannot be placed on a frame without ground reference (e.g. a telemetry gap): skip it.
        if (!isRaqibError(error)) throw error;
        this.onWarning(`zone ${meter.zone.id} at ${analysis.timeS.toFixed(2)} s: ${error.message}`);
      }
    }
  }
}
