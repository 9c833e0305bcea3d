import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { RaqibError } from '@raqib/core';
import { parse } from 'yaml';
import { z } from 'zod';

const frameSize = z
  .string()
  .regex(/^\s*\d+\s*[xX×]\s*\d+\s*$/, 'expected WxH in pixels, e.g. 1920x1080')
  .describe('image size of the points, pixels (WxH)');

const droneSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 letters, digits, dots, dashes or underscores')
      .describe('drone id, unique in the event'),
    points: z.string().min(1).describe('head points CSV (frame,x,y[,score]), relative to this file'),
    frameSize,
    fps: z.number().positive().max(1000).describe('frame rate of the frame numbers in the points file'),
    telemetry: z.string().min(1).describe('DJI .SRT telemetry of the flight, relative to this file'),
    clockOffsetS: z
      .number()
      .min(-86_400)
      .max(86_400)
      .default(0)
      .describe('seconds added to this drone time to reach the event clock (after the .SRT timestamps)'),
    altitudeM: z.number().positive().max(10_000).optional().describe('height above ground, overrides telemetry'),
    hfovDeg: z.number().gt(0).lt(180).optional().describe('horizontal field of view, overrides telemetry'),
  })
  .strict();

const fileSchema = z
  .object({
    origin: z
      .tuple([z.number().min(-180).max(180), z.number().min(-89).max(89)])
      .optional()
      .describe("the event map's reference [longitude, latitude] (default: the first drone's first position)"),
    drones: z.array(droneSchema).min(1).max(64).describe('the drones of the event'),
  })
  .strict();

/** One drone of an event drones file, with its paths resolved. */
export interface EventDroneSpec {
  id: string;
  pointsPath: string;
  telemetryPath: string;
  widthPx: number;
  heightPx: number;
  fps: number;
  clockOffsetS: number;
  altitudeM?: number;
  hfovDeg?: number;
}

/** A parsed event drones file (`raqib fuse --drones FILE`). */
export interface EventDronesFile {
  origin?: [lng: number, lat: number];
  drones: EventDroneSpec[];
}

/**
 * Reads an event drones file (YAML or JSON): the event's drones, each with its head points CSV, its
 * telemetry and its frame size and rate. Throws `CONFIG_INVALID` naming the file and field on any
 * problem (unknown keys included), `INPUT_NOT_FOUND` when the file cannot be read.
 */
export async function loadEventDronesFile(path: string): Promise<EventDronesFile> {
  const text = await readFile(path, 'utf8').catch((error: unknown) => {
    throw new RaqibError('INPUT_NOT_FOUND', `${path}: cannot read the drones file`, { cause: error });
  });
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new RaqibError('CONFIG_INVALID', `${path}: not valid YAML or JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${path}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new RaqibError('CONFIG_INVALID', `${lines.join('\n')}\nsee docs/scale.md for the drones file`);
  }
  const base = dirname(path);
  const seen = new Set<string>();
  const drones = parsed.data.drones.map((d, i): EventDroneSpec => {
    if (seen.has(d.id)) throw new RaqibError('CONFIG_INVALID', `${path}: drones.${i}.id: "${d.id}" is used twice`);
    seen.add(d.id);
    const [w, h] = d.frameSize.split(/[xX×]/).map((v) => Number(v.trim()));
    if (!(w! > 0 && h! > 0)) {
      throw new RaqibError('CONFIG_INVALID', `${path}: drones.${i}.frameSize: width and height must be > 0 px`);
    }
    return {
      id: d.id,
      pointsPath: resolve(base, d.points),
      telemetryPath: resolve(base, d.telemetry),
      widthPx: w!,
      heightPx: h!,
      fps: d.fps,
      clockOffsetS: d.clockOffsetS,
      ...(d.altitudeM !== undefined ? { altitudeM: d.altitudeM } : {}),
      ...(d.hfovDeg !== undefined ? { hfovDeg: d.hfovDeg } : {}),
    };
  });
  return { ...(parsed.data.origin ? { origin: parsed.data.origin } : {}), drones };
}
