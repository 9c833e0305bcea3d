import type { LiveBus } from '../bus/live-bus.js';
import { busWatched, LiveFrameStage } from '../live/live-frame-stage.js';
import type { Stage } from '../pipeline/stage.js';
import type { DemoCrowd } from './demo-crowd.js';
import { DemoFrameRenderer } from './demo-frame-render.js';

/**
 * The stage that puts a stream's picture on `streams/<id>/frames` for the dashboard, only while
 * someone watches it: the analysed frame itself, or for the demo drone a drawn top view of its
 * simulated crowd. Last in the pipeline, so the picture leaves with its analysis.
 */
export function livePictureStage(bus: LiveBus, streamId: string, demo?: DemoCrowd): Stage {
  const renderer = demo ? new DemoFrameRenderer(demo) : undefined;
  return new LiveFrameStage({
    bus,
    streamId,
    watched: busWatched(bus, `streams/${streamId}/frames`),
    ...(renderer ? { render: (context) => renderer.render(context) } : {}),
  });
}
