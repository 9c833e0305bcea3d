import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import type { StreamRecord, StreamState, ZonesDocument } from '../api/api-types.js';
import { formatNumber, t } from '../i18n/i18n.js';
import { recordGlassToGlass } from '../live/glass-to-glass.js';
import {
  drawCounters,
  drawFlow,
  drawHeatmap,
  drawPoints,
  drawTracks,
  drawZones,
  levelColor,
  updateTails,
  zoneShapes,
  type Overlay,
  type TrackTails,
} from '../live/overlay-draw.js';
import { frameBlob, useStreamLive } from '../live/use-stream-live.js';
import { useLocale } from '../session.js';
import { Data, Trans } from './trans.js';

/**
 * One drone large: its picture drawn on a canvas and the chosen overlays drawn on the same canvas
 * in the picture's pixel space, so they cannot drift from it. Heads and tracks come with the
 * picture (same frame); heatmap and zone levels from the latest analysis; line counters from the
 * readings.
 */
export function DroneView({
  stream,
  state,
  overlays,
}: {
  stream: StreamRecord;
  state: StreamState | null;
  overlays: ReadonlySet<Overlay>;
}) {
  useLocale();
  const live = useStreamLive(stream.id, true);
  const canvas = useRef<HTMLCanvasElement>(null);
  const tails = useMemo<TrackTails>(() => new Map(), [stream.id]);
  const [zonesDoc, setZonesDoc] = useState<ZonesDocument | null>(null);
  const [delayMs, setDelayMs] = useState<number | null>(null);

  useEffect(() => {
    setZonesDoc(null);
    api<ZonesDocument>('GET', `/streams/${encodeURIComponent(stream.id)}/zones`).then(setZonesDoc, () =>
      setZonesDoc(null),
    );
  }, [stream.id]);

  const { frame, analysis, readings, lineTotals } = live;
  useEffect(() => {
    if (!frame) return;
    updateTails(tails, frame.tracks);
    let cancelled = false;
    void createImageBitmap(frameBlob(frame)).then((bitmap) => {
      const element = canvas.current;
      if (cancelled || !element) return bitmap.close();
      element.width = frame.imageWidthPx;
      element.height = frame.imageHeightPx;
      const ctx = element.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      bitmap.close();
      const view = { sx: frame.imageWidthPx / frame.widthPx, sy: frame.imageHeightPx / frame.heightPx };
      const shapes = zoneShapes(zonesDoc?.document, frame.widthPx, frame.heightPx);
      if (overlays.has('heatmap') && analysis) drawHeatmap(ctx, view, analysis, frame.points);
      if (overlays.has('zones')) drawZones(ctx, view, shapes, analysis?.zones ?? []);
      if (overlays.has('tracks')) drawTracks(ctx, view, tails);
      if (overlays.has('points')) drawPoints(ctx, view, frame.points);
      if (overlays.has('flow')) drawFlow(ctx, view, frame.widthPx, frame.heightPx, frame.tracks);
      if (overlays.has('counters')) {
        drawCounters(ctx, view, shapes, lineTotals, (c) =>
          t('live.lineInOut', { in: formatNumber(c.in), out: formatNumber(c.out) }),
        );
      }
      element.dataset['seq'] = String(frame.seq);
      element.dataset['overlays'] = [...overlays].sort().join(' ');
      // On screen at the next paint: that is the glass-to-glass end point.
      requestAnimationFrame(() => setDelayMs(recordGlassToGlass(frame.capturedAtMs, Date.now())));
    });
    return () => {
      cancelled = true;
    };
    // Redrawn per picture; overlay toggles take effect with the next picture (5 per second).
  }, [frame]);

  const zones = readings?.zones ?? analysis?.zones ?? [];
  const stateKey = state ?? 'unknown';
  return (
    <section class="drone-view" aria-labelledby="drone-view-title">
      <div class="drone-view-head">
        <h2 id="drone-view-title">
          <Data>{stream.name || stream.id}</Data>
        </h2>
        <span class={`badge state-${stateKey}`}>{t(`live.state.${stateKey}`)}</span>
        <span class="big-count" data-testid="live-count" aria-live="off">
          {readings ? <Trans k="live.countValue" values={{ count: <>{formatNumber(readings.count)}</> }} /> : '–'}
        </span>
        {delayMs !== null && (
          <span class="muted" data-testid="latency">
            <Trans k="live.latency" values={{ ms: <>{formatNumber(delayMs)}</> }} />
          </span>
        )}
      </div>
      <div class="picture-frame">
        <canvas ref={canvas} class="picture" data-testid="picture" role="img" aria-labelledby="picture-label" />
        <span id="picture-label" class="visually-hidden">
          <Trans k="live.pictureAlt" values={{ name: stream.name || stream.id }} />
        </span>
        {!frame && <p class="picture-waiting muted">{t('live.noPicture')}</p>}
      </div>
      <table class="zone-table">
        <caption class="visually-hidden">{t('live.zoneTable')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('live.zone')}</th>
            <th scope="col">{t('live.count')}</th>
            <th scope="col">{t('live.density')}</th>
            <th scope="col">{t('live.inflow')}</th>
            <th scope="col">{t('live.outflow')}</th>
            <th scope="col">{t('live.level')}</th>
          </tr>
        </thead>
        <tbody>
          {zones
            .filter((zone) => zone.kind !== 'frame')
            .map((zone) => {
              const level = zone.fruinLevel ?? zone.stillClass;
              const totals = lineTotals[zone.zoneId];
              return (
                <tr key={zone.zoneId}>
                  <th scope="row">
                    <span class="swatch" style={{ background: levelColor(zone) }} aria-hidden="true" />
                    <Data>{zone.zoneId}</Data>
                  </th>
                  <td class="num">{formatNumber(zone.count, 1)}</td>
                  <td class="num">{zone.densityPerM2 === undefined ? '–' : formatNumber(zone.densityPerM2, 2)}</td>
                  <td class="num">{totals ? formatNumber(totals.in) : '–'}</td>
                  <td class="num">{totals ? formatNumber(totals.out) : '–'}</td>
                  <td>{level ? <Data>{level}</Data> : '–'}</td>
                </tr>
              );
            })}
        </tbody>
      </table>
    </section>
  );
}
