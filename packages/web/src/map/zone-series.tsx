import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import type { ReadingsResponse } from '../api/api-types.js';
import { TimeChart } from '../components/time-chart.js';
import { t } from '../i18n/i18n.js';

const WINDOW_MS = 15 * 60_000;
const REFRESH_MS = 5_000;

/** A zone's persons per m² and count over the last 15 minutes (1 s buckets), refreshed every 5 s. */
export function ZoneSeries({ streamId, zoneId }: { streamId: string; zoneId: string }) {
  const [data, setData] = useState<ReadingsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    const load = () => {
      const from = Date.now() - WINDOW_MS;
      api<ReadingsResponse>(
        'GET',
        `/streams/${encodeURIComponent(streamId)}/readings?zone=${encodeURIComponent(zoneId)}&resolution=1s&from=${from}`,
      ).then(
        (response) => !cancelled && (setData(response), setError(null)),
        (e: Error) => !cancelled && setError(e.message),
      );
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [streamId, zoneId]);

  if (error) return <p role="alert">{t('app.error', { message: error })}</p>;
  if (!data) return <p role="status">{t('app.loading')}</p>;
  if (data.buckets.length === 0) return <p class="muted">{t('map.noReadings')}</p>;
  const times = data.buckets.map((b) => b.bucketStartMs);
  const hasDensity = data.buckets.some((b) => b.densityPerM2Mean !== null);
  return (
    <div data-testid="zone-series" data-points={data.buckets.length}>
      {hasDensity ? (
        <TimeChart
          title={t('map.densitySeries')}
          timesMs={times}
          series={[
            { label: t('charts.density'), color: '#ff9a52', values: data.buckets.map((b) => b.densityPerM2Mean) },
          ]}
          fractionDigits={2}
        />
      ) : null}
      <TimeChart
        title={t('map.countSeries')}
        timesMs={times}
        series={[{ label: t('charts.count'), color: '#6cb6ff', values: data.buckets.map((b) => b.countMean) }]}
        fractionDigits={1}
      />
    </div>
  );
}
