/** What ffmpeg's stderr said about decoding, counted (see {@link FfmpegDecodeLog}). */
export interface FfmpegDecodeCounts {
  /** Decoded frames ffmpeg flagged as corrupt (`corrupt decoded frame`): damaged, concealed or grey. */
  corruptFrames: number;
  /** Packets the decoder rejected outright (`Error while decoding stream`): frames lost. */
  undecodablePackets: number;
  /** Error-level messages in all (decoder and demuxer), each repeat counted. */
  errorMessages: number;
}

/**
 * Reads ffmpeg's stderr as it arrives, when ffmpeg runs with `-loglevel repeat+level+warning` (every
 * message on its own line, tagged `[error]`, `[warning]`, ..., repeats not folded), and counts what
 * it says about damaged input. Keeps the last error lines (tags removed) for messages.
 */
export class FfmpegDecodeLog {
  private partial = '';
  private errorTail: string[] = [];
  readonly counts: FfmpegDecodeCounts = { corruptFrames: 0, undecodablePackets: 0, errorMessages: 0 };

  /** Adds a chunk of stderr text (lines may be split across chunks). */
  push(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  /** Flushes a last line without a newline. */
  end(): void {
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
  }

  /** The last error lines, without ffmpeg's `[h264 @ 0x...]` and level tags, newest last. */
  errors(max = 3): string[] {
    return this.errorTail.slice(-max);
  }

  private line(raw: string): void {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    if (line.includes('corrupt decoded frame')) this.counts.corruptFrames++;
    if (line.includes('Error while decoding stream')) this.counts.undecodablePackets++;
    const level = /\[(panic|fatal|error|warning|info|verbose|debug|trace)\] /.exec(line)?.[1];
    // Lines without a level tag come from ffmpeg versions that ignore `level`: treat them as errors.
    if (level === undefined || level === 'error' || level === 'fatal' || level === 'panic') {
      this.counts.errorMessages++;
      const text = line.replace(/^(\[[^\]]*@ 0x[0-9a-f]+\] )?(\[[a-z]+\] )?/, '').trim();
      this.errorTail.push(text);
      if (this.errorTail.length > 20) this.errorTail.shift();
    }
  }
}
