import { useEffect, useState } from 'preact/hooks';
import { useSession } from '../session.js';
import type { AnalysisMessage, LiveFrameMessage, ReadingsMessage } from '@raqib/core';

/** Line crossings summed since the page subscribed, per line zone id. */
export type LineTotals = Record<string, { in: number; out: number }>;

export interface StreamLive {
  frame: LiveFrameMessage | null;
  analysis: AnalysisMessage | null;
  readings: ReadingsMessage | null;
  lineTotals: LineTotals;
}

/**
 * The live topics of one stream: its picture (when `frames`), its analysis at display rate and its
 * readings on every frame (line crossings are summed here, as the readings carry per-frame counts).
 */
export function useStreamLive(streamId: string, frames: boolean): StreamLive {
  const { live } = useSession();
  const [state, setState] = useState<StreamLive>({ frame: null, analysis: null, readings: null, lineTotals: {} });
  useEffect(() => {
    setState({ frame: null, analysis: null, readings: null, lineTotals: {} });
    const totals: LineTotals = {};
    const unsubscribe = [
      live.subscribe(`streams/${streamId}/analysis`, (data) =>
        setState((s) => ({ ...s, analysis: data as AnalysisMessage })),
      ),
      live.subscribe(`streams/${streamId}/readings`, (data) => {
        const readings = data as ReadingsMessage;
        for (const zone of readings.zones) {
          if (zone.kind !== 'line') continue;
          const total = (totals[zone.zoneId] ??= { in: 0, out: 0 });
          total.in += zone.inCount ?? 0;
          total.out += zone.outCount ?? 0;
        }
        setState((s) => ({ ...s, readings, lineTotals: { ...totals } }));
      }),
      ...(frames
        ? [
            live.subscribe(`streams/${streamId}/frames`, (data) =>
              setState((s) => ({ ...s, frame: data as LiveFrameMessage })),
            ),
          ]
        : []),
    ];
    return () => unsubscribe.forEach((off) => off());
  }, [streamId, frames, live]);
  return state;
}

/** The JPEG of a frame message as a Blob (the page's CSP allows blob: images, not fetching data: URLs). */
export function frameBlob(frame: LiveFrameMessage): Blob {
  const binary = atob(frame.jpegBase64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: 'image/jpeg' });
}
