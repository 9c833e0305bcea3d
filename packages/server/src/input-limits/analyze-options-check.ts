import { RaqibError } from '@raqib/core';
import { checkOption, OPTION_LIMITS, rangeProblem, threadsLimit } from './option-limits.js';

/** The numeric options of `raqib analyze` as parsed (undefined = not given). */
export interface AnalyzeNumericOptions {
  fps?: number | undefined;
  start?: number | undefined;
  end?: number | undefined;
  altitude?: number | undefined;
  hfov?: number | undefined;
  gsd?: number | undefined;
  scale?: number | undefined;
  'max-width'?: number | undefined;
  'frame-size'?: string | undefined;
  threads?: number | undefined;
}

/**
 * Checks every option of `raqib analyze` that needs no file: each number in its range (with the reason
 * and what to give), `--start` before `--end`, `--frame-size` within 16384 px, `--threads` at most
 * twice the cores. Runs before anything is read or written; throws RaqibError('USAGE') (exit 2) as one
 * line naming the option.
 */
export function checkAnalyzeOptions(options: AnalyzeNumericOptions, machine: { cores: number }): void {
  checkOption('fps', options.fps, OPTION_LIMITS.fps);
  checkOption('start', options.start, OPTION_LIMITS.start);
  checkOption('end', options.end, OPTION_LIMITS.end);
  if (options.start !== undefined && options.end !== undefined && !(options.end > options.start)) {
    throw new RaqibError(
      'USAGE',
      `--end ${options.end} is not after --start ${options.start}: the analysed part would be empty; give an --end later than --start`,
    );
  }
  checkOption('altitude', options.altitude, OPTION_LIMITS.altitude);
  checkOption('hfov', options.hfov, OPTION_LIMITS.hfov);
  checkOption('gsd', options.gsd, OPTION_LIMITS.gsd);
  checkOption('scale', options.scale, OPTION_LIMITS.scale);
  checkOption('max-width', options['max-width'], OPTION_LIMITS['max-width']);
  checkOption('threads', options.threads, threadsLimit(machine.cores));
  if (options['frame-size'] !== undefined) checkFrameSizeText(options['frame-size']);
}

/**
 * Parses and checks `--frame-size WxH`: whole pixels, each side within 1..16384. Returns the size.
 * (The points reader parses it again; this check only makes sure nothing runs away first.)
 */
export function checkFrameSizeText(text: string): { widthPx: number; heightPx: number } {
  const match = /^\s*(\d+)\s*[xX×]\s*(\d+)\s*$/.exec(text);
  if (!match) {
    throw new RaqibError('USAGE', `--frame-size must be WxH in pixels like 1920x1080, got '${text}'`);
  }
  const size = { widthPx: Number(match[1]), heightPx: Number(match[2]) };
  for (const [side, value] of [
    ['width', size.widthPx],
    ['height', size.heightPx],
  ] as const) {
    const problem = rangeProblem(value, OPTION_LIMITS['frame-side']);
    if (problem !== undefined) {
      const limit = OPTION_LIMITS['frame-side'];
      throw new RaqibError(
        'USAGE',
        `--frame-size ${text}: the ${side} ${value} ${problem} (${limit.why}); ${limit.fix}`,
      );
    }
  }
  return size;
}
