import { RaqibError } from '@raqib/core';

/**
 * The accepted range of one numeric option, with the reason, so that a refusal can say why and what
 * to give instead. Bounds are inclusive unless `minExclusive` / `maxExclusive`.
 */
export interface NumberLimit {
  min: number;
  max: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
  /** Unit as written after the numbers, e.g. `degrees`, `m/px`. */
  unit: string;
  /** What the value is and why the range, one clause. */
  why: string;
  /** What to do, e.g. `give the camera's field of view, e.g. --hfov 84`. */
  fix: string;
}

/** Largest frame side Raqib analyses (px): 16K; larger images are maps or mosaics, not drone frames. */
export const MAX_FRAME_SIDE_PX = 16384;
/** Largest people-scale factor: 4x enlarges a frame 16-fold in pixels. */
export const MAX_PEOPLE_SCALE = 4;

/**
 * Ranges of the numeric options shared by `raqib analyze`, `count`, `simulate` and `eval-tracks`.
 * They stop inputs that cannot be meant (a 200° lens, a drone 1,000 km up) before they turn into
 * infinite ground distances, multi-gigabyte buffers or hour-long frames.
 */
export const OPTION_LIMITS = {
  hfov: {
    min: 0,
    minExclusive: true,
    max: 170,
    maxExclusive: true,
    unit: 'degrees',
    why: 'the horizontal field of view of the camera; drone cameras have 60-90°, and near 180° the view reaches the horizon, where ground distances are infinite',
    fix: "give the camera's horizontal field of view, e.g. --hfov 84 (DJI Mavic 3)",
  },
  altitude: {
    min: 0,
    minExclusive: true,
    max: 1000,
    unit: 'm',
    why: 'the height above the ground; drones fly below 120-500 m, so more than 1,000 m is a unit mix-up such as feet or millimetres',
    fix: 'give the height above the crowd in metres, e.g. --altitude 60',
  },
  gsd: {
    min: 0.001,
    max: 10,
    unit: 'm/px',
    why: 'metres of ground per pixel; drone video has 0.005-0.2 m/px: below 0.001 m/px a head is over 200 px (a camera a few centimetres from the crowd), and at 10 m/px a person is a fiftieth of a pixel',
    fix: 'give the ground sampling distance in metres per pixel, e.g. --gsd 0.03 (or cm/px divided by 100)',
  },
  scale: {
    min: 0.05,
    max: MAX_PEOPLE_SCALE,
    unit: '',
    why: `the factor by which frames are resized before the model; above ${MAX_PEOPLE_SCALE} a frame grows more than ${MAX_PEOPLE_SCALE ** 2}-fold in pixels, minutes and gigabytes per frame, and below 0.05 a 4K frame shrinks under 200 px`,
    fix: 'leave --scale out to get it from the GSD, or give a factor between 0.25 and 2',
  },
  fps: {
    min: 0.01,
    max: 240,
    unit: 'frames per second',
    why: 'the analysis rate; video is 24-60 fps and analysis rarely needs more than 5-10',
    fix: 'give the frame rate, e.g. --fps 5',
  },
  start: {
    min: 0,
    max: 1e7,
    unit: 's',
    why: 'seconds from the start of the input',
    fix: 'give a time in seconds, e.g. --start 30',
  },
  end: {
    min: 0,
    minExclusive: true,
    max: 1e7,
    unit: 's',
    why: 'seconds from the start of the input',
    fix: 'give a time in seconds after --start, e.g. --end 90',
  },
  'max-width': {
    min: 32,
    max: MAX_FRAME_SIDE_PX,
    integer: true,
    unit: 'px',
    why: `the width frames are shrunk to; the model needs at least 32 px and Raqib analyses frames up to ${MAX_FRAME_SIDE_PX} px wide`,
    fix: 'give a width in pixels, e.g. --max-width 1920',
  },
  'frame-side': {
    min: 1,
    max: MAX_FRAME_SIDE_PX,
    integer: true,
    unit: 'px',
    why: `the size of the frames the points were detected in; drone video is at most 8K (7680 px) and Raqib analyses up to ${MAX_FRAME_SIDE_PX} px`,
    fix: 'give the width and height of the video the points come from, e.g. --frame-size 3840x2160',
  },
  duration: {
    min: 0,
    minExclusive: true,
    max: 86400,
    unit: 's',
    why: 'the simulated time; a day at most',
    fix: 'give seconds, e.g. --duration 600',
  },
  'max-dist': {
    min: 0,
    minExclusive: true,
    max: 1000,
    unit: 'px',
    why: 'the largest distance at which a prediction matches a true point; people are 5-50 px apart in drone views',
    fix: 'give a distance in pixels, e.g. --max-dist 10',
  },
} as const satisfies Record<string, NumberLimit>;

/** The accepted range of `--threads` on a machine with `cores` logical cores. */
export function threadsLimit(cores: number): NumberLimit {
  const max = Math.max(1, Math.floor(cores)) * 2;
  return {
    min: 1,
    max,
    integer: true,
    unit: 'threads',
    why: `model threads; this machine has ${cores} cores, and more than twice as many threads only adds switching`,
    fix: `give 1 to ${max}, e.g. --threads ${Math.min(max, Math.max(1, cores))}`,
  };
}

/** The problem with `value` for `limit`, or undefined when it is inside. */
export function rangeProblem(value: number, limit: NumberLimit): string | undefined {
  if (!Number.isFinite(value)) return 'is not a finite number';
  if (limit.integer && !Number.isInteger(value)) return 'must be a whole number';
  const low = limit.minExclusive ? value <= limit.min : value < limit.min;
  const high = limit.maxExclusive ? value >= limit.max : value > limit.max;
  if (!low && !high) return undefined;
  const bound = (exclusive: boolean | undefined, more: boolean, edge: number) =>
    `${more ? (exclusive ? 'more than' : 'at least') : exclusive ? 'less than' : 'at most'} ${edge}`;
  return `is out of range: must be ${low ? bound(limit.minExclusive, true, limit.min) : bound(limit.maxExclusive, false, limit.max)}${limit.unit === '' ? '' : ` ${limit.unit}`}`;
}

/**
 * Checks one option value; throws RaqibError('USAGE') as one line naming the option, the value, what
 * is wrong, why the range and what to give, e.g. `--hfov 200 is out of range: must be less than 170
 * degrees (the horizontal field of view ...); give the camera's horizontal field of view, e.g. --hfov 84`.
 * Undefined (option not given) passes.
 */
export function checkOption(option: string, value: number | undefined, limit: NumberLimit): void {
  if (value === undefined) return;
  const problem = rangeProblem(value, limit);
  if (problem === undefined) return;
  throw new RaqibError('USAGE', `--${option} ${value} ${problem} (${limit.why}); ${limit.fix}`);
}
