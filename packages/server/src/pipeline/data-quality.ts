/** Which part of the input a data-quality report is about (a key of `summary.json`'s `dataQuality`). */
export type DataQualitySection = 'video' | 'images' | 'points' | 'telemetry' | 'flow' | 'ground';

/**
 * What one reader or stage found wrong in its data: counts for `summary.json`, one line per problem
 * for stderr, and whether a problem is past its documented limit (the run's numbers cannot be
 * trusted: `raqib analyze` then exits 1).
 */
export interface DataQualityPart {
  section: DataQualitySection;
  /** Counts and shares, named with units (e.g. `badFrameShare`, `rejectedRecords`), plus the limits used. */
  counts: Record<string, number | string | null>;
  /** One line each, without the `raqib analyze: warning:` prefix. Empty when all was well. */
  warnings: string[];
  /** True when a problem is over its limit (see each reader's documented limit). */
  overLimit: boolean;
}

/** Anything (a frame source, a stage) that can say what was wrong in its data once the run is over. */
export interface DataQualityReporter {
  dataQuality(): DataQualityPart | readonly DataQualityPart[] | undefined;
}

/** `summary.json`'s `dataQuality`: `ok`, every warning, and one object of counts per section. */
export interface DataQualityReport {
  /** False when a problem is over its limit: the results are unreliable and `raqib analyze` exits 1. */
  ok: boolean;
  /** Every problem found, one line each (also printed as `raqib analyze: warning: ...`). */
  warnings: string[];
  video?: Record<string, number | string | null>;
  images?: Record<string, number | string | null>;
  points?: Record<string, number | string | null>;
  telemetry?: Record<string, number | string | null>;
  flow?: Record<string, number | string | null>;
  ground?: Record<string, number | string | null>;
}

/** Whether `value` (a source or a stage) reports data quality. */
export function isDataQualityReporter<T>(value: T): value is T & DataQualityReporter {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<DataQualityReporter>).dataQuality === 'function'
  );
}

/** Merges the parts of every reporter into one report (sections in the order given). */
export function dataQualityReport(
  parts: ReadonlyArray<DataQualityPart | readonly DataQualityPart[] | undefined>,
): DataQualityReport {
  const report: DataQualityReport = { ok: true, warnings: [] };
  for (const part of parts.flat()) {
    if (!part) continue;
    report[part.section] = { ...report[part.section], ...part.counts };
    report.warnings.push(...part.warnings);
    if (part.overLimit) report.ok = false;
  }
  return report;
}

/** A share as a percentage with one decimal, for messages ("12.5%"). */
export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
