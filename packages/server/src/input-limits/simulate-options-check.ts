import { RaqibError, scenarioFrameSize, type CrowdScenario } from '@raqib/core';
import { checkOption, MAX_FRAME_SIDE_PX, OPTION_LIMITS } from './option-limits.js';

/**
 * Checks the numbers of `raqib simulate` before it simulates anything: `--fps`, `--gsd` and
 * `--duration` in range, and the image the scenario's world makes at that GSD within 16384 px (a
 * tiny GSD would write pixel coordinates no analysis accepts). Throws RaqibError('USAGE').
 */
export function checkSimulateOptions(
  options: { fps: number; gsd: number; duration?: number | undefined },
  scenario: CrowdScenario,
): void {
  checkOption('fps', options.fps, OPTION_LIMITS.fps);
  checkOption('gsd', options.gsd, OPTION_LIMITS.gsd);
  checkOption('duration', options.duration, OPTION_LIMITS.duration);
  const { widthPx, heightPx } = scenarioFrameSize(scenario, options.gsd);
  if (Math.max(widthPx, heightPx) > MAX_FRAME_SIDE_PX) {
    throw new RaqibError(
      'USAGE',
      `--gsd ${options.gsd} makes the ${scenario.name} scenario (${scenario.world.widthM} x ${scenario.world.heightM} m) a ${widthPx}x${heightPx} px image, larger than ${MAX_FRAME_SIDE_PX} px; give a --gsd of at least ${(Math.max(scenario.world.widthM, scenario.world.heightM) / MAX_FRAME_SIDE_PX).toPrecision(2)} m/px`,
    );
  }
  if (Math.min(widthPx, heightPx) < 1) {
    throw new RaqibError(
      'USAGE',
      `--gsd ${options.gsd} makes the ${scenario.name} scenario (${scenario.world.widthM} x ${scenario.world.heightM} m) smaller than one pixel; give a smaller --gsd, e.g. --gsd 0.05`,
    );
  }
}
