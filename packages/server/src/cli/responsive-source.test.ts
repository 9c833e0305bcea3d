import { describe, expect, it } from 'vitest';
import type { FrameSource, SourceFrame } from '../ingest/frame-source.js';
import { responsiveSource } from './responsive-source.js';

/** A source whose frames are ready at once, each costing `busyMs` of CPU (like a points file). */
function busySource(frames: number, busyMs: number): FrameSource & { returned: boolean } {
  const source = {
    description: 'busy',
    returned: false,
    end: () => ({ completed: true, framesRead: frames, lastPtsMs: null }),
    async *frames(): AsyncGenerator<SourceFrame> {
      try {
        for (let seq = 0; seq < frames; seq++) {
          const until = performance.now() + busyMs;
          while (performance.now() < until) {
            // busy
          }
          yield { meta: { streamId: 's', seq, ptsMs: seq * 100, capturedAtMs: 0, width: 1, height: 1 } };
        }
      } finally {
        source.returned = true;
      }
    },
  };
  return source;
}

describe('responsiveSource', () => {
  it('lets a timer fire while frames are consumed back to back, and stops the inner source on break', async () => {
    let fired = -1;
    let seen = 0;
    const inner = busySource(40, 5);
    setTimeout(() => (fired = seen), 20);
    for await (const frame of responsiveSource(inner, 10).frames()) {
      seen = frame.meta.seq + 1;
      if (seen === 30) break;
    }
    expect(fired).toBeGreaterThan(0); // the timer ran during the loop, not after it
    expect(fired).toBeLessThan(30);
    expect(inner.returned).toBe(true);
  });
});
