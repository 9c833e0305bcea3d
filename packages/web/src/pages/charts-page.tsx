import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import type { ReadingBucket, ReadingsResponse, StreamRecord } from '../api/api-types.js';
import { seriesColor, TimeChart, type ChartSeries } from '../components/time-chart.js';
import { currentLanguage, t } from '../i18n/i18n.js';
import { useLocale } from '../session.js';

type Period = 'live' | '15m' | '1h' | '24h' | 'custom';
const LIVE_WINDOW_MS = 5 * 60_000;
const LIVE_POLL_MS = 2_000;

const PERIOD_MS: Record<Exclude<Period, 'custom'>, number> = {
  live: LIVE_WINDOW_MS,
  '15m': 15 * 60_000,
  '1h': 60 * 60_000,
  '24h': 24 * 60 * 60_000,
};

function toLocalInput(ms: number): string {
  const date = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 16);
}

/** Buckets as aligned columns: one time axis, one column per zone for a field. */
function columns(buckets: ReadingBucket[], zones: string[], field: (b: ReadingBucket) => number | null) {
  const times = [...new Set(buckets.map((b) => b.bucketStartMs))].sort((a, b) => a - b);
  const index = new Map(times.map((time, i) => [time, i]));
  const values = zones.map(() => new Array<number | null>(times.length).fill(null));
  for (const bucket of buckets) {
    const zone = zones.indexOf(bucket.zoneId);
    if (zone >= 0) values[zone]![index.get(bucket.bucketStartMs)!] = field(bucket);
  }
  return { times, values };
}

/** Count, persons per m² and line in/out per zone over time: live (polled) or for a chosen period. */
export function ChartsPage() {
  useLocale();
  const [streams, setStreams] = useState<StreamRecord[]>([]);
  const [streamId, setStreamId] = useState('');
  const [zone, setZone] = useState('');
  const [period, setPeriod] = useState<Period>('live');
  const [fromInput, setFromInput] = useState(toLocalInput(Date.now() - 3_600_000));
  const [toInput, setToInput] = useState(toLocalInput(Date.now()));
  const [buckets, setBuckets] = useState<ReadingBucket[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [applied, setApplied] = useState(0);

  useEffect(() => {
    api<StreamRecord[]>('GET', '/streams').then(
      (list) => {
        setStreams(list);
        setStreamId((current) => current || list[0]?.id || '');
      },
      (e: Error) => setError(e.message),
    );
  }, []);

  useEffect(() => {
    if (!streamId) return;
    let cancelled = false;
    const load = () => {
      const toMs = period === 'custom' ? new Date(toInput).getTime() : Date.now();
      const fromMs = period === 'custom' ? new Date(fromInput).getTime() : toMs - PERIOD_MS[period];
      const resolution = toMs - fromMs > 2 * 3_600_000 ? '1m' : '1s';
      const query = new URLSearchParams({ from: String(fromMs), to: String(toMs), resolution });
      api<ReadingsResponse>('GET', `/streams/${encodeURIComponent(streamId)}/readings?${query}`).then(
        (response) => {
          if (cancelled) return;
          setBuckets(response.buckets);
          setError(null);
        },
        (e: Error) => !cancelled && setError(e.message),
      );
    };
    load();
    const timer = period === 'live' ? setInterval(load, LIVE_POLL_MS) : null;
    return () => {
      cancelled = true;
      if (timer) clearInterval(timer);
    };
  }, [streamId, period, applied]);

  const zones = useMemo(() => [...new Set((buckets ?? []).map((b) => b.zoneId))].sort(), [buckets]);
  const shownZones = zone ? zones.filter((z) => z === zone) : zones;
  const lineZones = shownZones.filter((z) => (buckets ?? []).some((b) => b.zoneId === z && b.inCount !== null));

  const charts = useMemo(() => {
    const list = buckets ?? [];
    const count = columns(list, shownZones, (b) => b.countMean);
    const density = columns(list, shownZones, (b) => b.densityPerM2Mean);
    const flowIn = columns(list, lineZones, (b) => b.inCount);
    const flowOut = columns(list, lineZones, (b) => b.outCount);
    const series = (values: (number | null)[][], zonesOf: string[], suffix = '', offset = 0): ChartSeries[] =>
      values.map((v, i) => ({ label: zonesOf[i]! + suffix, color: seriesColor(i + offset), values: v }));
    return {
      count: { times: count.times, series: series(count.values, shownZones) },
      density: { times: density.times, series: series(density.values, shownZones) },
      flow: {
        times: flowIn.times,
        series: [
          ...series(flowIn.values, lineZones, ` · ${t('charts.inflow')}`),
          ...series(flowOut.values, lineZones, ` · ${t('charts.outflow')}`, lineZones.length),
        ],
      },
    };
    // Labels depend on the language.
  }, [buckets, zone, currentLanguage()]);

  return (
    <section class="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('charts.title')}</h1>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied((n) => n + 1);
        }}
      >
        <label>
          {t('charts.stream')}
          <select value={streamId} onChange={(e) => setStreamId(e.currentTarget.value)} data-testid="chart-stream">
            {streams.map((s) => (
              <option key={s.id} value={s.id} translate={false}>
                {s.name || s.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('charts.zone')}
          <select value={zone} onChange={(e) => setZone(e.currentTarget.value)}>
            <option value="">{t('charts.allZones')}</option>
            {zones.map((z) => (
              <option key={z} value={z} translate={false}>
                {z}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('charts.period')}
          <select
            value={period}
            onChange={(e) => setPeriod(e.currentTarget.value as Period)}
            data-testid="chart-period"
          >
            <option value="live">{t('charts.live')}</option>
            <option value="15m">{t('charts.last15m')}</option>
            <option value="1h">{t('charts.last1h')}</option>
            <option value="24h">{t('charts.last24h')}</option>
            <option value="custom">{t('charts.custom')}</option>
          </select>
        </label>
        {period === 'custom' && (
          <>
            <label>
              {t('charts.from')}
              <input type="datetime-local" value={fromInput} onInput={(e) => setFromInput(e.currentTarget.value)} />
            </label>
            <label>
              {t('charts.to')}
              <input type="datetime-local" value={toInput} onInput={(e) => setToInput(e.currentTarget.value)} />
            </label>
            <button type="submit" class="primary">
              {t('charts.apply')}
            </button>
          </>
        )}
      </form>
      {error && (
        <p class="form-error" role="alert">
          {t('app.error', { message: error })}
        </p>
      )}
      {buckets !== null && buckets.length === 0 ? (
        <p class="muted">{t('charts.noData')}</p>
      ) : (
        <div class="charts">
          <TimeChart
            title={t('charts.count')}
            timesMs={charts.count.times}
            series={charts.count.series}
            fractionDigits={1}
            testId="chart-count"
          />
          <TimeChart
            title={t('charts.density')}
            timesMs={charts.density.times}
            series={charts.density.series}
            fractionDigits={2}
            testId="chart-density"
          />
          {lineZones.length > 0 && (
            <TimeChart
              title={t('charts.flow')}
              timesMs={charts.flow.times}
              series={charts.flow.series}
              testId="chart-flow"
            />
          )}
        </div>
      )}
    </section>
  );
}
