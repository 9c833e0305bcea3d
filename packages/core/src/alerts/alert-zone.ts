import type { AlertSeverity } from '../frame-analysis.js';
import type { ZoneKind } from '../zones/zone.js';

/** Every alert severity, lowest first: the order of a rule's ladder. */
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'danger', 'critical'];

/** Rank of a severity in {@link ALERT_SEVERITIES} (info 0 ... critical 3). */
export function severityRank(severity: AlertSeverity): number {
  return ALERT_SEVERITIES.indexOf(severity);
}

/**
 * What a zone is used for (the zones file's {@link ZoneKind}); it selects the default thresholds of
 * every rule. `walkway` (people moving through), `standing` (audience, viewing area), `queue`, `gate`
 * (an entry or exit, usually a line or a small area at an opening) and `restricted` (nobody should be there).
 */
export type AlertZoneKind = ZoneKind;

/** Every {@link AlertZoneKind}, as a tuple for schemas. */
export const ALERT_ZONE_KINDS = [
  'walkway',
  'standing',
  'queue',
  'gate',
  'restricted',
] as const satisfies readonly ZoneKind[];

// Compile-time check that the tuple lists every ZoneKind.
const _everyKind: (typeof ALERT_ZONE_KINDS)[number] = '' as ZoneKind;
void _everyKind;

/**
 * A zone as the alert engine sees it: its id (the `zoneId` of its readings), its kind and the facts the
 * rules need beyond the readings.
 *
 * @example { id: 'gate-3', kind: 'gate', upstreamZoneId: 'plaza' }
 */
export interface AlertZone {
  id: string;
  kind: AlertZoneKind;
  /** Most people the zone may hold (persons); enables the `occupancy` rule. */
  capacity?: number;
  /** Zone whose density is "upstream" of this gate, for the `outflowCollapse` rule; else this zone. */
  upstreamZoneId?: string;
}
