import type { FrameSource } from '../ingest/frame-source.js';

/**
 * `source` with its frames handed on so that the event loop runs at least every `everyMs` of wall
 * time. A source whose frames are ready at once (a points file) otherwise keeps the analysis in
 * microtasks, starving what runs on the event loop: SIGINT/SIGTERM handlers, notification
 * deliveries and their timers. The pause (one setImmediate) costs microseconds.
 */
export function responsiveSource(source: FrameSource, everyMs = 50): FrameSource {
  return {
    description: source.description,
    end: () => source.end(),
    ...(source.dataQuality ? { dataQuality: () => source.dataQuality?.() } : {}),
    async *frames() {
      let lastTurnMs = performance.now();
      for await (const frame of source.frames()) {
        if (performance.now() - lastTurnMs >= everyMs) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastTurnMs = performance.now();
        }
        yield frame;
      }
    },
  };
}
