import { FRUIN_QUEUING_DENSITY_PER_M2, FRUIN_WALKWAY_DENSITY_PER_M2 } from '@raqib/core';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, roleAtLeast } from '../api/api-client.js';
import type { EventRecord } from '../api/api-types.js';
import { Data } from '../components/trans.js';
import { formatNumber, t } from '../i18n/i18n.js';
import { useLocale, useSession } from '../session.js';
import { fetchBasemap, type Basemap } from './basemap-api.js';
import { BasemapForm } from './basemap-form.js';
import { MapView, type MapDrone } from './map-view.js';
import { useEventMapData } from './use-event-map-data.js';
import { FRUIN_COLOURS, zonesGeoJson, type FruinLetter } from './zone-shading.js';
import { ZoneSeries } from './zone-series.js';

const LEVELS = Object.keys(FRUIN_COLOURS) as FruinLetter[];

/** Bounds of a level in a Fruin table (core's lower bounds of B-F): "< b", "a–b" or "≥ a". */
function levelRange(bounds: readonly number[], index: number): string {
  const from = bounds[index - 1];
  const to = bounds[index];
  if (from === undefined) return t('map.legendBelow', { to: formatNumber(to!, 2) });
  if (to === undefined) return t('map.legendAbove', { from: formatNumber(from, 2) });
  return t('map.legendRange', { from: formatNumber(from, 2), to: formatNumber(to, 2) });
}

/**
 * Fruin levels of service with their colours and densities: zones are coloured by their reading's
 * level, from the walkway table for walkways and gates and the queuing table for the other kinds.
 */
function FruinLegend() {
  return (
    <table class="fruin-legend" data-testid="fruin-legend">
      <caption class="muted">{t('map.legendUnit')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('map.legendLevel')}</th>
          <th scope="col">{t('map.legendWalkway')}</th>
          <th scope="col">{t('map.legendQueuing')}</th>
        </tr>
      </thead>
      <tbody>
        {LEVELS.map((level, i) => (
          <tr key={level}>
            <th scope="row">
              <span class="fruin-swatch" style={{ background: FRUIN_COLOURS[level] }} aria-hidden="true" />
              <Data>{level}</Data>
            </th>
            <td>{levelRange(FRUIN_WALKWAY_DENSITY_PER_M2, i)}</td>
            <td>{levelRange(FRUIN_QUEUING_DENSITY_PER_M2, i)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * The event map: base layer (uploaded orthophoto/site plan or PMTiles), drones and their camera
 * footprints from live telemetry, geo zones shaded by persons per m² (Fruin level); a zone's time
 * series on click (or from the zone list, by keyboard). Operators upload the base map.
 */
export function EventMapPage() {
  useLocale();
  const { principal } = useSession();
  const [events, setEvents] = useState<EventRecord[]>([]);
  const [eventId, setEventId] = useState(() => new URLSearchParams(location.search).get('event') ?? '');
  const [basemap, setBasemap] = useState<Basemap | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const data = useEventMapData(eventId);

  useEffect(() => {
    api<EventRecord[]>('GET', '/events').then(
      (list) => {
        setEvents(list);
        setEventId((current) => current || list[0]?.id || '');
      },
      (e: Error) => setError(e.message),
    );
  }, []);

  useEffect(() => {
    if (!eventId) return;
    setBasemap(null);
    fetchBasemap(eventId).then(setBasemap, (e: Error) => setError(e.message));
  }, [eventId]);

  const zonesJson = useMemo(() => zonesGeoJson(data.zones, data.latest), [data.zones, data.latest]);
  const drones = useMemo<MapDrone[]>(
    () =>
      data.streams.flatMap((stream) => {
        const placement = data.placements.get(stream.id);
        return placement ? [{ streamId: stream.id, name: stream.name || stream.id, placement }] : [];
      }),
    [data.streams, data.placements],
  );
  const selectedZone = selected ? data.zones.find((z) => `${z.streamId}/${z.id}` === selected) : undefined;

  return (
    <section class="page map-page" aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title">{t('map.title')}</h1>
        <label class="inline-field">
          {t('map.event')}
          <select value={eventId} onChange={(e) => setEventId((e.currentTarget as HTMLSelectElement).value)}>
            {events.map((event) => (
              <option key={event.id} value={event.id} translate={false}>
                {event.name || event.id}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error || data.error ? (
        <p role="alert" class="form-error">
          {t('app.error', { message: error ?? data.error })}
        </p>
      ) : null}
      <div class="map-layout">
        <MapView
          basemap={basemap}
          zones={zonesJson}
          drones={drones}
          selectedZoneKey={selected}
          onZoneClick={setSelected}
        />
        <div class="map-side">
          <section aria-labelledby="legend-title">
            <h2 id="legend-title">{t('map.legendTitle')}</h2>
            <FruinLegend />
          </section>
          <section aria-labelledby="zones-title">
            <h2 id="zones-title">{t('map.zonesTitle')}</h2>
            {data.zones.length === 0 ? (
              <p class="muted">{t('map.noGeoZones')}</p>
            ) : (
              <ul class="zone-list">
                {data.zones.map((zone) => {
                  const key = `${zone.streamId}/${zone.id}`;
                  const reading = data.latest.get(key);
                  return (
                    <li key={key}>
                      <button
                        type="button"
                        aria-pressed={selected === key}
                        data-testid="map-zone"
                        data-zone={zone.id}
                        onClick={() => setSelected(selected === key ? null : key)}
                      >
                        <Data>{zone.name ?? zone.id}</Data>
                        <span>
                          {reading?.densityPerM2 !== undefined
                            ? t('map.density', { value: formatNumber(reading.densityPerM2, 2) })
                            : t('map.noDensity')}
                          {reading?.fruinLevel ? (
                            <>
                              {' · '}
                              <Data>{reading.fruinLevel}</Data>
                            </>
                          ) : null}
                        </span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
          {selectedZone ? (
            <section aria-labelledby="series-title">
              <h2 id="series-title">
                <Data>{selectedZone.name ?? selectedZone.id}</Data>
              </h2>
              <ZoneSeries streamId={selectedZone.streamId} zoneId={selectedZone.id} />
            </section>
          ) : null}
          <section aria-labelledby="drones-title">
            <h2 id="drones-title">{t('map.dronesTitle')}</h2>
            {drones.length === 0 ? (
              <p class="muted">{t('map.noTelemetry')}</p>
            ) : (
              <ul class="zone-list">
                {drones.map((drone) => (
                  <li key={drone.streamId}>
                    <Data>{drone.name}</Data>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {roleAtLeast(principal.role, 'operator') && eventId ? (
            <section aria-labelledby="basemap-title">
              <h2 id="basemap-title">{t('map.basemapTitle')}</h2>
              <BasemapForm key={eventId} eventId={eventId} current={basemap} onUploaded={setBasemap} />
            </section>
          ) : null}
        </div>
      </div>
    </section>
  );
}
