export { MAX_KEPT_ISSUES, type CsvIssue } from './csv-table.js';
export { parsePointCsv, readPointCsv, type PointCsv } from './point-csv.js';
export { formatTrackCsv, parseTrackCsv, readTrackCsv, readText, type TrackCsv } from './track-csv.js';
