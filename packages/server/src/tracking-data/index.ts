export { MAX_KEPT_ISSUES, type CsvIssue } from './csv-table.js';
export {
  frameNumberStep,
  parsePointCsv,
  readPointCsv,
  type PointCsv,
  type PointCsvOptions,
  type PointCsvQuality,
  type RowProblemCount,
} from './point-csv.js';
export { formatTrackCsv, parseTrackCsv, readTrackCsv, readText, type TrackCsv } from './track-csv.js';
