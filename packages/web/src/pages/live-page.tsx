import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import type { EventRecord, StreamRecord, StreamState } from '../api/api-types.js';
import { DroneTile } from '../components/drone-tile.js';
import { DroneView } from '../components/drone-view.js';
import { Data } from '../components/trans.js';
import { t } from '../i18n/i18n.js';
import type { StreamTransition } from '@raqib/core';
import { OVERLAYS, type Overlay } from '../live/overlay-draw.js';
import { navigate, useLocation } from '../router.js';
import { useSession } from '../session.js';

const OVERLAYS_KEY = 'raqib.overlays';
const DEFAULT_OVERLAYS: Overlay[] = ['points', 'zones', 'counters'];

function storedOverlays(): Set<Overlay> {
  try {
    const stored = JSON.parse(localStorage.getItem(OVERLAYS_KEY) ?? 'null') as unknown;
    if (Array.isArray(stored)) return new Set(stored.filter((o): o is Overlay => OVERLAYS.includes(o as Overlay)));
  } catch {
    // fall back to the defaults
  }
  return new Set(DEFAULT_OVERLAYS);
}

/** The live view: the event's drones as a grid, one of them large with its overlays. */
export function LivePage() {
  const { live } = useSession();
  const { search } = useLocation();
  const [events, setEvents] = useState<EventRecord[]>([]);
  const [streams, setStreams] = useState<StreamRecord[] | null>(null);
  const [states, setStates] = useState<Record<string, StreamState>>({});
  const [overlays, setOverlays] = useState<Set<Overlay>>(storedOverlays);
  const [error, setError] = useState<string | null>(null);
  const eventId = search.get('event') ?? '';

  useEffect(() => {
    api<EventRecord[]>('GET', '/events').then(setEvents, (e: Error) => setError(e.message));
  }, []);
  useEffect(() => {
    const query = eventId ? `?event=${encodeURIComponent(eventId)}` : '';
    api<StreamRecord[]>('GET', `/streams${query}`).then(
      (list) => {
        setStreams(list);
        setStates(Object.fromEntries(list.filter((s) => s.state).map((s) => [s.id, s.state!])));
      },
      (e: Error) => setError(e.message),
    );
  }, [eventId]);
  useEffect(
    () =>
      live.subscribe('streams/health', (data) => {
        const health = data as StreamTransition;
        setStates((current) => ({ ...current, [health.streamId]: health.to }));
      }),
    [live],
  );

  const toggle = (overlay: Overlay) => {
    const next = new Set(overlays);
    if (next.has(overlay)) next.delete(overlay);
    else next.add(overlay);
    setOverlays(next);
    try {
      localStorage.setItem(OVERLAYS_KEY, JSON.stringify([...next]));
    } catch {
      // kept for this page only
    }
  };

  const setQuery = (key: string, value: string) => {
    const params = new URLSearchParams(location.search);
    if (value) params.set(key, value);
    else params.delete(key);
    navigate(`/live?${params}`);
  };

  const selectedId = search.get('stream') ?? streams?.[0]?.id;
  const selected = streams?.find((s) => s.id === selectedId) ?? streams?.[0];

  return (
    <section class="page live-page" aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title">{t('live.title')}</h1>
        <label class="inline-field">
          {t('live.event')}
          <select value={eventId} onChange={(e) => setQuery('event', e.currentTarget.value)} data-testid="event">
            <option value="">{t('live.allEvents')}</option>
            {events.map((event) => (
              <option key={event.id} value={event.id} translate={false}>
                {event.name || event.id}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p role="alert" class="form-error">
          {t('app.error', { message: error })}
        </p>
      )}
      {streams === null ? (
        <p role="status">{t('app.loading')}</p>
      ) : streams.length === 0 ? (
        <p class="muted">{t('live.noStreams')}</p>
      ) : (
        <div class="live-layout">
          <div class="live-main">
            <fieldset class="overlay-toggles">
              <legend>{t('live.overlays')}</legend>
              {OVERLAYS.map((overlay) => (
                <button
                  key={overlay}
                  type="button"
                  aria-pressed={overlays.has(overlay)}
                  onClick={() => toggle(overlay)}
                  data-testid={`overlay-${overlay}`}
                >
                  {t(`live.overlay.${overlay}`)}
                </button>
              ))}
            </fieldset>
            {selected && (
              <DroneView key={selected.id} stream={selected} state={states[selected.id] ?? null} overlays={overlays} />
            )}
          </div>
          <aside class="live-grid" aria-label={t('live.drones')}>
            <h2>{t('live.drones')}</h2>
            <ul>
              {streams.map((stream) => (
                <DroneTile
                  key={stream.id}
                  stream={stream}
                  state={states[stream.id] ?? null}
                  selected={stream.id === selected?.id}
                  onSelect={() => setQuery('stream', stream.id)}
                />
              ))}
            </ul>
          </aside>
        </div>
      )}
      <p class="visually-hidden">
        <Data>{selected?.id ?? ''}</Data>
      </p>
    </section>
  );
}
