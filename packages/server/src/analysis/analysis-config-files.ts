import { readFile } from 'node:fs/promises';
import {
  parseCalibration,
  parseZones,
  RaqibError,
  type Calibration,
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
