import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/api-client.js';
import type { AlertRecord, AlertStatus, Severity, StreamRecord } from '../api/api-types.js';
import { AlertCard, ruleName } from '../components/alert-card.js';
import type { AlertTopicMessage } from '../components/alert-watcher.js';
import { Data } from '../components/trans.js';
import { formatTime, t } from '../i18n/i18n.js';
import { useSession } from '../session.js';

const SEVERITIES: Severity[] = ['info', 'warning', 'danger', 'critical'];
const STATUSES: AlertStatus[] = ['new', 'acknowledged', 'assigned', 'resolved'];

interface FeedEntry {
  atMs: number;
  event: AlertTopicMessage['event'];
}

/** Alerts newest first, grouped by incident (an escalation and what it escalated are one card). */
export function groupByIncident(alerts: AlertRecord[]): AlertRecord[][] {
  const groups = new Map<string, AlertRecord[]>();
  for (const alert of [...alerts].sort((a, b) => b.raisedAtMs - a.raisedAtMs)) {
    const group = groups.get(alert.incidentId) ?? [];
    group.push(alert);
    groups.set(alert.incidentId, group);
  }
  return [...groups.values()];
}

/** The alert workflow: a live feed, cards by incident with the actions the role allows, filters and history. */
export function AlertsPage() {
  const { live } = useSession();
  const [alerts, setAlerts] = useState<AlertRecord[] | null>(null);
  const [streams, setStreams] = useState<StreamRecord[]>([]);
  const [feed, setFeed] = useState<FeedEntry[]>([]);
  const [state, setState] = useState<'open' | 'all'>('open');
  const [stream, setStream] = useState('');
  const [severity, setSeverity] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const reload = useCallback(() => {
    const query = new URLSearchParams({ state });
    if (stream) query.set('stream', stream);
    api<AlertRecord[]>('GET', `/alerts?${query}`).then(
      (list) => {
        setAlerts(list);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, [state, stream]);

  useEffect(reload, [reload]);
  useEffect(() => {
    api<StreamRecord[]>('GET', '/streams').then(setStreams, () => setStreams([]));
  }, []);
  useEffect(
    () =>
      live.subscribe('alerts', (data) => {
        const { event } = data as AlertTopicMessage;
        setFeed((entries) => [{ atMs: Date.now(), event }, ...entries].slice(0, 100));
        // Bursts of events (an escalation and its clear) reload the list once.
        if (reloadTimer.current) clearTimeout(reloadTimer.current);
        reloadTimer.current = setTimeout(reload, 200);
      }),
    [live, reload],
  );

  const shown = (alerts ?? []).filter(
    (alert) => (!severity || alert.severity === severity) && (!status || alert.status === status),
  );
  const groups = groupByIncident(shown);

  return (
    <section class="page" aria-labelledby="page-title">
      <h1 id="page-title">{t('alerts.title')}</h1>
      <form class="toolbar" aria-label={t('alerts.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('alerts.show')}
          <select
            value={state}
            onChange={(e) => setState(e.currentTarget.value as 'open' | 'all')}
            data-testid="alerts-state"
          >
            <option value="open">{t('alerts.open')}</option>
            <option value="all">{t('alerts.all')}</option>
          </select>
        </label>
        <label>
          {t('alerts.stream')}
          <select value={stream} onChange={(e) => setStream(e.currentTarget.value)}>
            <option value="">{t('alerts.anyStream')}</option>
            {streams.map((s) => (
              <option key={s.id} value={s.id} translate={false}>
                {s.name || s.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('alerts.severity')}
          <select value={severity} onChange={(e) => setSeverity(e.currentTarget.value)}>
            <option value="">{t('alerts.anySeverity')}</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {t(`severity.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('alerts.status')}
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">{t('alerts.anyStatus')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`alerts.statuses.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </form>
      {error && (
        <p class="form-error" role="alert">
          {t('app.error', { message: error })}
        </p>
      )}
      <div class="alerts-layout">
        <div>
          {alerts === null ? (
            <p role="status">{t('app.loading')}</p>
          ) : groups.length === 0 ? (
            <p class="muted">{t('alerts.none')}</p>
          ) : (
            <ul class="alert-list">
              {groups.map((group) => (
                <AlertCard key={group[0]!.incidentId} alerts={group} onChanged={reload} />
              ))}
            </ul>
          )}
        </div>
        <aside aria-labelledby="feed-title">
          <h2 id="feed-title">{t('alerts.feed')}</h2>
          {feed.length === 0 ? (
            <p class="muted">{t('alerts.none')}</p>
          ) : (
            <ol class="feed" data-testid="alert-feed">
              {feed.map((entry, index) => (
                <li key={index}>
                  <span class="muted">{formatTime(entry.atMs)}</span>
                  <span class={`badge sev-${entry.event.severity}`}>{t(`severity.${entry.event.severity}`)}</span>
                  <span>{t(`alerts.kinds.${entry.event.type}`)}</span>
                  <span>{ruleName(entry.event.rule)}</span>
                  <Data>{entry.event.zoneId}</Data>
                </li>
              ))}
            </ol>
          )}
        </aside>
      </div>
    </section>
  );
}
