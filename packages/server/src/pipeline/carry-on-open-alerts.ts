import type { AlertEngine, AlertEvent, AlertEvidence, AlertFrame, AlertSeverity, RuleId } from '@raqib/core';

/** An alert as stored, as far as carrying it on needs (a Store's alert record fits). */
export interface LeftOpenAlert {
  id: string;
  incidentId: string;
  zoneId: string;
  rule: RuleId;
  severity: AlertSeverity;
  /** Wall time it was raised (Unix ms). */
  raisedAtMs: number;
  value: number;
  evidence: AlertEvidence;
}

/** Where a new engine starts: its first frame's time and the wall time of its time 0. */
export interface CarryOnAt {
  streamId: string;
  zones: AlertFrame['zones'];
  timeS: number;
  originMs: number;
}

/**
 * Carries the alerts an earlier run left open (a killed server, a lease handed to another node) on in
 * a new engine under their ids, instead of raising them again. Returns the `cleared` events
 * (`rules-changed`) of those the rules no longer have, to be stored like any other event.
 */
export function carryOnOpenAlerts(engine: AlertEngine, left: readonly LeftOpenAlert[], at: CarryOnAt): AlertEvent[] {
  const toEngineS = (wallMs: number) => (wallMs - at.originMs) / 1000;
  const rejected = new Set(
    engine
      .restore(
        left.map((alert) => ({
          id: alert.id,
          incidentId: alert.incidentId,
          zoneId: alert.zoneId,
          rule: alert.rule,
          severity: alert.severity,
          startedAtS: toEngineS(alert.raisedAtMs),
          peakValue: alert.evidence.peakValue,
          // The peak's wall time is not stored: the raise stands in for it.
          peakAtS: toEngineS(alert.raisedAtMs),
          value: alert.value,
        })),
        at.zones,
        at.timeS,
      )
      .map((alert) => alert.id),
  );
  return left
    .filter((alert) => rejected.has(alert.id))
    .map((alert): AlertEvent => {
      const startedAtS = toEngineS(alert.raisedAtMs);
      return {
        id: alert.id,
        incidentId: alert.incidentId,
        type: 'cleared',
        severity: alert.severity,
        rule: alert.rule,
        zoneId: alert.zoneId,
        streamId: at.streamId,
        timeS: at.timeS,
        value: alert.value,
        threshold: alert.evidence.clearThreshold,
        evidence: {
          ...alert.evidence,
          startedAtS,
          conditionSinceS: at.timeS,
          clearReason: 'rules-changed',
          durationS: at.timeS - startedAtS,
          history: [],
        },
      };
    });
}
