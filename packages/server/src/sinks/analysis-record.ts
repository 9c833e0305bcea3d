import type { FrameAnalysis } from '@raqib/core';

/** Rounds to `digits` decimals, keeping output files small and diff-friendly. */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The JSON shape of one analysed frame, as written to analysis.jsonl (one line per frame). */
export function frameAnalysisRecord(analysis: FrameAnalysis): Record<string, unknown> {
  const { frame } = analysis;
  return {
    seq: frame.seq,
    timeS: round(analysis.timeS, 3),
    count: round(analysis.count, 2),
    width: frame.width,
    height: frame.height,
    ...(frame.gsdMPerPx === undefined ? {} : { gsdMPerPx: round(frame.gsdMPerPx, 5) }),
    ...(frame.pose === undefined ? {} : { pose: frame.pose }),
    zones: analysis.zones.map((zone) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(zone)) {
        out[key] = typeof value === 'number' ? round(value, 4) : value;
      }
      return out;
    }),
  };
}
