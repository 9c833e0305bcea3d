import { useEffect, useState } from 'preact/hooks';
import { playCriticalSound } from '../alert-sound.js';
import type { Severity } from '../api/api-types.js';
import { t } from '../i18n/i18n.js';
import { linkClick } from '../router.js';
import { useSession } from '../session.js';
import { Trans } from './trans.js';

/** An alert engine event as published on the `alerts` topic. */
export interface AlertTopicMessage {
  streamId: string;
  event: {
    id: string;
    incidentId: string;
    type: 'raised' | 'escalated' | 'cleared';
    severity: Severity;
    zoneId: string;
    rule: string;
  };
}

/**
 * On every page: the latest raised or escalated alert in a live region (screen readers announce it),
 * with the critical sound unless muted.
 */
export function AlertWatcher() {
  const { live } = useSession();
  const [latest, setLatest] = useState<AlertTopicMessage['event'] | null>(null);
  useEffect(
    () =>
      live.subscribe('alerts', (data) => {
        const { event } = data as AlertTopicMessage;
        if (event.type === 'cleared') return;
        setLatest(event);
        if (event.severity === 'critical') playCriticalSound();
      }),
    [live],
  );
  return (
    <div class="alert-watcher" role="status" aria-live="polite">
      {latest && (
        <a
          href="/alerts"
          class={`alert-banner sev-${latest.severity}`}
          onClick={(e) => linkClick(e, '/alerts')}
          data-testid="alert-banner"
        >
          <Trans
            k="alerts.newAlert"
            values={{ severity: <>{t(`severity.${latest.severity}`)}</>, zone: latest.zoneId }}
          />
        </a>
      )}
    </div>
  );
}
