import type { AnalysisSummary } from '../../sinks/analysis-summary.js';

const fmt = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined ? '-' : value.toFixed(digits);

const SEVERITIES = ['critical', 'danger', 'warning', 'info'] as const;

/** The parts of an alert record (summary `alerts`, from the alert stage) the table shows. */
interface AlertLine {
  severity: string;
  rule: string;
  zoneId: string;
  raisedAtS: number;
}

/** A line zone's totals (summary `lines`, from the track stage). */
interface LineTotalsLine {
  id: string;
  in: number;
  out: number;
}

/** The human-readable end-of-run summary of `raqib analyze`. */
export function summaryTable(summary: AnalysisSummary, outDir: string): string {
  const lines = [
    `Analysed ${summary.frames} frames (${fmt(summary.durationS)} s of ${summary.input}), ${fmt(summary.meanMsPerFrame)} ms per frame`,
    `Peak count ${fmt(summary.peakCount?.value, 0)} at ${fmt(summary.peakCount?.timeS)} s`,
    '',
    `${'zone'.padEnd(16)} ${'mean count'.padStart(10)} ${'peak count'.padStart(10)} ${'at s'.padStart(8)} ${'area m²'.padStart(9)} ${'peak /m²'.padStart(9)} ${'at s'.padStart(8)}`,
  ];
  for (const zone of summary.zones) {
    lines.push(
      `${zone.zoneId.slice(0, 16).padEnd(16)} ${fmt(zone.meanCount).padStart(10)} ${fmt(zone.peakCount?.value, 0).padStart(10)} ${fmt(zone.peakCount?.timeS).padStart(8)} ${fmt(zone.areaM2, 0).padStart(9)} ${fmt(zone.peakDensityPerM2?.value, 2).padStart(9)} ${fmt(zone.peakDensityPerM2?.timeS).padStart(8)}`,
    );
  }
  const crossings = lineTotals(summary);
  if (crossings.length > 0) {
    lines.push('', `${'line'.padEnd(16)} ${'in'.padStart(6)} ${'out'.padStart(6)}`);
    for (const line of crossings) {
      lines.push(`${line.id.slice(0, 16).padEnd(16)} ${String(line.in).padStart(6)} ${String(line.out).padStart(6)}`);
    }
  }
  lines.push('', alertsLine(summary));
  const notifications = notificationsLine(summary);
  if (notifications) lines.push(notifications);
  if (summary.interrupted) lines.push(`Interrupted: the summary covers the frames analysed before the signal`);
  lines.push('', `Outputs in ${outDir}/`);
  return lines.join('\n') + '\n';
}

/** `Alerts: 2 critical, 1 danger, 0 warning, 3 info; first critical at 68.8 s (pressure, zone frame)`. */
function alertsLine(summary: AnalysisSummary): string {
  const alerts = Array.isArray(summary.alerts) ? (summary.alerts as AlertLine[]) : [];
  if (alerts.length === 0) return 'Alerts: none';
  const counts = SEVERITIES.map((severity) => `${alerts.filter((a) => a.severity === severity).length} ${severity}`);
  const critical = alerts.filter((a) => a.severity === 'critical').sort((a, b) => a.raisedAtS - b.raisedAtS)[0];
  const first = critical
    ? `; first critical at ${fmt(critical.raisedAtS)} s (${critical.rule}, zone ${critical.zoneId})`
    : '; no critical alert';
  return `Alerts: ${counts.join(', ')}${first}`;
}

function lineTotals(summary: AnalysisSummary): LineTotalsLine[] {
  return Array.isArray(summary.lines) ? (summary.lines as LineTotalsLine[]) : [];
}

/** `Notifications: 28 delivered, 2 not delivered (see notify-dead-letter.jsonl)`, when --notify was given. */
function notificationsLine(summary: AnalysisSummary): string | null {
  const report = summary.notifications as
    { destinations: { delivered: number }[]; deadLettered: number; deadLetterFile: string } | undefined;
  if (!report) return null;
  const delivered = report.destinations.reduce((sum, d) => sum + d.delivered, 0);
  const lost = report.deadLettered > 0 ? `, ${report.deadLettered} not delivered (in ${report.deadLetterFile})` : '';
  return `Notifications: ${delivered} delivered${lost}`;
}
