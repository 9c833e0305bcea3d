import type { AlertSeverity } from '@raqib/core';
import type { NotifyEvent } from '../notify-event.js';

/**
 * A realistic alert event (the shape the alert engine emits) for notification tests; `n` makes the
 * id, zone and time unique.
 */
export function alertEvent(n: number, overrides: Partial<NotifyEvent> = {}): NotifyEvent {
  const severity: AlertSeverity = overrides.severity ?? 'danger';
  const startMs = 100_000 + n * 1000;
  const zoneId = overrides.zoneId ?? `gate-${n}`;
  return {
    id: `cam1:${zoneId}:density:${severity}:${startMs}`,
    type: 'raised',
    severity,
    rule: 'density',
    zoneId,
    streamId: 'cam1',
    timeS: startMs / 1000,
    value: 5.4,
    threshold: 5,
    evidence: {
      unit: 'persons/m²',
      comparison: '>=',
      raiseThreshold: 5,
      clearThreshold: 4,
      sustainS: 10,
      startedAtS: startMs / 1000,
      conditionSinceS: startMs / 1000 - 10,
      peakValue: 5.6,
      peakAtS: startMs / 1000 - 2,
      frameSeq: n * 25,
      history: [
        { timeS: startMs / 1000 - 2, value: 5.6 },
        { timeS: startMs / 1000, value: 5.4 },
      ],
    },
    ...overrides,
  };
}
