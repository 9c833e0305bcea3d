import { t } from '../i18n/i18n.js';
import { isArea, spaceOf, ZONE_KINDS, type ZoneFeature } from './zone-features.js';

/**
 * The properties of docs/formats.md for one zone: id, name, kind, capacity (areas) or surveyed
 * length (lines). Values are kept as typed; the server's validation says what is wrong with them.
 */
export function ZoneProperties({
  feature,
  editable,
  onChange,
  onDelete,
}: {
  feature: ZoneFeature;
  editable: boolean;
  onChange: (feature: ZoneFeature) => void;
  onDelete: () => void;
}) {
  const p = feature.properties;
  const set = (key: string, value: unknown) => {
    const properties = { ...p };
    if (value === undefined || value === '') delete properties[key];
    else properties[key] = value;
    onChange({ ...feature, properties: properties as ZoneFeature['properties'] });
  };
  const numberOrText = (text: string) =>
    text.trim() === '' ? undefined : Number.isFinite(Number(text)) ? Number(text) : text;
  const area = isArea(feature);
  return (
    <fieldset class="zone-properties" disabled={!editable} data-testid="zone-properties">
      <legend>{area ? t('zones.areaProperties') : t('zones.lineProperties')}</legend>
      <label>
        {t('zones.id')}
        <input
          name="zone-id"
          translate={false}
          value={p.id}
          onInput={(e) => set('id', (e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <label>
        {t('zones.name')}
        <input
          name="zone-name"
          value={p.name ?? ''}
          onInput={(e) => set('name', (e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <label>
        {t('zones.kind')}
        <select
          name="zone-kind"
          value={p.kind ?? ''}
          onChange={(e) => set('kind', (e.currentTarget as HTMLSelectElement).value)}
        >
          <option value="">{t('zones.kindDefault', { kind: t(`zones.kinds.${area ? 'standing' : 'gate'}`) })}</option>
          {ZONE_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`zones.kinds.${kind}`)}
            </option>
          ))}
        </select>
      </label>
      {area ? (
        <label>
          {t('zones.capacity')}
          <input
            name="zone-capacity"
            inputMode="numeric"
            value={p.capacity === undefined ? '' : String(p.capacity)}
            onChange={(e) => set('capacity', numberOrText((e.currentTarget as HTMLInputElement).value))}
          />
        </label>
      ) : (
        <label>
          {t('zones.lengthM')}
          <input
            name="zone-length"
            inputMode="decimal"
            value={p.lengthM === undefined ? '' : String(p.lengthM)}
            onChange={(e) => set('lengthM', numberOrText((e.currentTarget as HTMLInputElement).value))}
          />
        </label>
      )}
      <p class="muted">{spaceOf(feature) === 'geo' ? t('zones.spaceGeo') : t('zones.spaceImage')}</p>
      {editable ? (
        <button type="button" class="danger" onClick={onDelete}>
          {t('zones.deleteZone')}
        </button>
      ) : null}
    </fieldset>
  );
}
