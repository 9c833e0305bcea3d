import { useState } from 'preact/hooks';
import { api, ApiError, roleAtLeast } from '../api/api-client.js';
import type { AlertRecord, AlertWithHistory } from '../api/api-types.js';
import { formatNumber, formatTime, t } from '../i18n/i18n.js';
import { useSession } from '../session.js';
import { Data, Trans } from './trans.js';

const RULES = [
  'density',
  'localDensity',
  'occupancy',
  'growth',
  'lineFlow',
  'outflowCollapse',
  'speedDrop',
  'counterflow',
  'pressure',
  'dispersal',
  'restricted',
];

export function ruleName(rule: string) {
  return RULES.includes(rule) ? <>{t(`alerts.rules.${rule}`)}</> : <Trans k="alerts.rules.other" values={{ rule }} />;
}

type Verb = 'ack' | 'assign' | 'resolve' | 'note';

/**
 * One incident: its latest alert (an escalation shows where it came from), what the engine sees
 * now, where operators are with it, and — for operators and admins only — the actions the alert's
 * status allows. History loads on demand.
 */
export function AlertCard({ alerts, onChanged }: { alerts: AlertRecord[]; onChanged: () => void }) {
  const { principal } = useSession();
  const alert = alerts[0]!;
  const first = alerts[alerts.length - 1]!;
  const [history, setHistory] = useState<AlertWithHistory['history'] | null>(null);
  const [form, setForm] = useState<'assign' | 'note' | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mayAct = roleAtLeast(principal.role, 'operator');
  const resolved = alert.status === 'resolved';

  const loadHistory = async () => {
    const full = await api<AlertWithHistory>('GET', `/alerts/${encodeURIComponent(alert.id)}`);
    setHistory(full.history);
  };

  const act = async (verb: Verb, body: Record<string, string> = {}) => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/alerts/${encodeURIComponent(alert.id)}/${verb}`, body);
      setForm(null);
      setText('');
      onChanged();
      if (history) await loadHistory();
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 409 ? t('alerts.conflict') : (caught as Error).message);
      if (caught instanceof ApiError && caught.status === 409) onChanged();
    } finally {
      setBusy(false);
    }
  };

  const titleId = `alert-${alert.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <li
      class={`alert-card sev-${alert.severity}`}
      aria-labelledby={titleId}
      data-testid="alert-card"
      data-alert-id={alert.id}
      data-status={alert.status}
    >
      <h2 id={titleId}>
        <span class={`badge sev-${alert.severity}`}>{t(`severity.${alert.severity}`)}</span>
        <span>{ruleName(alert.rule)}</span>
        <span>
          <Trans k="alerts.incident" values={{ zone: alert.zoneId, stream: alert.streamId }} />
        </span>
      </h2>
      {alerts.length > 1 && (
        <p class="escalation">
          <Trans
            k="alerts.escalated"
            values={{ from: <>{t(`severity.${first.severity}`)}</>, to: <>{t(`severity.${alert.severity}`)}</> }}
          />
        </p>
      )}
      <p class="alert-meta">
        <span>
          <Trans k="alerts.raisedAt" values={{ time: <>{formatTime(first.raisedAtMs)}</> }} />
        </span>
        <span>
          <Trans
            k="alerts.value"
            values={{ value: <>{formatNumber(alert.value, 2)}</>, threshold: <>{formatNumber(alert.threshold, 2)}</> }}
          />
        </span>
        <span>
          {alert.condition === 'cleared' && alert.clearedAtMs !== null ? (
            <Trans k="alerts.cleared" values={{ time: <>{formatTime(alert.clearedAtMs)}</> }} />
          ) : (
            t('alerts.active')
          )}
        </span>
        <span>
          {t('alerts.status')}: <strong data-testid="alert-status">{t(`alerts.statuses.${alert.status}`)}</strong>
        </span>
        {alert.assignee && (
          <span>
            <Trans k="alerts.assignee" values={{ assignee: alert.assignee }} />
          </span>
        )}
      </p>
      {mayAct && (
        <div class="alert-actions">
          {alert.status === 'new' && (
            <button
              type="button"
              class="primary"
              disabled={busy}
              onClick={() => void act('ack')}
              data-testid="alert-ack"
            >
              {t('alerts.acknowledge')}
            </button>
          )}
          {!resolved && (
            <button
              type="button"
              disabled={busy}
              aria-expanded={form === 'assign'}
              onClick={() => setForm(form === 'assign' ? null : 'assign')}
            >
              {t('alerts.assign')}
            </button>
          )}
          {!resolved && (
            <button type="button" disabled={busy} onClick={() => void act('resolve')} data-testid="alert-resolve">
              {t('alerts.resolve')}
            </button>
          )}
          <button
            type="button"
            disabled={busy}
            aria-expanded={form === 'note'}
            onClick={() => setForm(form === 'note' ? null : 'note')}
          >
            {t('alerts.addNote')}
          </button>
          {form && (
            <form
              class="alert-actions"
              onSubmit={(event) => {
                event.preventDefault();
                if (text.trim()) void act(form, form === 'assign' ? { assignee: text.trim() } : { note: text.trim() });
              }}
            >
              <label>
                {form === 'assign' ? t('alerts.assignTo') : t('alerts.note')}
                <input
                  value={text}
                  onInput={(e) => setText(e.currentTarget.value)}
                  maxLength={form === 'assign' ? 100 : 2000}
                  required
                />
              </label>
              <button type="submit" class="primary" disabled={busy}>
                {t('alerts.save')}
              </button>
              <button type="button" onClick={() => setForm(null)}>
                {t('alerts.cancel')}
              </button>
            </form>
          )}
        </div>
      )}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <details
        class="alert-history"
        onToggle={(e) => (e.currentTarget as HTMLDetailsElement).open && void loadHistory()}
      >
        <summary>{t('alerts.history')}</summary>
        {history && (
          <ol>
            {history.map((entry, index) => (
              <li key={index}>
                <Trans
                  k="alerts.historyEntry"
                  values={{
                    time: <>{formatTime(entry.atMs)}</>,
                    kind: <>{t(`alerts.kinds.${entry.kind}`)}</>,
                    actor: entry.actor,
                  }}
                />
                {entry.assignee && (
                  <>
                    {' → '}
                    <Data>{entry.assignee}</Data>
                  </>
                )}
                {entry.note && (
                  <>
                    {' — '}
                    <Data>{entry.note}</Data>
                  </>
                )}
              </li>
            ))}
          </ol>
        )}
      </details>
    </li>
  );
}
