import type { FrameAnalysis } from '@raqib/core';
import { JsonlWriter } from './jsonl-file-sink.js';
import type { Sink } from './sink.js';

/**
 * tracks.csv: `frame,track_id,x,y` for the confirmed tracks of every analysed frame (matched and
 * recently coasting, at the tracker's filtered position, pixels) - the format `raqib eval-tracks` reads.
 * Track ids are random per run: they never identify anyone across runs.
 */
export class TracksCsvSink implements Sink {
  private readonly file: JsonlWriter;

  /** @param frameOf the frame number written for an analysis (default: the analysed frame's `seq`). */
  constructor(
    path: string,
    private readonly frameOf: (analysis: FrameAnalysis) => number = (analysis) => analysis.frame.seq,
  ) {
    this.file = new JsonlWriter(path);
    void this.file.appendText('frame,track_id,x,y\n');
  }

  async write(analysis: FrameAnalysis): Promise<void> {
    const tracks = analysis.tracks;
    if (!tracks || tracks.length === 0) return;
    const frame = this.frameOf(analysis);
    let text = '';
    for (const track of tracks) text += `${frame},${track.id},${track.xPx.toFixed(2)},${track.yPx.toFixed(2)}\n`;
    await this.file.appendText(text);
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
