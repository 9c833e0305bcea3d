import { useState } from 'preact/hooks';
import { t } from '../i18n/i18n.js';
import { basemapMediaType, uploadBasemap, type Basemap, type LngLat } from './basemap-api.js';

const CORNERS = ['topLeft', 'topRight', 'bottomRight', 'bottomLeft'] as const;

/**
 * Upload of the event's base map (operators): a PNG/JPEG orthophoto or site plan with the
 * longitude and latitude of its four corners, or a PMTiles archive (which carries its own bounds).
 * The server's message is shown as it is when it refuses the file.
 */
export function BasemapForm({
  eventId,
  current,
  onUploaded,
}: {
  eventId: string;
  current: Basemap | null;
  onUploaded: (basemap: Basemap) => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [corners, setCorners] = useState<string[][]>(
    () => current?.corners?.map(([lng, lat]) => [String(lng), String(lat)]) ?? CORNERS.map(() => ['', '']),
  );
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const isImage = file ? basemapMediaType(file).startsWith('image/') : true;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setMessage(null);
    try {
      const lngLat = isImage ? corners.map(([lng, lat]) => [Number(lng), Number(lat)] as LngLat) : null;
      const saved = await uploadBasemap(eventId, file, lngLat);
      setMessage({ error: false, text: t('map.uploaded') });
      onUploaded(saved);
    } catch (error) {
      setMessage({ error: true, text: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="basemap-form" onSubmit={submit} data-testid="basemap-form">
      <label>
        {t('map.baseFile')}
        <input
          type="file"
          name="basemap"
          accept="image/png,image/jpeg,.pmtiles"
          onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)}
        />
      </label>
      {isImage ? (
        <fieldset class="corner-grid">
          <legend>{t('map.corners')}</legend>
          <span />
          <span class="muted">{t('map.longitude')}</span>
          <span class="muted">{t('map.latitude')}</span>
          {CORNERS.map((corner, i) => (
            <>
              <span>{t(`map.corner.${corner}`)}</span>
              {[0, 1].map((axis) => (
                <input
                  key={`${corner}-${axis}`}
                  name={`${corner}-${axis === 0 ? 'lng' : 'lat'}`}
                  inputMode="decimal"
                  required
                  aria-label={`${t(`map.corner.${corner}`)} ${axis === 0 ? t('map.longitude') : t('map.latitude')}`}
                  value={corners[i]![axis]}
                  onInput={(e) => {
                    const value = (e.currentTarget as HTMLInputElement).value;
                    setCorners((all) =>
                      all.map((pair, j) => (j === i ? pair.map((v, k) => (k === axis ? value : v)) : pair)),
                    );
                  }}
                />
              ))}
            </>
          ))}
        </fieldset>
      ) : (
        <p class="muted">{t('map.pmtilesHint')}</p>
      )}
      <button type="submit" class="primary" disabled={!file || busy}>
        {busy ? t('map.uploading') : t('map.upload')}
      </button>
      {message ? (
        <p
          role={message.error ? 'alert' : 'status'}
          class={message.error ? 'form-error' : 'muted'}
          data-testid="basemap-message"
        >
          {message.text}
        </p>
      ) : null}
    </form>
  );
}
