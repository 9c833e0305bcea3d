import { describe, expect, it } from 'vitest';
import { alertBody, alertSubject, formatValue } from './alert-text.js';
import { alertEvent } from './testing/alert-event-builder.js';
import { terminalLine } from './terminal-notifier.js';

describe('alert text', () => {
  it.each([
    [5.4, '5.4'],
    [5, '5'],
    [0.954, '0.95'],
    [12.34, '12.3'],
    [123.4, '123'],
    [-0.5, '-0.5'],
  ])('formats %d as %s', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });

  it('an alert still open when the stream ended is "closed: stream ended", not "cleared"', () => {
    const raised = alertEvent(3, { zoneId: 'gate-3' });
    const closed = {
      ...raised,
      type: 'cleared' as const,
      timeS: 200,
      value: 5.7,
      evidence: { ...raised.evidence, clearReason: 'stream-ended' },
    };
    expect(terminalLine(closed, false)).toBe(
      '[raqib] DANGER closed: stream ended zone gate-3: density 5.7/m², open when the stream ended  t=200 s cam1\n',
    );
    expect(terminalLine(closed, true)).toContain('\u001b[31mDANGER'); // its severity colour, not the green of cleared
    expect(alertSubject(closed)).toBe('[Raqib DANGER closed] zone gate-3: density 5.7/m², open when the stream ended');
    const cleared = { ...closed, value: 3.8, evidence: { ...raised.evidence, clearReason: 'value-cleared' } };
    expect(terminalLine(cleared, false)).toMatch(/ cleared {3}zone gate-3: density 3\.8\/m², cleared \(<= 5\)/);
  });

  it('writes subjects per lifecycle type', () => {
    const raised = alertEvent(3, { zoneId: 'gate-3' });
    expect(alertSubject(raised)).toBe('[Raqib DANGER] zone gate-3: density 5.4/m² >= 5');
    expect(alertSubject({ ...raised, type: 'escalated', severity: 'critical', value: 6.1, threshold: 6 })).toBe(
      '[Raqib CRITICAL escalated] zone gate-3: density 6.1/m² >= 6',
    );
    expect(alertSubject({ ...raised, type: 'cleared', value: 3.8, threshold: 4 })).toBe(
      '[Raqib DANGER cleared] zone gate-3: density 3.8/m², cleared (<= 4)',
    );
    const flow = alertEvent(1, { rule: 'lineFlow', zoneId: 'exit', value: 82, threshold: 80 });
    expect(alertSubject({ ...flow, evidence: { unit: 'persons/m/min', comparison: '>=' } })).toBe(
      '[Raqib DANGER] zone exit: lineFlow 82 persons/m/min >= 80',
    );
  });

  it('keeps control characters out of subjects and lines', () => {
    const event = alertEvent(1, { zoneId: 'gate\r\nBcc: x@y.z' });
    expect(alertSubject(event)).not.toMatch(/[\r\n]/);
    expect(terminalLine(event, false).slice(0, -1)).not.toMatch(/[\r\n]/);
  });

  it('puts the evidence in the body', () => {
    const body = alertBody(alertEvent(3, { zoneId: 'gate-3' }));
    expect(body).toContain('Raqib DANGER alert raised: zone gate-3: density 5.4/m² >= 5');
    expect(body).toContain('Raise/clear: 5 / 4');
    expect(body).toContain('Sustained:   10 s');
    expect(body).toContain('Recent values: 101s=5.6 103s=5.4');
    expect(body).toContain('Idempotency key: cam1:gate-3:density:danger:103000:raised');
  });

  it('colours the severity on a terminal', () => {
    expect(terminalLine(alertEvent(1), true)).toContain('\u001b[31mDANGER\u001b[0m');
    expect(terminalLine(alertEvent(1, { type: 'cleared' }), true)).toContain('\u001b[32mDANGER\u001b[0m');
  });
});
