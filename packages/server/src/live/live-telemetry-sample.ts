import { focal35mmFromHfov, type CameraPose } from '@raqib/core';
import { z } from 'zod/v4';

/** Unix ms of 2000-01-01 and 2100-01-01: a time outside is seconds for milliseconds, or no clock at all. */
const MIN_TIME_MS = 946_684_800_000;
const MAX_TIME_MS = 4_102_444_800_000;
/** Samples in one request or MQTT message at most (a minute of 10 Hz telemetry is 600). */
const MAX_TELEMETRY_BATCH = 1000;

const degrees = (min: number, max: number, what: string) => z.number().min(min).max(max).optional().describe(what);

/**
 * The fields of one live telemetry sample: those of a DJI .SRT record (`CameraPose`, the names the
 * offline sidecar reader produces) plus the time and, for cameras that report it instead of a focal
 * length, the horizontal field of view.
 */
const SAMPLE_FIELDS = {
  timeMs: z
    .number()
    .int()
    .min(MIN_TIME_MS)
    .max(MAX_TIME_MS)
    .optional()
    .describe(
      'When the sample was taken, Unix milliseconds (the sender’s clock must be synchronised, e.g. NTP); default: when it arrives. Required in a batch.',
    ),
  lat: degrees(-90, 90, 'Latitude, degrees (WGS 84). With lng.'),
  lng: degrees(-180, 180, 'Longitude, degrees (WGS 84). With lat.'),
  relativeAltitudeM: z
    .number()
    .min(-1000)
    .max(1000)
    .optional()
    .describe('Height above the take-off point, metres (DJI rel_alt): the altitude the GSD is computed from.'),
  absoluteAltitudeM: z.number().min(-500).max(10_000).optional().describe('Altitude above sea level, metres.'),
  focalLength35mm: z
    .number()
    .gt(0)
    .max(2000)
    .optional()
    .describe('35 mm-equivalent focal length, mm (DJI focal_len, e.g. 24). Or hfovDeg, not both.'),
  hfovDeg: z
    .number()
    .gt(0)
    .lt(170)
    .optional()
    .describe('Horizontal field of view, degrees (e.g. 84). Or focalLength35mm, not both.'),
  gimbalPitchDeg: degrees(-180, 180, 'Gimbal pitch, degrees: -90 looks straight down (the default when absent).'),
  gimbalYawDeg: degrees(-360, 360, 'Gimbal yaw, degrees clockwise from north.'),
  gimbalRollDeg: degrees(-180, 180, 'Gimbal roll, degrees.'),
  headingDeg: degrees(-360, 360, 'Aircraft heading, degrees clockwise from north (used when there is no gimbal yaw).'),
};

type SampleInput = { [K in keyof typeof SAMPLE_FIELDS]?: number };

/** Field combinations a sample must respect, reported at the field that breaks them. */
function checkSample(sample: SampleInput, ctx: z.RefinementCtx): void {
  if ((sample.lat === undefined) !== (sample.lng === undefined)) {
    const missing = sample.lat === undefined ? 'lat' : 'lng';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'lat and lng go together; give both or neither' });
  }
  if (sample.lat === 0 && sample.lng === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['lat'],
      message: 'lat 0, lng 0 is what drones send without a GPS fix; leave lat and lng out',
    });
  }
  if (Object.entries(sample).every(([key, value]) => key === 'timeMs' || value === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: 'a sample needs at least one field besides timeMs, e.g. relativeAltitudeM',
    });
  }
  if (sample.focalLength35mm !== undefined && sample.hfovDeg !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['hfovDeg'], message: 'give focalLength35mm or hfovDeg, not both' });
  }
}

/** One sample. */
const liveTelemetrySampleSchema = z
  .object(SAMPLE_FIELDS)
  .strict()
  .superRefine(checkSample)
  .describe('One telemetry sample of a live stream (DJI .SRT fields).');

/**
 * What `POST /api/v1/streams/:id/telemetry` and an MQTT telemetry message carry: one sample (its
 * fields at the top level) or a batch (`samples`, each with its `timeMs`).
 */
export const liveTelemetryBodySchema = z
  .object({
    ...SAMPLE_FIELDS,
    samples: z
      .array(liveTelemetrySampleSchema)
      .min(1)
      .max(MAX_TELEMETRY_BATCH)
      .optional()
      .describe(`A batch of samples (1-${MAX_TELEMETRY_BATCH}), instead of one sample’s fields at the top level.`),
  })
  .strict()
  .superRefine((body, ctx) => {
    const { samples, ...single } = body;
    if (samples === undefined) {
      checkSample(single, ctx);
      return;
    }
    const stray = Object.keys(single).filter((key) => single[key as keyof typeof single] !== undefined);
    for (const key of stray) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'a batch carries its fields in samples[], not next to it' });
    }
    samples.forEach((sample, index) => {
      if (sample.timeMs === undefined) {
        ctx.addIssue({ code: 'custom', path: ['samples', index, 'timeMs'], message: 'required in a batch' });
      }
    });
  })
  .describe(
    'One telemetry sample (fields at the top level) or a batch in `samples`. Field names and units are those of the DJI .SRT reader.',
  );

export type LiveTelemetryBody = z.output<typeof liveTelemetryBodySchema>;

/** A validated sample as the live pipeline keeps it. */
export interface LiveTelemetrySample {
  /** Unix ms. */
  timeMs: number;
  pose: CameraPose;
}

/**
 * The samples of a validated body, in the order sent, with `timeMs` filled in (`receivedAtMs` for a
 * single sample without one) and a field of view turned into the 35 mm-equivalent focal length the
 * ground model reads (`focal35mmFromHfov`, the inverse of what it applies), so there is one GSD path.
 */
export function telemetrySamplesOf(body: LiveTelemetryBody, receivedAtMs: number): LiveTelemetrySample[] {
  const { samples, ...single } = body;
  return (samples ?? [single]).map((sample) => {
    const { timeMs, hfovDeg, ...fields } = sample;
    const pose: CameraPose = {};
    for (const [key, value] of Object.entries(fields) as [keyof CameraPose, number | undefined][]) {
      if (value !== undefined) pose[key] = value;
    }
    if (hfovDeg !== undefined) pose.focalLength35mm = focal35mmFromHfov(hfovDeg);
    return { timeMs: timeMs ?? receivedAtMs, pose };
  });
}

/** Zod issues as `where.path: message` lines, like the API's other 400s (`body.samples.2.lat: ...`). */
export function telemetryIssueText(issues: readonly z.core.$ZodIssue[], where: string, max = 5): string {
  const lines = issues.slice(0, max).map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    const path = issue.path.length ? `${where}.${issue.path.join('.')}` : where;
    return `${path}: ${issue.message}${keys}`;
  });
  if (issues.length > max) lines.push(`... and ${issues.length - max} more`);
  return lines.join('; ');
}
