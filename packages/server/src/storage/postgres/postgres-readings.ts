import type { ReadingBucket } from '../store-records.js';
import type { Sql } from './postgres-connection.js';

/** Rows per statement: one round trip for a typical batch (streams x zones x 2 resolutions). */
const CHUNK = 2000;

/**
 * Upserts reading buckets with one statement per chunk (arrays unnested server-side). A stored
 * bucket is replaced only by one that aggregates more samples, as in SQLite. A statement cannot
 * touch a row twice, so a batch holding the same key twice keeps the fullest bucket only (what a
 * one-by-one upsert would end with).
 * @returns how many buckets were inserted or completed
 */
export async function upsertReadings(sql: Sql, buckets: readonly ReadingBucket[]): Promise<number> {
  const fullest = new Map<string, ReadingBucket>();
  for (const bucket of buckets) {
    const key = `${bucket.streamId}\u0000${bucket.zoneId}\u0000${bucket.resolution}\u0000${bucket.bucketStartMs}`;
    const kept = fullest.get(key);
    if (!kept || bucket.samples > kept.samples) fullest.set(key, bucket);
  }
  const unique = [...fullest.values()];
  let changed = 0;
  for (let start = 0; start < unique.length; start += CHUNK) {
    const chunk = unique.slice(start, start + CHUNK);
    const column = <T>(pick: (bucket: ReadingBucket) => T) => chunk.map(pick);
    const result = await sql(
      `INSERT INTO readings (stream_id, zone_id, resolution, bucket_start_ms, samples, count_mean, count_max,
         density_per_m2_mean, peak_local_density_per_m2_max, in_count, out_count, mean_speed_m_per_s)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::float8[], $7::float8[],
         $8::float8[], $9::float8[], $10::int[], $11::int[], $12::float8[])
       ON CONFLICT (stream_id, zone_id, resolution, bucket_start_ms) DO UPDATE SET
         samples = excluded.samples, count_mean = excluded.count_mean, count_max = excluded.count_max,
         density_per_m2_mean = excluded.density_per_m2_mean,
         peak_local_density_per_m2_max = excluded.peak_local_density_per_m2_max,
         in_count = excluded.in_count, out_count = excluded.out_count, mean_speed_m_per_s = excluded.mean_speed_m_per_s
       WHERE excluded.samples > readings.samples`,
      [
        column((b) => b.streamId),
        column((b) => b.zoneId),
        column((b) => b.resolution),
        column((b) => b.bucketStartMs),
        column((b) => b.samples),
        column((b) => b.countMean),
        column((b) => b.countMax),
        column((b) => b.densityPerM2Mean),
        column((b) => b.peakLocalDensityPerM2Max),
        column((b) => b.inCount),
        column((b) => b.outCount),
        column((b) => b.meanSpeedMPerS),
      ],
    );
    changed += result.rowCount ?? 0;
  }
  return changed;
}
