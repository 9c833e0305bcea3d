import { describe, expect, it } from 'vitest';
import type { RgbImage } from '@raqib/core';
import type { LiveInputHandlers } from './live-input.js';
import { StreamSupervisor, type StreamSupervisorOptions, type StreamTransition } from './stream-supervisor.js';
import { FakeClock } from './testing/fake-clock.js';

const IMAGE: RgbImage = { width: 2, height: 1, rgb: new Uint8Array(6) };

/** A scripted input: the test decides when each run delivers frames or ends. */
class FakeInputs {
  runs: { handlers: LiveInputHandlers; stopped: boolean }[] = [];
  factory = (handlers: LiveInputHandlers) => {
    const run = { handlers, stopped: false };
    this.runs.push(run);
    return {
      stop: () => {
        if (run.stopped) return;
        run.stopped = true;
        handlers.onEnd({ completed: false, reason: 'stopped' });
      },
    };
  };
  get last() {
    return this.runs[this.runs.length - 1]!;
  }
  frame() {
    this.last.handlers.onFrame(IMAGE);
  }
}

function setup(options: Partial<StreamSupervisorOptions> = {}) {
  const clock = new FakeClock();
  const inputs = new FakeInputs();
  const frames: RgbImage[] = [];
  const supervisor = new StreamSupervisor({
    streamId: 'drone-1',
    input: inputs.factory,
    onFrame: (image) => frames.push(image),
    clock,
    wallClockMs: () => 1_700_000_000_000 + clock.nowMs(),
    ...options,
  });
  const transitions: StreamTransition[] = [];
  supervisor.onTransition((t) => transitions.push(t));
  const states = () => transitions.map((t) => t.to);
  return { clock, inputs, frames, supervisor, transitions, states };
}

describe('StreamSupervisor', () => {
  it('goes starting -> live on the first frame and passes frames on', () => {
    const { inputs, frames, supervisor, states, transitions } = setup();
    supervisor.start();
    expect(states()).toEqual(['starting']);
    inputs.frame();
    inputs.frame();
    expect(states()).toEqual(['starting', 'live']);
    expect(frames).toHaveLength(2);
    expect(transitions[1]).toMatchObject({ streamId: 'drone-1', from: 'starting', to: 'live', restarts: 0 });
    expect(supervisor.health().lastFrameAt).toBe(1_700_000_000_000);
  });

  it('declares a silent live stream stalled after 20 s, restarts its input after the backoff, and is live again', () => {
    const { clock, inputs, supervisor, states, transitions } = setup();
    supervisor.start();
    inputs.frame();
    clock.advance(19_000);
    expect(supervisor.state).toBe('live');
    clock.advance(1_000); // the watchdog tick at 20 s of silence (ticks every 5 s)
    expect(states()).toEqual(['starting', 'live', 'stalled', 'reconnecting']);
    expect(transitions[2]!.reason).toMatch(/no frame for 2\d\.\d s/);
    expect(inputs.runs[0]!.stopped).toBe(true);
    expect(transitions[3]!.retryInMs).toBe(2_000); // first wait, jitter at its middle
    clock.advance(1_999);
    expect(inputs.runs).toHaveLength(1);
    clock.advance(1);
    expect(inputs.runs).toHaveLength(2);
    expect(supervisor.state).toBe('starting');
    inputs.frame();
    expect(supervisor.state).toBe('live');
    expect(supervisor.health().restarts).toBe(1);
    // frames from the old, stopped run are ignored
    inputs.runs[0]!.handlers.onFrame(IMAGE);
    expect(supervisor.health().restarts).toBe(1);
  });

  it('backs off exponentially from 2 s to 60 s while the input keeps failing: no restart storm', () => {
    const { clock, inputs, supervisor, transitions } = setup();
    supervisor.start();
    inputs.frame();
    const outageStartMs = clock.nowMs();
    // The input dies at once on every attempt (e.g. connection refused) for 5 minutes.
    inputs.last.handlers.onEnd({ completed: false, reason: 'Connection refused' });
    while (clock.nowMs() - outageStartMs < 300_000) {
      const before = inputs.runs.length;
      clock.advance(100);
      if (inputs.runs.length > before) inputs.last.handlers.onEnd({ completed: false, reason: 'Connection refused' });
    }
    const waits = transitions.filter((t) => t.to === 'reconnecting').map((t) => t.retryInMs);
    expect(waits.slice(0, 7)).toEqual([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    // restarts at 2, 6, 14, 30, 62 s, then one a minute (122, 182, 242 s): 8 in 5 minutes
    expect(supervisor.health().restarts).toBe(8);
  });

  it('declares the stall when it is due, not at the next regular tick', () => {
    const { clock, inputs, supervisor, transitions } = setup({ tickMs: 5_000 });
    supervisor.start();
    clock.advance(3_000);
    inputs.frame(); // last frame at 3 s: the stall is due at 23 s, between ticks at 20 s and 25 s
    clock.advance(19_999);
    expect(supervisor.state).toBe('live');
    clock.advance(1);
    expect(transitions.find((t) => t.to === 'stalled')).toMatchObject({ atMs: 23_000 });
  });

  it('spreads waits with jitter but never past the maximum', () => {
    const { clock, supervisor } = setup({ backoffJitter: 0.2 });
    clock.randomValues = [0, 0.999999];
    expect(supervisor.backoffMs(0)).toBe(1_600);
    expect(supervisor.backoffMs(0)).toBe(2_400);
    clock.randomValues = [0.999999];
    expect(supervisor.backoffMs(10)).toBe(60_000);
    clock.randomValues = [0];
    expect(supervisor.backoffMs(10)).toBe(48_000);
  });

  it('restarts an attempt that gives no first frame within the grace period', () => {
    const { clock, inputs, supervisor, states } = setup({ startGraceMs: 30_000 });
    supervisor.start();
    clock.advance(29_000);
    expect(states()).toEqual(['starting']);
    clock.advance(1_000);
    expect(states()).toEqual(['starting', 'stalled', 'reconnecting']);
    expect(inputs.runs[0]!.stopped).toBe(true);
  });

  it('resets the backoff after a stable live period', () => {
    const { clock, inputs, supervisor, transitions } = setup();
    supervisor.start();
    for (let i = 0; i < 3; i++) {
      inputs.frame();
      inputs.last.handlers.onEnd({ completed: false, reason: 'lost' });
      clock.advance(transitions.at(-1)!.retryInMs!);
    }
    // three quick failures: waits 2, 4, 8 s
    expect(transitions.filter((t) => t.to === 'reconnecting').map((t) => t.retryInMs)).toEqual([2_000, 4_000, 8_000]);
    // now live for 40 s (frames keep coming), then lost: the wait is back to 2 s
    for (let t = 0; t < 40; t++) {
      inputs.frame();
      clock.advance(1_000);
    }
    inputs.last.handlers.onEnd({ completed: false, reason: 'lost' });
    expect(transitions.filter((t) => t.to === 'reconnecting').at(-1)!.retryInMs).toBe(2_000);
  });

  it('reconnects at once when the ingest reports a publisher, without waiting out the backoff', () => {
    const { clock, inputs, supervisor, states, transitions } = setup();
    supervisor.start();
    inputs.frame();
    for (let i = 0; i < 6; i++) {
      inputs.last.handlers.onEnd({ completed: false, reason: 'lost' });
      clock.advance(transitions.at(-1)!.retryInMs!);
    }
    inputs.last.handlers.onEnd({ completed: false, reason: 'lost' });
    expect(supervisor.state).toBe('reconnecting');
    expect(transitions.at(-1)!.retryInMs).toBe(60_000);
    const runs = inputs.runs.length;
    supervisor.publisherAvailable();
    expect(inputs.runs).toHaveLength(runs + 1);
    expect(states().at(-1)).toBe('starting');
    // the retry timer of the cancelled wait does not start a second run
    clock.advance(120_000);
    inputs.frame();
    expect(supervisor.state).toBe('live');
  });

  it('ends on stop (input stopped, no timers left) and when a drill file completes', () => {
    const { clock, inputs, supervisor, states } = setup();
    supervisor.start();
    inputs.frame();
    supervisor.stop('operator stopped the stream');
    expect(states().at(-1)).toBe('ended');
    expect(inputs.last.stopped).toBe(true);
    expect(clock.pending).toBe(0);
    supervisor.stop();
    expect(states().filter((s) => s === 'ended')).toHaveLength(1);

    const drill = setup();
    drill.supervisor.start();
    drill.inputs.frame();
    drill.inputs.last.handlers.onEnd({ completed: true, reason: 'input ended' });
    expect(drill.states()).toEqual(['starting', 'live', 'ended']);
    expect(drill.clock.pending).toBe(0);
  });

  it('treats an input factory that throws as a failed attempt, and survives a throwing listener', () => {
    let calls = 0;
    const { clock, supervisor, states } = setup({
      input: () => {
        calls++;
        throw new Error('spawn EAGAIN');
      },
    });
    supervisor.onTransition(() => {
      throw new Error('listener bug');
    });
    supervisor.start();
    expect(states()).toEqual(['starting', 'stalled', 'reconnecting']);
    clock.advance(2_000);
    expect(calls).toBe(2);
    expect(supervisor.health().lastProblem).toMatch(/spawn EAGAIN/);
  });

  it('keeps streams independent: one failing stream does not change another', () => {
    const a = setup();
    const b = setup({ clock: a.clock });
    a.supervisor.start();
    b.supervisor.start();
    a.inputs.frame();
    b.inputs.frame();
    for (let t = 0; t < 30; t++) {
      b.inputs.frame();
      a.clock.advance(1_000);
    }
    expect(a.states()).toEqual(['starting', 'live', 'stalled', 'reconnecting', 'starting']);
    expect(b.supervisor.state).toBe('live');
    expect(b.states()).toEqual(['starting', 'live']);
  });
});
