import { headSizePx, type FrameMeta } from '@raqib/core';
import { modelPeopleScale } from '../inference/people-scale.js';
import { checkAnalysisWorkload, type AnalysisWorkloadInput } from './analysis-workload.js';
import { MAX_PEOPLE_SCALE } from './option-limits.js';

/** A people-scale factor and why it was chosen, as `raqib analyze` prints it. */
export interface PeopleScaleDecision {
  scale: number;
  /** e.g. `heads ~4.3 px at GSD 0.046 m/px; model trained on 3-60 px`. */
  reason: string;
}

/** What the choice depends on: a fixed `--scale`, and the head sizes the model was trained on. */
export interface PeopleScaleChoiceOptions {
  fixedScale?: number | undefined;
  trainedHeadSizePx?: readonly [number, number] | undefined;
}

/**
 * The run's facts for a workload check of each new frame size (image folders, whose sizes are
 * known only frame by frame): see {@link checkAnalysisWorkload}.
 */
export type FrameWorkloadFacts = Omit<
  AnalysisWorkloadInput,
  'frameWidthPx' | 'frameHeightPx' | 'peopleScale' | 'runsModel' | 'gsdMPerPx'
>;

/** A later scale is printed again only when it differs from the last printed one by this factor. */
const REPRINT_RATIO = 1.25;
/** Lines printed after the first before further changes are left out. */
const MAX_REPRINTS = 3;

/**
 * The people-scale factor for one frame and the reason for it: a fixed `--scale`; 1 without a GSD;
 * else the model's rule ({@link modelPeopleScale}) for heads of `0.2 m / GSD` pixels. A scale from
 * telemetry above 4 is capped at 4 (the option check refuses a larger `--scale` before the run).
 */
export function choosePeopleScale(
  frameGsdMPerPx: number | undefined,
  options: PeopleScaleChoiceOptions,
): PeopleScaleDecision {
  if (options.fixedScale !== undefined) return { scale: options.fixedScale, reason: 'from --scale' };
  if (frameGsdMPerPx === undefined || !(frameGsdMPerPx > 0)) {
    return {
      scale: 1,
      reason:
        'no GSD known: frames analysed as they are; give --gsd, --altitude and --hfov, or telemetry to match head sizes',
    };
  }
  const headPx = headSizePx(frameGsdMPerPx);
  const trained = options.trainedHeadSizePx;
  const at = `heads ~${headPx.toPrecision(2)} px at GSD ${frameGsdMPerPx.toPrecision(2)} m/px`;
  if (!trained) return { scale: 1, reason: `${at}; the model's metadata gives no trained head sizes` };
  const rule = modelPeopleScale({ trainedHeadSizePx: trained }, frameGsdMPerPx) ?? 1;
  const scale = Math.min(MAX_PEOPLE_SCALE, rule);
  const capped = rule > MAX_PEOPLE_SCALE ? `; capped at ${MAX_PEOPLE_SCALE}` : '';
  return { scale, reason: `${at}; model trained on ${trained[0]}-${trained[1]} px${capped}` };
}

/**
 * Chooses the people scale frame by frame and tells it: one line on the first frame, e.g.
 * `people scale 1.00 (heads ~4.3 px at GSD 0.046 m/px; model trained on 3-60 px)`, and again when
 * the GSD (telemetry) moves it by more than 25% (at most three more lines).
 */
export class PeopleScaleChoice {
  private printedScale: number | undefined;
  private reprints = 0;
  private readonly checked = new Set<string>();

  /**
   * @param print writes one line (the caller adds `raqib analyze: `)
   * @param workload when given, each new frame size and scale is checked before the model runs on
   *   it (a runaway throws RaqibError('USAGE'), warnings go to `print` as `warning: ...`)
   */
  constructor(
    private readonly options: PeopleScaleChoiceOptions,
    private readonly print: (line: string) => void,
    private readonly workload?: FrameWorkloadFacts,
  ) {}

  /** The scale for `frame` (its GSD as the geo stage set it). */
  scaleFor(frame: Pick<FrameMeta, 'gsdMPerPx' | 'width' | 'height'>): number {
    const decision = choosePeopleScale(frame.gsdMPerPx, this.options);
    this.checkWorkload(frame, decision.scale);
    const last = this.printedScale;
    const changed = last !== undefined && Math.max(decision.scale / last, last / decision.scale) > REPRINT_RATIO - 1e-9;
    if (last === undefined || (changed && this.reprints < MAX_REPRINTS)) {
      if (last !== undefined) this.reprints++;
      this.printedScale = decision.scale;
      const more = last !== undefined && this.reprints === MAX_REPRINTS ? '; later changes not shown' : '';
      this.print(`people scale ${decision.scale.toFixed(2)} (${decision.reason}${more})`);
    }
    return decision.scale;
  }

  private checkWorkload(frame: Pick<FrameMeta, 'gsdMPerPx' | 'width' | 'height'>, scale: number): void {
    if (!this.workload) return;
    const key = `${frame.width}x${frame.height}@${scale.toFixed(3)}`;
    if (this.checked.has(key)) return;
    this.checked.add(key);
    const { warnings } = checkAnalysisWorkload({
      ...this.workload,
      frameWidthPx: frame.width,
      frameHeightPx: frame.height,
      peopleScale: scale,
      runsModel: true,
      // The GSD of the first frame of this size; later (telemetry) changes do not stop the run.
      ...(frame.gsdMPerPx === undefined ? {} : { gsdMPerPx: frame.gsdMPerPx }),
    });
    for (const warning of warnings) this.print(`warning: ${warning}`);
  }
}
