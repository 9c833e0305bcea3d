import { describe, expect, it } from 'vitest';
import type { AnalysisSummary } from '../../sinks/analysis-summary.js';
import { summaryTable } from './analyze-summary-table.js';

const base: AnalysisSummary = {
  input: 'points.csv',
  frames: 300,
  durationS: 60,
  firstTimeS: 0,
  lastTimeS: 59.8,
  meanMsPerFrame: 4.2,
  meanInferenceMsPerFrame: 0,
  meanDecodeMsPerFrame: 0.1,
  peakCount: { value: 120, timeS: 50 },
  zones: [],
  source: { completed: true },
};

const alert = (severity: string, rule: string, zoneId: string, raisedAtS: number) => ({
  id: `${zoneId}:${rule}:${severity}`,
  incidentId: 'i',
  severity,
  rule,
  zoneId,
  raisedAtS,
  threshold: 1,
  peakValue: 2,
});

describe('analyze end-of-run table', () => {
  it('shows alert counts by severity, the first critical alert with its time, and line totals', () => {
    const table = summaryTable(
      {
        ...base,
        alerts: [
          alert('warning', 'growth', 'approach', 41),
          alert('critical', 'localDensity', 'approach', 97),
          alert('critical', 'pressure', 'frame', 68.8),
          alert('info', 'lineFlow', 'exit', 35.8),
        ],
        lines: [
          { id: 'exit', in: 42, out: 3, lengthM: 0.8 },
          { id: 'side-gate', in: 0, out: 17, lengthM: 2 },
        ],
      },
      'out/x',
    );
    expect(table).toContain(
      'Alerts: 2 critical, 0 danger, 1 warning, 1 info; first critical at 68.8 s (pressure, zone frame)\n',
    );
    expect(table).toContain(
      'line                 in    out\nexit                 42      3\nside-gate             0     17\n',
    );
  });

  it('says when there was no alert or no critical one, and what became of the notifications', () => {
    expect(summaryTable(base, 'out/x')).toContain('Alerts: none\n');
    const table = summaryTable(
      {
        ...base,
        alerts: [alert('danger', 'density', 'gate', 12)],
        notifications: {
          destinations: [{ name: 'webhook http://h/x', enqueued: 2, delivered: 1, deadLettered: 1 }],
          deadLettered: 1,
          deadLetterFile: 'out/x/notify-dead-letter.jsonl',
          deadLetterWriteFailures: 0,
        },
      },
      'out/x',
    );
    expect(table).toContain('Alerts: 0 critical, 1 danger, 0 warning, 0 info; no critical alert\n');
    expect(table).toContain('Notifications: 1 delivered, 1 not delivered (in out/x/notify-dead-letter.jsonl)\n');
    expect(table).not.toContain('line ');
  });
});
