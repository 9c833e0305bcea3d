import { idempotencyKey, type NotifyEvent } from './notify-event.js';

/** A number for people: at most 3 significant digits, no trailing zeros (5.4, 0.95, 120). */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const decimals = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return String(Number(value.toFixed(decimals)));
}

/** `persons/m²` reads better as `/m²` right after a number. */
function withUnit(value: number, unit: string | undefined): string {
  if (!unit) return formatValue(value);
  if (unit === 'persons/m²') return `${formatValue(value)}/m²`;
  return `${formatValue(value)} ${unit}`;
}

/** Strips control characters (new lines in a zone id must not reach an e-mail header or a terminal). */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

/**
 * The one-line summary of an event, e.g. `zone gate-3: density 5.4/m² >= 5`, or for a cleared alert
 * `zone gate-3: density 3.8/m², cleared (<= 4)`.
 */
export function alertSummary(event: NotifyEvent): string {
  const unit = event.evidence?.unit;
  const raiseComparison = event.evidence?.comparison ?? '>=';
  const head = `zone ${event.zoneId}: ${event.rule} ${withUnit(event.value, unit)}`;
  if (isStreamEnded(event)) return oneLine(`${head}, open when the stream ended`);
  if (event.type === 'cleared') {
    const clearComparison = raiseComparison === '>=' ? '<=' : '>=';
    return oneLine(`${head}, cleared (${clearComparison} ${formatValue(event.threshold)})`);
  }
  return oneLine(`${head} ${raiseComparison} ${formatValue(event.threshold)}`);
}

/**
 * True for the `cleared` event the engine sends for every alert still open at the end of the stream:
 * the condition did not clear, the analysis stopped, so it is shown as closed, not cleared.
 */
export function isStreamEnded(event: NotifyEvent): boolean {
  return event.type === 'cleared' && event.evidence?.clearReason === 'stream-ended';
}

/** E-mail subject, e.g. `[Raqib DANGER] zone gate-3: density 5.4/m² >= 5`. */
export function alertSubject(event: NotifyEvent): string {
  const tag = isStreamEnded(event) ? ' closed' : event.type === 'raised' ? '' : ` ${event.type}`;
  return `[Raqib ${event.severity.toUpperCase()}${tag}] ${alertSummary(event)}`;
}

/** Plain-text body with the evidence an operator needs to check the alert. */
export function alertBody(event: NotifyEvent): string {
  const e = event.evidence;
  const unit = e?.unit;
  const lines = [
    `Raqib ${event.severity.toUpperCase()} alert ${event.type}: ${alertSummary(event)}`,
    '',
    `Event:       ${event.type} (${event.severity})`,
    `Rule:        ${event.rule}`,
    `Zone:        ${event.zoneId}`,
  ];
  if (event.streamId) lines.push(`Stream:      ${event.streamId}`);
  lines.push(`Stream time: ${formatValue(event.timeS)} s`);
  lines.push(`Value:       ${withUnit(event.value, unit)}`);
  lines.push(`Threshold:   ${withUnit(event.threshold, unit)}`);
  if (e) {
    if (e.raiseThreshold !== undefined && e.clearThreshold !== undefined) {
      lines.push(`Raise/clear: ${formatValue(e.raiseThreshold)} / ${formatValue(e.clearThreshold)}`);
    }
    if (e.sustainS !== undefined) lines.push(`Sustained:   ${formatValue(e.sustainS)} s`);
    if (e.peakValue !== undefined) {
      const at = e.peakAtS === undefined ? '' : ` at ${formatValue(e.peakAtS)} s`;
      lines.push(`Peak:        ${withUnit(e.peakValue, unit)}${at}`);
    }
    if (e.startedAtS !== undefined) lines.push(`Opened at:   ${formatValue(e.startedAtS)} s`);
    if (e.durationS !== undefined) lines.push(`Open for:    ${formatValue(e.durationS)} s`);
    if (e.clearReason) lines.push(`Cleared by:  ${e.clearReason}`);
    if (e.escalatedFromId) lines.push(`Escalated from: ${e.escalatedFromId}`);
    if (e.frameSeq !== undefined) lines.push(`Frame:       ${e.frameSeq}`);
    if (e.history && e.history.length > 0) {
      const recent = e.history.slice(-12).map((s) => `${formatValue(s.timeS)}s=${formatValue(s.value)}`);
      lines.push(`Recent values: ${recent.join(' ')}`);
    }
  }
  lines.push('', `Alert id: ${event.id}`, `Idempotency key: ${idempotencyKey(event)}`);
  lines.push('', 'Raqib counts people without identifying anyone.');
  return lines.map(oneLine).join('\n') + '\n';
}
