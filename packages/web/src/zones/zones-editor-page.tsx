import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, roleAtLeast } from '../api/api-client.js';
import type { StreamRecord } from '../api/api-types.js';
import { Data } from '../components/trans.js';
import { t } from '../i18n/i18n.js';
import { fetchBasemap, type Basemap, type LngLat } from '../map/basemap-api.js';
import { MapView } from '../map/map-view.js';
import { geoZones, zonesGeoJson } from '../map/zone-shading.js';
import { useLocale, useSession } from '../session.js';
import { FrameSurface } from './frame-surface.js';
import { RulesEditor, type RulesDocument } from './rules-editor.js';
import {
  featureFromSketch,
  featuresOf,
  isArea,
  nextZoneId,
  sketchKeyAction,
  spaceOf,
  zonesFile,
  type Point,
  type Sketch,
  type ZoneFeature,
  type ZoneSpace,
} from './zone-features.js';
import { ZoneProperties } from './zone-properties.js';
import './zones.css';

type Message = { error: boolean; text: string } | null;

async function loadDocument(streamId: string, kind: 'zones' | 'rules'): Promise<unknown> {
  try {
    return (await api<{ document: unknown }>('GET', `/streams/${encodeURIComponent(streamId)}/${kind}`)).document;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** The server's answer as it is (the same messages as the CLI), or the saved confirmation. */
function Feedback({ message, testId }: { message: Message; testId: string }) {
  if (!message) return null;
  return message.error ? (
    <pre role="alert" class="form-error server-message" data-testid={testId} translate={false}>
      {message.text}
    </pre>
  ) : (
    <p role="status" class="muted" data-testid={testId}>
      {message.text}
    </p>
  );
}

/**
 * Zones and rules editor: draw areas and lines on a drone's frame (image space) or on the event map
 * (geo space), set their properties, and edit the alert rules with the defaults shown; saved through
 * `PUT /streams/:id/zones` (operator) and `/rules` (admin). What a role may not do is not shown.
 */
export function ZonesEditorPage() {
  useLocale();
  const { principal } = useSession();
  const canEditZones = roleAtLeast(principal.role, 'operator');
  const canEditRules = roleAtLeast(principal.role, 'admin');
  const [streams, setStreams] = useState<StreamRecord[]>([]);
  const [streamId, setStreamId] = useState('');
  const [features, setFeatures] = useState<ZoneFeature[]>([]);
  const [rules, setRules] = useState<RulesDocument>({ version: 1 });
  const [selected, setSelected] = useState<number | null>(null);
  const [space, setSpace] = useState<ZoneSpace>('image');
  const [sketch, setSketch] = useState<Sketch | null>(null);
  const [basemap, setBasemap] = useState<Basemap | null>(null);
  const [zonesMessage, setZonesMessage] = useState<Message>(null);
  const [rulesMessage, setRulesMessage] = useState<Message>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);
  const mapCentre = useRef<LngLat>([0, 0]);
  const stream = streams.find((s) => s.id === streamId);

  useEffect(() => {
    api<StreamRecord[]>('GET', '/streams').then(
      (list) => {
        setStreams(list);
        setStreamId((current) => current || list[0]?.id || '');
      },
      (e: Error) => setLoadError(e.message),
    );
  }, []);

  useEffect(() => {
    if (!streamId) return;
    setSketch(null);
    setSelected(null);
    setZonesMessage(null);
    setRulesMessage(null);
    setDirty(false);
    Promise.all([loadDocument(streamId, 'zones'), canEditRules ? loadDocument(streamId, 'rules') : null]).then(
      ([zones, rulesDocument]) => {
        setFeatures(featuresOf(zones));
        setRules((rulesDocument as RulesDocument | null) ?? { version: 1 });
      },
      (e: Error) => setLoadError(e.message),
    );
  }, [streamId]);

  useEffect(() => {
    if (!stream) return;
    fetchBasemap(stream.eventId).then(setBasemap, () => setBasemap(null));
  }, [stream?.eventId]);

  const change = (next: ZoneFeature[]) => {
    setFeatures(next);
    setDirty(true);
    setZonesMessage(null);
  };
  const startSketch = (kind: 'area' | 'line') => {
    setSelected(null);
    setSketch({ kind, space, vertices: [] });
  };
  const addVertex = (point: Point) => setSketch((s) => (s ? { ...s, vertices: [...s.vertices, point] } : s));
  const removeVertex = () => setSketch((s) => (s ? { ...s, vertices: s.vertices.slice(0, -1) } : s));
  const finishSketch = () => {
    if (!sketch) return;
    const feature = featureFromSketch(sketch, nextZoneId(features, sketch.kind));
    if (!feature) {
      setZonesMessage({ error: true, text: sketch.kind === 'area' ? t('zones.needThree') : t('zones.needTwo') });
      return;
    }
    change([...features, feature]);
    setSelected(features.length);
    setSketch(null);
  };

  const saveZones = async () => {
    setZonesMessage(null);
    try {
      await api('PUT', `/streams/${encodeURIComponent(streamId)}/zones`, zonesFile(features));
      setDirty(false);
      setZonesMessage({ error: false, text: t('zones.saved') });
    } catch (error) {
      setZonesMessage({ error: true, text: (error as Error).message });
    }
  };
  const saveRules = async () => {
    setRulesMessage(null);
    try {
      await api('PUT', `/streams/${encodeURIComponent(streamId)}/rules`, rules);
      setRulesMessage({ error: false, text: t('zones.rulesSaved') });
    } catch (error) {
      setRulesMessage({ error: true, text: (error as Error).message });
    }
  };

  const ruleZones = useMemo(
    () => [
      { id: 'frame', kind: undefined },
      ...features.map((f) => ({ id: f.properties.id, kind: f.properties.kind })),
    ],
    [features],
  );
  const geoJson = useMemo(
    () => zonesGeoJson(geoZones(streamId, { ...zonesFile(features) }), new Map()),
    [features, streamId],
  );

  const onMapKey = (event: KeyboardEvent) => {
    if (!sketch || event.key.startsWith('Arrow')) return; // arrows pan the map
    const action = sketchKeyAction(event.key, event.shiftKey);
    if (!action) return;
    event.preventDefault();
    if (action.type === 'add') addVertex(mapCentre.current);
    else if (action.type === 'finish') finishSketch();
    else if (action.type === 'cancel') setSketch(null);
    else if (action.type === 'removeVertex') removeVertex();
  };

  return (
    <section class="page zones-page" aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title">{t('zones.title')}</h1>
        <label class="inline-field">
          {t('zones.stream')}
          <select
            value={streamId}
            data-testid="zones-stream"
            onChange={(e) => setStreamId((e.currentTarget as HTMLSelectElement).value)}
          >
            {streams.map((s) => (
              <option key={s.id} value={s.id} translate={false}>
                {s.name || s.id}
              </option>
            ))}
          </select>
        </label>
      </div>
      {loadError ? (
        <p role="alert" class="form-error">
          {t('app.error', { message: loadError })}
        </p>
      ) : null}
      <div class="zones-layout">
        <div class="zones-main">
          <div class="zones-toolbar" role="toolbar" aria-label={t('zones.tools')}>
            <div class="segmented" role="group" aria-label={t('zones.surface')}>
              {(['image', 'geo'] as const).map((s) => (
                <button
                  key={s}
                  type="button"
                  aria-pressed={space === s}
                  data-testid={`space-${s}`}
                  onClick={() => {
                    setSketch(null);
                    setSpace(s);
                  }}
                >
                  {s === 'image' ? t('zones.onFrame') : t('zones.onMap')}
                </button>
              ))}
            </div>
            {canEditZones && !sketch ? (
              <>
                <button type="button" data-testid="draw-area" onClick={() => startSketch('area')}>
                  {t('zones.drawArea')}
                </button>
                <button type="button" data-testid="draw-line" onClick={() => startSketch('line')}>
                  {t('zones.drawLine')}
                </button>
              </>
            ) : null}
            {sketch ? (
              <>
                <button type="button" class="primary" data-testid="finish-shape" onClick={finishSketch}>
                  {t('zones.finish')}
                </button>
                <button type="button" onClick={removeVertex} disabled={sketch.vertices.length === 0}>
                  {t('zones.undoVertex')}
                </button>
                <button type="button" onClick={() => setSketch(null)}>
                  {t('zones.cancel')}
                </button>
              </>
            ) : null}
          </div>
          {sketch ? (
            <p class="muted" role="status">
              {sketch.space === 'image' ? t('zones.drawHintFrame') : t('zones.drawHintMap')}
            </p>
          ) : null}
          {space === 'image' ? (
            streamId ? (
              <FrameSurface
                streamId={streamId}
                features={features}
                selected={selected}
                onSelect={setSelected}
                sketch={sketch}
                onVertex={addVertex}
                onFinish={finishSketch}
                onCancel={() => setSketch(null)}
                onRemoveVertex={removeVertex}
              />
            ) : null
          ) : (
            <div onKeyDown={onMapKey}>
              <MapView
                basemap={basemap}
                zones={geoJson}
                drones={[]}
                selectedZoneKey={selected !== null ? `${streamId}/${features[selected]?.properties.id}` : null}
                onZoneClick={(key) => setSelected(features.findIndex((f) => `${streamId}/${f.properties.id}` === key))}
                sketch={sketch ? { kind: sketch.kind, vertices: sketch.vertices } : null}
                onMapPoint={addVertex}
                onCentre={(centre) => (mapCentre.current = centre)}
              />
            </div>
          )}
        </div>
        <aside class="zones-side">
          <section aria-labelledby="zone-list-title">
            <h2 id="zone-list-title">{t('zones.listTitle')}</h2>
            {features.length === 0 ? (
              <p class="muted">{t('zones.none')}</p>
            ) : (
              <ul class="zone-list">
                {features.map((feature, index) => (
                  <li key={index}>
                    <button
                      type="button"
                      aria-pressed={selected === index}
                      data-testid="zone-item"
                      onClick={() => setSelected(index)}
                    >
                      <Data>{feature.properties.id}</Data>
                      <span class="muted">
                        {isArea(feature) ? t('zones.area') : t('zones.line')} ·{' '}
                        {spaceOf(feature) === 'geo' ? t('zones.geo') : t('zones.image')}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {selected !== null && features[selected] ? (
            <ZoneProperties
              key={selected}
              feature={features[selected]!}
              editable={canEditZones}
              onChange={(feature) => change(features.map((f, i) => (i === selected ? feature : f)))}
              onDelete={() => {
                change(features.filter((_, i) => i !== selected));
                setSelected(null);
              }}
            />
          ) : null}
          {canEditZones ? (
            <div class="save-row">
              <button type="button" class="primary" data-testid="save-zones" onClick={saveZones} disabled={!streamId}>
                {dirty ? t('zones.saveChanged') : t('zones.save')}
              </button>
              <Feedback message={zonesMessage} testId="zones-message" />
            </div>
          ) : null}
        </aside>
      </div>
      {canEditRules && streamId ? (
        <section class="rules-section" aria-labelledby="rules-title">
          <h2 id="rules-title">{t('zones.rulesTitle')}</h2>
          <RulesEditor
            document={rules}
            zones={ruleZones}
            onChange={(next) => {
              setRules(next);
              setRulesMessage(null);
            }}
          />
          <div class="save-row">
            <button type="button" class="primary" data-testid="save-rules" onClick={saveRules}>
              {t('zones.saveRules')}
            </button>
            <Feedback message={rulesMessage} testId="rules-message" />
          </div>
        </section>
      ) : null}
    </section>
  );
}
