import { readFile } from 'node:fs/promises';
import {
  parseCalibration,
  parseZones,
  RaqibError,
  zoneReferenceProblems,
  type Calibration,
  type KnownZones,
  type RaqibErrorCode,
  type RulesConfig,
  type Zone,
} from '@raqib/core';

async function readText(path: string, code: RaqibErrorCode, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new RaqibError(
      code,
      `${path}: cannot read the ${what} file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        cause: error,
      },
    );
  }
}

/** Reads and validates a GeoJSON zones file (`--zones`). */
export async function loadZonesFile(path: string): Promise<Zone[]> {
  return parseZones(await readText(path, 'ZONES_INVALID', 'zones'), path);
}

/** Reads and fits a ground-control-point calibration file (`--calibration`). */
export async function loadCalibrationFile(path: string): Promise<Calibration> {
  return parseCalibration(await readText(path, 'CALIBRATION_INVALID', 'calibration'), path);
}

/**
 * Without a zones file the only zone is the whole frame, so `zones.<id>` entries of a rules file apply
 * to nothing. Not an error (a rules file written for an event is often tried on a clip first), but
 * said: one warning line naming the file and the ids; undefined when there is nothing to say.
 */
export function rulesWithoutZonesWarning(rules: RulesConfig, rulesPath: string): string | undefined {
  const problems = zoneReferenceProblems(rules, analysisKnownZones([], undefined));
  const ids = [...new Set(problems.map((problem) => String(problem.path[1])))];
  if (ids.length === 0) return undefined;
  const shown = ids.length > 8 ? `${ids.slice(0, 8).join(', ')}, ...` : ids.join(', ');
  return `${rulesPath}: zones ${shown}: there is no --zones file, so their settings apply to no zone; give --zones FILE with these zones`;
}

/**
 * The zones a rules file may name in an analysis: the whole frame (`frame`) and every zone of the
 * zones file (areas and lines), with where they come from for messages.
 */
export function analysisKnownZones(zones: readonly Zone[], zonesPath: string | undefined): KnownZones {
  return {
    ids: ['frame', ...zones.map((zone) => zone.id)],
    where: zonesPath === undefined ? 'without a --zones file' : `in ${zonesPath}`,
  };
}
