/**
 * Glass-to-glass delay of the live picture: from the frame's capture (wall time stamped by the
 * server when the frame arrived from the drone) to the moment it is on screen here. Both clocks are
 * this machine's on loopback; across machines the difference also holds their clock offset.
 * Samples are kept for the browser tests and docs/dashboard.md (`window.raqibMetrics`).
 */
const MAX_SAMPLES = 5000;

interface RaqibMetrics {
  glassToGlassMs: number[];
}

const metrics: RaqibMetrics = { glassToGlassMs: [] };
(window as unknown as { raqibMetrics: RaqibMetrics }).raqibMetrics = metrics;

export function recordGlassToGlass(capturedAtMs: number | null, shownAtMs: number): number | null {
  if (capturedAtMs === null) return null;
  const delayMs = shownAtMs - capturedAtMs;
  metrics.glassToGlassMs.push(delayMs);
  if (metrics.glassToGlassMs.length > MAX_SAMPLES) metrics.glassToGlassMs.splice(0, MAX_SAMPLES / 2);
  return delayMs;
}
