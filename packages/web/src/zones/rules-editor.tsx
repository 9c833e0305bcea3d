import { defaultRuleSettings, RULE_IDS, type AlertSeverity, type RuleId } from '@raqib/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Data } from '../components/trans.js';
import { formatNumber, t } from '../i18n/i18n.js';
import { objectAt, setAt } from './rules-editor-state.js';
import { ZONE_KINDS, type ZoneKind } from './zone-features.js';

export type RulesDocument = Record<string, unknown>;
const SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'danger', 'critical'];
/**
 * The alert rules of one zone (admin only), with the built-in defaults of its kind shown as
 * placeholders: a value typed here becomes a `zones.<id>` override of the rules document
 * (docs/alerts.md), an emptied field goes back to the default. The whole document is editable as
 * JSON below for the other layers (`defaults`, `kinds`).
 */
export function RulesEditor({
  document,
  onChange,
  zones,
}: {
  document: RulesDocument;
  onChange: (document: RulesDocument) => void;
  /** Zones of the stream with the kind their zones file gives (`frame` included). */
  zones: readonly { id: string; kind: ZoneKind | undefined }[];
}) {
  const [zoneId, setZoneId] = useState(zones[0]?.id ?? 'frame');
  const [jsonText, setJsonText] = useState(() => JSON.stringify(document, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);

  // The JSON text follows the document, except while it is the one being typed in.
  const typed = useRef<RulesDocument | null>(null);
  useEffect(() => {
    if (typed.current === document) return;
    setJsonText(JSON.stringify(document, null, 2));
    setJsonError(null);
  }, [document]);
  useEffect(() => {
    if (!zones.some((z) => z.id === zoneId)) setZoneId(zones[0]?.id ?? 'frame');
  }, [zones]);

  const entry = objectAt(document, ['zones', zoneId]) ?? {};
  const fileKind = zones.find((z) => z.id === zoneId)?.kind;
  const defaultKind = (document['defaultKind'] as ZoneKind | undefined) ?? 'standing';
  const kind = (entry['kind'] as ZoneKind | undefined) ?? fileKind ?? defaultKind;
  const defaults = defaultRuleSettings(kind);
  const set = (path: string[], value: unknown) => onChange(setAt(document, ['zones', zoneId, ...path], value));
  const numberInput = (path: string[], fallback: number | undefined, label: string) => {
    const value = objectAt(document, ['zones', zoneId, ...path.slice(0, -1)])?.[path[path.length - 1]!];
    return (
      <input
        inputMode="decimal"
        size={6}
        aria-label={label}
        data-path={path.join('.')}
        placeholder={fallback === undefined ? '' : formatNumber(fallback, 3)}
        value={typeof value === 'number' || typeof value === 'string' ? String(value) : ''}
        onChange={(e) => {
          const text = (e.currentTarget as HTMLInputElement).value.trim();
          // Sent as typed when it is not a number: the server names the field and what it expects.
          set(path, text === '' ? undefined : Number.isFinite(Number(text)) ? Number(text) : text);
        }}
      />
    );
  };

  return (
    <div class="rules-editor" data-testid="rules-editor">
      <div class="rules-head">
        <label class="inline-field">
          {t('zones.rulesZone')}
          <select value={zoneId} onChange={(e) => setZoneId((e.currentTarget as HTMLSelectElement).value)}>
            {zones.map((zone) => (
              <option key={zone.id} value={zone.id} translate={false}>
                {zone.id}
              </option>
            ))}
          </select>
        </label>
        <label class="inline-field">
          {t('zones.kind')}
          <select
            value={(entry['kind'] as string | undefined) ?? ''}
            onChange={(e) => set(['kind'], (e.currentTarget as HTMLSelectElement).value || undefined)}
          >
            <option value="">{t('zones.kindFromFile', { kind: t(`zones.kinds.${fileKind ?? defaultKind}`) })}</option>
            {ZONE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`zones.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p class="muted">{t('zones.rulesHint')}</p>
      <div class="table-scroll">
        <table class="rules-table">
          <thead>
            <tr>
              <th scope="col">{t('zones.rule')}</th>
              <th scope="col">{t('zones.enabled')}</th>
              {SEVERITIES.map((severity) => (
                <th scope="col" key={severity}>
                  {t(`severity.${severity}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {RULE_IDS.map((rule: RuleId) => {
              const settings = defaults[rule];
              const enabledOverride = objectAt(entry, [rule])?.['enabled'];
              const enabled = typeof enabledOverride === 'boolean' ? enabledOverride : settings.enabled;
              return (
                <tr key={rule} data-rule={rule}>
                  <th scope="row">
                    {t(`zones.rules.${rule}`)} <Data>{rule}</Data>
                  </th>
                  <td>
                    <input
                      type="checkbox"
                      checked={enabled}
                      aria-label={t('zones.ruleEnabled', { rule: t(`zones.rules.${rule}`) })}
                      onChange={(e) => {
                        const on = (e.currentTarget as HTMLInputElement).checked;
                        set([rule, 'enabled'], on === settings.enabled ? undefined : on);
                      }}
                    />
                  </td>
                  {SEVERITIES.map((severity) => {
                    const level = settings.levels[severity];
                    if (!level) return <td key={severity} />;
                    const name = `${t(`zones.rules.${rule}`)} ${t(`severity.${severity}`)}`;
                    return (
                      <td key={severity} class="level-cell">
                        {numberInput([rule, severity, 'raise'], level.raise, t('zones.raiseOf', { level: name }))}
                        {numberInput([rule, severity, 'clear'], level.clear, t('zones.clearOf', { level: name }))}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <details>
        <summary>{t('zones.rulesJson')}</summary>
        <textarea
          class="rules-json"
          rows={14}
          spellcheck={false}
          translate={false}
          aria-label={t('zones.rulesJson')}
          value={jsonText}
          onInput={(e) => {
            const text = (e.currentTarget as HTMLTextAreaElement).value;
            setJsonText(text);
            try {
              const parsed = JSON.parse(text) as unknown;
              if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
              setJsonError(null);
              typed.current = parsed as RulesDocument;
              onChange(parsed as RulesDocument);
            } catch {
              setJsonError(t('zones.jsonInvalid'));
            }
          }}
        />
        {jsonError ? <p class="form-error">{jsonError}</p> : null}
      </details>
    </div>
  );
}
