/** One counted image, as the `raqib count` reporters see it. */
export interface CountRow {
  path: string;
  count: number;
  /** End to end: read + decode + estimate, in milliseconds. */
  ms: number;
  widthPx: number;
  heightPx: number;
  /** Head points decoded from the density map. */
  points: number;
  tiles: number;
}

/** An input that could not be counted. */
export interface CountFailure {
  code: string;
  message: string;
}

export interface CountSummary {
  images: CountRow[];
  failures: CountFailure[];
  total: number;
}

/** Writes `raqib count` results to stdout: rows as they come (if it streams), then the summary. */
export interface CountReporter {
  image(row: CountRow): void;
  finish(summary: CountSummary): void;
}
