import { readFile } from 'node:fs/promises';
import {
  parseCalibration,
  parseZones,
  RaqibError,
  type Calibration,
  type KnownZones,
  type RaqibErrorCode,
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
 * The zones a rules file may name in an analysis: the whole frame (`frame`) and every zone of the
 * zones file (areas and lines), with where they come from for messages.
 */
export function analysisKnownZones(zones: readonly Zone[], zonesPath: string | undefined): KnownZones {
  return {
    ids: ['frame', ...zones.map((zone) => zone.id)],
    where: zonesPath === undefined ? 'without a --zones file' : `in ${zonesPath}`,
  };
}
