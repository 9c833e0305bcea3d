import type { RgbImage } from '@raqib/core';

/** How one run of a live input ended. */
export interface LiveInputEnd {
  /** True when the input reached its natural end (a drill file played to the end); false on loss or failure. */
  completed: boolean;
  /** Why it ended, for the stream's health line, e.g. "ffmpeg exited with code 1: Connection refused". */
  reason: string;
}

/** Where one run of a live input reports. Called on the main loop; the handlers must not throw. */
export interface LiveInputHandlers {
  onFrame(image: RgbImage): void;
  /** Called once per run, also after {@link LiveInput.stop}. */
  onEnd(end: LiveInputEnd): void;
}

/** One run of a live input (one ffmpeg process); the supervisor starts a new one on every restart. */
export interface LiveInput {
  /** Stops the run (kills the decoder); `onEnd` follows. Safe to call more than once. */
  stop(): void;
}

/** Starts a run of a live input. */
export type LiveInputFactory = (handlers: LiveInputHandlers) => LiveInput;
