import type { AnalysisSummary } from '../../sinks/analysis-summary.js';

const fmt = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined ? '-' : value.toFixed(digits);

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
  lines.push('', `Outputs in ${outDir}/`);
  return lines.join('\n') + '\n';
}
