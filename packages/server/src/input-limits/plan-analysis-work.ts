import { availableParallelism, totalmem } from 'node:os';
import { gsdFromAltitude, isAreaZone, resolveFrameGround, type Calibration, type Zone } from '@raqib/core';
import type { AnalysisInput } from '../analysis/analysis-input.js';
import { defaultModelPath } from '../inference/default-model-path.js';
import { readModelMetadata } from '../inference/model-metadata.js';
import { scaledSize } from '../ingest/video-file-source.js';
import { checkAnalysisWorkload, type AnalysisWorkload } from './analysis-workload.js';
import { checkFrameSizeText } from './analyze-options-check.js';
import { choosePeopleScale, type FrameWorkloadFacts } from './people-scale-choice.js';

/** What `raqib analyze` knows once its input is open (options as parsed). */
export interface AnalysisWorkPlanInput {
  input: AnalysisInput;
  options: {
    scale?: number | undefined;
    gsd?: number | undefined;
    altitude?: number | undefined;
    hfov?: number | undefined;
    'max-width'?: number | undefined;
    'frame-size'?: string | undefined;
    model?: string | undefined;
    threads: number;
  };
  zones: readonly Zone[];
  calibration?: Calibration | undefined;
  /** The calibration file's path, named when its GSD is refused. */
  calibrationPath?: string | undefined;
  /** The machine; default this one. */
  machine?: { cores: number; totalMemoryBytes: number };
}

/**
 * The second check of `raqib analyze`, once the input is open and before any output or model: the
 * GSD the options give for this frame size (refused outside (0, 10] m/px), the people scale it leads
 * to, and the memory and time of the run ({@link checkAnalysisWorkload}). Image folders are checked
 * frame by frame instead (their sizes are known only when each image is read). Returns the estimate
 * (undefined when the frame size is not known yet) and the warnings to print.
 */
export async function planAnalysisWork(plan: AnalysisWorkPlanInput): Promise<{
  workload: AnalysisWorkload | undefined;
  warnings: string[];
  /** Set when the frame size is not known yet: pass it to {@link PeopleScaleChoice} to check each frame. */
  perFrame?: FrameWorkloadFacts;
}> {
  const { input, options } = plan;
  const machine = plan.machine ?? { cores: availableParallelism(), totalMemoryBytes: totalmem() };
  const frames = input.durationS === null ? null : Math.max(1, Math.round(input.durationS * input.fps));
  const facts: FrameWorkloadFacts = {
    frames,
    areaZones: plan.zones.filter(isAreaZone).length,
    threads: options.threads,
    cores: machine.cores,
    totalMemoryBytes: machine.totalMemoryBytes,
  };
  const frame = await frameSizeOf(plan);
  if (!frame) return { workload: undefined, warnings: [], perFrame: facts };
  const { gsdMPerPx, gsdSource } = knownGsd(plan, frame.widthPx, frame.heightPx);
  const runsModel = input.kind !== 'points';
  let peopleScale = 1;
  if (runsModel) {
    const trained = options.scale === undefined ? await trainedHeadSizes(options.model) : undefined;
    peopleScale = choosePeopleScale(gsdMPerPx, { fixedScale: options.scale, trainedHeadSizePx: trained }).scale;
  }
  return checkAnalysisWorkload({
    ...facts,
    frameWidthPx: frame.widthPx,
    frameHeightPx: frame.heightPx,
    peopleScale,
    runsModel,
    ...(gsdMPerPx === undefined ? {} : { gsdMPerPx, gsdSource }),
  });
}

async function frameSizeOf(plan: AnalysisWorkPlanInput): Promise<{ widthPx: number; heightPx: number } | undefined> {
  const { input, options } = plan;
  if (input.kind === 'points') {
    return options['frame-size'] === undefined ? undefined : checkFrameSizeText(options['frame-size']);
  }
  if (input.kind === 'video' && input.video) {
    const { width, height } = scaledSize(await input.video.probe(), options['max-width']);
    return { widthPx: width, heightPx: height };
  }
  return undefined;
}

/**
 * The GSD at the frame centre from the calibration, --gsd, or --altitude with --hfov (telemetry: per
 * frame), and where it comes from (named in a refusal).
 */
function knownGsd(
  plan: AnalysisWorkPlanInput,
  widthPx: number,
  heightPx: number,
): { gsdMPerPx: number | undefined; gsdSource: string } {
  const { options, calibration } = plan;
  if (calibration) {
    const source = plan.calibrationPath ? `the calibration ${plan.calibrationPath}` : 'the calibration';
    return { gsdMPerPx: resolveFrameGround({ widthPx, heightPx, calibration }).gsdMPerPx, gsdSource: source };
  }
  if (options.gsd !== undefined) return { gsdMPerPx: options.gsd, gsdSource: `--gsd ${options.gsd}` };
  if (options.altitude !== undefined && options.hfov !== undefined) {
    return {
      gsdMPerPx: gsdFromAltitude({ altitudeM: options.altitude, hfovDeg: options.hfov, imageWidthPx: widthPx }),
      gsdSource: `--altitude ${options.altitude} and --hfov ${options.hfov}`,
    };
  }
  return { gsdMPerPx: undefined, gsdSource: '' };
}

/** The model's trained head sizes from its metadata; undefined when unreadable (the model load reports it). */
async function trainedHeadSizes(modelPath: string | undefined): Promise<readonly [number, number] | undefined> {
  try {
    return (await readModelMetadata(modelPath ?? defaultModelPath()))?.trainedHeadSizePx;
  } catch {
    return undefined;
  }
}
